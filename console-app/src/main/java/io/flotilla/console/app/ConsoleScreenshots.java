package io.flotilla.console.app;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;

/**
 * Writes PNG screenshots of the console with {@code snapshot} (no window system or X server needed, so it
 * works headless in CI). The picture is taken on the FX thread; the file is written on the caller's thread.
 *
 * <p>Thread-safety: call from any thread other than the FX thread (the call waits up to 10 s for the FX
 * thread to take the picture). On the FX thread use {@link #capture(Scene)} and write the image elsewhere.
 */
public final class ConsoleScreenshots {
  private static final long TIMEOUT_SECONDS = 10;

  private ConsoleScreenshots() {}

  /** Saves the whole scene as a PNG at {@code png}, creating parent folders. */
  public static void snapshot(Scene scene, Path png) {
    write(onFxThread(() -> capture(scene)), png);
  }

  /** Saves one node (and its children) as a PNG at {@code png}, creating parent folders. */
  public static void snapshot(Node node, Path png) {
    write(onFxThread(() -> node.snapshot(null, null)), png);
  }

  /** Takes the picture. FX thread only. */
  public static WritableImage capture(Scene scene) {
    return scene.snapshot(null);
  }

  /** Writes {@code image} as a PNG. Any thread; blocks on the disk, so not on the FX thread. */
  public static void write(WritableImage image, Path png) {
    try {
      Path parent = png.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      BufferedImage buffered = SwingFXUtils.fromFXImage(image, null);
      if (!ImageIO.write(buffered, "png", png.toFile())) {
        throw new IOException("no PNG writer available");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write screenshot " + png, e);
    }
  }

  private static WritableImage onFxThread(Supplier<WritableImage> take) {
    if (Platform.isFxApplicationThread()) {
      throw new IllegalStateException("called on the FX thread: use capture(scene) and write the image elsewhere");
    }
    CompletableFuture<WritableImage> f = new CompletableFuture<>();
    Platform.runLater(() -> {
      try {
        f.complete(take.get());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    try {
      return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while taking a screenshot", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not take a screenshot: " + e, e);
    }
  }
}
