package io.flotilla.console.app.settings;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes {@link ConsoleSettings} as a small JSON file. The file's place is injected, so tests use
 * a temporary folder and never touch the user's configuration; the application uses
 * {@link #defaultLocation()}. A missing or unreadable file gives the defaults (with a warning for an
 * unreadable one); a write goes to a temporary file first and is then moved over the old one, so a crash
 * never leaves half a file.
 *
 * <p>Thread-safety: stateless apart from the path; {@link #save} is synchronized. Both methods touch the
 * disk, so call them off the FX thread.
 */
public final class SettingsStore {
  private static final Logger log = LoggerFactory.getLogger(SettingsStore.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path file;

  public SettingsStore(Path file) {
    this.file = file;
  }

  /** {@code $XDG_CONFIG_HOME/flotilla/console.json}, or {@code ~/.config/flotilla/console.json}. */
  public static Path defaultLocation() {
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("flotilla").resolve("console.json");
  }

  public Path file() {
    return file;
  }

  /** The stored settings, or {@link ConsoleSettings#DEFAULTS}. */
  public ConsoleSettings load() {
    if (!Files.isRegularFile(file)) {
      return ConsoleSettings.DEFAULTS;
    }
    try {
      JsonNode n = JSON.readTree(file.toFile());
      return new ConsoleSettings(
          number(n, "x"), number(n, "y"), number(n, "width"), number(n, "height"),
          n.path("maximized").asBoolean(false), n.path("dark").asBoolean(false),
          n.hasNonNull("page") ? n.get("page").asText() : null, strings(n.get("participantsHiddenColumns")));
    } catch (IOException | RuntimeException e) {
      log.warn("could not read console settings {}; using defaults", file, e);
      return ConsoleSettings.DEFAULTS;
    }
  }

  /** A JSON array of strings, or null when absent or not an array (other elements are skipped). */
  private static java.util.List<String> strings(JsonNode array) {
    if (array == null || !array.isArray()) {
      return null;
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    array.forEach(e -> {
      if (e.isTextual()) {
        out.add(e.asText());
      }
    });
    return out;
  }

  private static double number(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
  }

  /** Writes {@code s}; a failure is logged, never thrown (losing the window size is not worth a crash). */
  public synchronized void save(ConsoleSettings s) {
    ObjectNode n = JSON.createObjectNode();
    if (s.hasPosition()) {
      n.put("x", s.x());
      n.put("y", s.y());
    }
    n.put("width", s.width());
    n.put("height", s.height());
    n.put("maximized", s.maximized());
    n.put("dark", s.dark());
    if (s.page() != null) {
      n.put("page", s.page());
    }
    if (s.participantsHiddenColumns() != null) {
      s.participantsHiddenColumns().forEach(n.putArray("participantsHiddenColumns")::add);
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, "console", ".json.tmp");
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), n);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      log.warn("could not save console settings to {}", file, e);
    }
  }
}
