package io.flotilla.console.cli;

import io.flotilla.console.app.ConsoleOptions;
import io.flotilla.console.app.DemoFederation;
import io.flotilla.console.app.FlotillaConsoleApp;
import io.flotilla.console.app.settings.SettingsStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flotilla console}: opens the JavaFX operations console. */
@Command(name = "console", mixinStandardHelpOptions = true,
    description = "Open the operations console (default: on the built-in demo federation).")
public final class ConsoleCommand implements Callable<Integer> {
  @Option(names = "--demo", description = "Run the built-in demo federation (simulated participants, "
      + "Fashion-MNIST if installed, else synthetic). This is the default.")
  boolean demo = true;

  @Option(names = "--auto-start", description = "Start rounds as soon as the window opens.")
  boolean autoStart;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Persist the federation (model versions, "
      + "audit log) in DIR and resume it from there; default: a temporary directory deleted on exit.")
  Path stateDir;

  @Option(names = "--screenshot-dir", paramLabel = "DIR", description = "Run the demo, save a PNG of every "
      + "page into DIR once rounds have run, then exit (see scripts/screenshots.sh).")
  Path screenshotDir;

  @Override
  public Integer call() {
    ConsoleOptions options = new ConsoleOptions(DemoFederation.config(), autoStart || screenshotDir != null)
        .withStateDir(stateDir)
        .withScreenshotDir(screenshotDir)
        // a screenshot run must look the same on every machine: no remembered layout
        .withSettingsFile(screenshotDir == null ? SettingsStore.defaultLocation() : null);
    FlotillaConsoleApp.run(options);
    return 0;
  }
}
