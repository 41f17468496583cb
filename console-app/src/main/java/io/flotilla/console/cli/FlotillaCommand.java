package io.flotilla.console.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top-level {@code flotilla} command: its subcommands are the contract that scripts and acceptance
 * checks call, so names and flags are only ever extended, never renamed. Without a subcommand it opens
 * the console on the demo federation.
 */
@Command(
    name = "flotilla",
    mixinStandardHelpOptions = true,
    versionProvider = FlotillaCommand.Version.class,
    description = "Federated learning operations console and orchestration engine.",
    subcommands = {ConsoleCommand.class, SimulateCommand.class, ModelsCommand.class, AuditCommand.class,
        AggregateCommand.class, ServeCommand.class, ParticipantCommand.class, SwarmCommand.class, CaCommand.class,
        TokensCommand.class, EnrollmentsCommand.class, ParticipantsCommand.class, OperatorsCommand.class,
        CommandLine.HelpCommand.class})
public final class FlotillaCommand implements Runnable {

  @Override
  public void run() {
    // no subcommand: the default is the console on the demo federation
    new ConsoleCommand().call();
  }

  /** A configured command line with the house error handling. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new FlotillaCommand());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("flotilla: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
      org.slf4j.LoggerFactory.getLogger(FlotillaCommand.class).debug("command failed", ex);
      return ex instanceof IllegalArgumentException ? 2 : 1;
    });
    return cl;
  }

  /** Whether these arguments start the console, whose window keeps the JVM alive after main returns. */
  public static boolean keepsRunning(String[] args) {
    if (args.length == 0) {
      return true;
    }
    return args[0].equals("console") && java.util.Arrays.stream(args).noneMatch(a -> a.equals("-h") || a.equals("--help"));
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = FlotillaCommand.class.getPackage().getImplementationVersion();
      return new String[] {"flotilla " + (v == null ? "development build" : v)};
    }
  }
}
