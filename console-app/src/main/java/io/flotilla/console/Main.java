package io.flotilla.console;

import io.flotilla.console.cli.FlotillaCommand;
import picocli.CommandLine;

/**
 * Entry point of the {@code flotilla} command. A plain class (not a JavaFX {@code Application}) so that
 * JavaFX on the class path starts without the module system.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = FlotillaCommand.commandLine().execute(args);
    if (code != 0 || !FlotillaCommand.keepsRunning(args)) {
      System.exit(code);
    }
  }
}
