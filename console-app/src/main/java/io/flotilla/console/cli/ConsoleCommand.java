package io.flotilla.console.cli;

import io.flotilla.console.app.ConsoleOptions;
import io.flotilla.console.app.FlotillaConsoleApp;
import io.flotilla.console.app.enrollments.OperatorIdentity;
import io.flotilla.console.app.scenario.ScenarioCatalog;
import io.flotilla.console.app.session.ServeSpec;
import io.flotilla.console.app.settings.SettingsStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla console}: opens the JavaFX operations console on a scenario's simulated federation (the
 * built-in {@code demo} unless {@code --scenario} names another or a YAML file), optionally serving that
 * federation to participant processes over gRPC ({@code --serve}).
 */
@Command(name = "console", mixinStandardHelpOptions = true,
    description = "Open the operations console (default: on the built-in demo scenario).")
public final class ConsoleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--demo", description = "Run the built-in demo scenario (simulated participants, "
      + "Fashion-MNIST if installed, else synthetic). This is the default.")
  boolean demo = true;

  @Option(names = "--scenario", paramLabel = "NAME|FILE", description = "A built-in scenario (demo, "
      + "demo-synthetic, large-fleet, under-attack, stragglers) or a scenario YAML file (default: demo).")
  String scenario;

  @Option(names = "--serve", paramLabel = "HOST:PORT", description = "Also serve the federation to participant "
      + "processes over gRPC on HOST:PORT (port 0: any free one), so that `flotilla participant --coordinator "
      + "HOST:PORT ...` joins it. With a --state-dir that has a CA (flotilla ca init): mutual TLS, participants "
      + "enroll with bundles from the Enrollments page; otherwise plaintext (loopback or a trusted network only).")
  String serve;

  @Option(names = "--passphrase-file", paramLabel = "FILE", description = "The passphrase of the --state-dir's CA "
      + "(its first line; default: FLOTILLA_CA_PASSPHRASE).")
  Path passphraseFile;

  @Option(names = "--auto-start", description = "Start rounds as soon as the window opens.")
  boolean autoStart;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Persist the federation (model versions, "
      + "audit log) in DIR and resume it from there; default: a temporary directory deleted on exit.")
  Path stateDir;

  @Option(names = "--screenshot-dir", paramLabel = "DIR", description = "Run the demo, save a PNG of every "
      + "page into DIR once rounds have run, then exit (see scripts/screenshots.sh).")
  Path screenshotDir;

  @Option(names = "--role", paramLabel = "ROLE", description = "The operator's role: admin (default for the "
      + "local demo), operator or observer (may watch, every action is refused and audited).")
  String role;

  @Option(names = "--operator", paramLabel = "NAME", description = "The operator's name, recorded as the actor "
      + "of every action in the audit log (default: console:USER).")
  String operatorName;

  @Override
  public Integer call() {
    ScenarioCatalog.Resolved chosen;
    ServeSpec serveSpec;
    OperatorIdentity operator;
    try {
      operator = OperatorIdentity.parse(role, operatorName);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "invalid --role/--operator: " + e.getMessage());
    }
    try {
      chosen = new ScenarioCatalog().resolve(scenario == null ? ScenarioCatalog.DEFAULT : scenario);
      serveSpec = serve == null ? null : ServeSpec.parse(serve);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          (serve != null && e.getMessage().contains("HOST:PORT") ? "invalid --serve: " : "") + e.getMessage());
    }
    if (chosen.note() != null) {
      spec.commandLine().getErr().println("flotilla console: " + chosen.note());
    }
    if (serveSpec != null && !io.flotilla.console.app.enrollments.ConsoleTrust.hasCa(stateDir)) {
      spec.commandLine().getErr().println("flotilla console: WARNING: --serve uses plaintext gRPC with no "
          + "participant authentication (no CA in --state-dir); use on loopback or a trusted network only");
    }
    if (passphraseFile != null && !java.nio.file.Files.isReadable(passphraseFile)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--passphrase-file " + passphraseFile
          + ": cannot read it");
    }
    spec.commandLine().getErr().flush();
    ConsoleOptions options = new ConsoleOptions(chosen.config(), autoStart || screenshotDir != null)
        .withScenario(chosen.name(), chosen.config())
        .withServe(serveSpec)
        .withStateDir(stateDir)
        .withScreenshotDir(screenshotDir)
        .withPassphraseFile(passphraseFile)
        // a screenshot run must look the same on every machine: no remembered layout
        .withSettingsFile(screenshotDir == null ? SettingsStore.defaultLocation() : null);
    FlotillaConsoleApp.run(options, operator);
    return 0;
  }
}
