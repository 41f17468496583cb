package io.flotilla.console.cli;

import io.flotilla.engine.security.OnboardingBundle;
import io.flotilla.sim.participant.Enroller;
import io.flotilla.sim.participant.ParticipantIdentity;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla operators enroll}: an operator (admin, operator or observer, as the token says) enrolls
 * like a participant — own key, CSR, approval — and then acts with {@code --as DIR} through the coordinator.
 */
@Command(name = "operators", mixinStandardHelpOptions = true,
    description = "Operator identities: enroll with a bundle made by 'tokens create --role observer|operator|admin'.",
    subcommands = {OperatorsCommand.Enroll.class})
public final class OperatorsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** {@code flotilla operators enroll --bundle FILE --identity DIR}. */
  @Command(name = "enroll", mixinStandardHelpOptions = true,
      description = "Generate a key here, send a CSR with the bundle's token, wait for approval, save the identity.")
  static final class Enroll implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "onboarding bundle")
    Path bundle;

    @Option(names = "--identity", required = true, paramLabel = "DIR", description = "where to keep the key and certificate")
    Path identity;

    @Option(names = "--name", paramLabel = "NAME", description = "requested name (the token's name wins)")
    String name;

    @Option(names = "--timeout", defaultValue = "3600", paramLabel = "SECONDS", description = "wait for approval (default: ${DEFAULT-VALUE})")
    int timeout;

    @Override
    public Integer call() throws Exception {
      if (Files.isRegularFile(identity.resolve("cert.pem"))) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--identity " + identity + " already holds an identity");
      }
      OnboardingBundle b = OnboardingBundle.read(bundle);
      PrintWriter out = spec.commandLine().getOut();
      ParticipantIdentity id;
      try {
        id = Enroller.enroll(b, new Enroller.Device("operator-console", "", true, name), identity,
            Duration.ofSeconds(2), Duration.ofSeconds(timeout), new SecureRandom(), s -> {
              out.println("flotilla operators: " + s);
              out.flush();
            });
      } catch (Enroller.EnrollmentFailed e) {
        throw new IllegalStateException(e.getMessage());
      }
      out.printf("flotilla operators: enrolled as '%s' (%s); identity in %s%n", id.id(),
          io.flotilla.engine.security.CertificateAuthority.role(id.certificate()).label(), identity);
      out.flush();
      return 0;
    }
  }
}
