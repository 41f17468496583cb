package io.flotilla.console.app;

import io.flotilla.console.app.session.ServeSpec;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the console window is asked to run, as decided by the command line. Immutable.
 *
 * @param simulation the embedded simulated federation to drive
 * @param autoStart start rounds as soon as the window is up (otherwise the operator presses Start)
 * @param keepHistory persist the federation (model versions, rollback, audit log) in {@code stateDir}
 * @param stateDir where to persist it; null for a temporary directory deleted on exit
 * @param settingsFile where window layout, theme and page are remembered; null remembers nothing
 * @param screenshotDir when set, the console tours its pages once rounds have run, saves a PNG of each
 *     here, and exits
 * @param scenario the scenario's name (shown in the status bar and the chooser), or null
 * @param serve where to serve the federation to participant processes over gRPC, or null for nowhere
 * @param passphraseFile the file with the passphrase of the state directory's CA (else the environment's
 *     {@code FLOTILLA_CA_PASSPHRASE}); with it, {@code serve} uses mutual TLS with that CA
 */
public record ConsoleOptions(SimulationConfig simulation, boolean autoStart, boolean keepHistory, Path stateDir,
    Path settingsFile, Path screenshotDir, String scenario, ServeSpec serve, Path passphraseFile) {
  public ConsoleOptions {
    Objects.requireNonNull(simulation, "simulation");
  }

  /** The simulation with history in a temporary directory, remembering nothing between runs. */
  public ConsoleOptions(SimulationConfig simulation, boolean autoStart) {
    this(simulation, autoStart, true, null, null, null, null, null, null);
  }

  public ConsoleOptions withSettingsFile(Path f) {
    return new ConsoleOptions(simulation, autoStart, keepHistory, stateDir, f, screenshotDir, scenario, serve, passphraseFile);
  }

  public ConsoleOptions withScreenshotDir(Path d) {
    return new ConsoleOptions(simulation, autoStart, keepHistory, stateDir, settingsFile, d, scenario, serve, passphraseFile);
  }

  public ConsoleOptions withStateDir(Path d) {
    return new ConsoleOptions(simulation, autoStart, keepHistory, d, settingsFile, screenshotDir, scenario, serve, passphraseFile);
  }

  public ConsoleOptions withoutHistory() {
    return new ConsoleOptions(simulation, autoStart, false, null, settingsFile, screenshotDir, scenario, serve, passphraseFile);
  }

  /** Serves the federation on {@code s} (null: not at all). */
  public ConsoleOptions withServe(ServeSpec s) {
    return new ConsoleOptions(simulation, autoStart, keepHistory, stateDir, settingsFile, screenshotDir, scenario, s, passphraseFile);
  }

  /** Starts rounds as soon as the federation is loaded, or waits for Start. */
  public ConsoleOptions withAutoStart(boolean on) {
    return new ConsoleOptions(simulation, on, keepHistory, stateDir, settingsFile, screenshotDir, scenario, serve, passphraseFile);
  }

  /** Runs {@code config}, named {@code name}, instead. */
  public ConsoleOptions withScenario(String name, SimulationConfig config) {
    return new ConsoleOptions(config, autoStart, keepHistory, stateDir, settingsFile, screenshotDir, name, serve, passphraseFile);
  }

  /** With the CA passphrase read from {@code f}. */
  public ConsoleOptions withPassphraseFile(Path f) {
    return new ConsoleOptions(simulation, autoStart, keepHistory, stateDir, settingsFile, screenshotDir, scenario,
        serve, f);
  }
}
