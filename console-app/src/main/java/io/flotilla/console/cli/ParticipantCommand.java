package io.flotilla.console.cli;

import io.flotilla.engine.security.OnboardingBundle;
import io.flotilla.sim.inprocess.Scenario;
import io.flotilla.sim.participant.Enroller;
import io.flotilla.sim.participant.ParticipantIdentity;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import io.flotilla.sim.participant.Channels;
import io.flotilla.sim.participant.ClientEvent;
import io.flotilla.sim.participant.ParticipantClient;
import io.flotilla.sim.participant.SimulatedTrainer;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla participant}: one participant process. It plays participant {@code --index} of the
 * scenario (its data shard, device and seeds), joins the coordinator, trains when instructed, reconnects
 * with backoff when the connection drops, and exits when the coordinator shuts down. With an enrolled
 * {@code --identity} it connects over mutual TLS, signs its updates and renews its certificate at two
 * thirds of its lifetime; {@code --enroll BUNDLE} enrolls first (the key is generated here).
 */
@Command(name = "participant", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run one (simulated) participant against a coordinator over gRPC.")
public final class ParticipantCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ScenarioOptions scenario;

  @Option(names = "--coordinator", paramLabel = "HOST:PORT",
      description = "the coordinator to join (default: the one in the identity or bundle)")
  String coordinator;

  @Option(names = "--index", required = true, paramLabel = "I", description = "which participant of the scenario to play")
  int index;

  @Mixin ParticipantTrustOptions trust;

  @Option(names = "--quiet", description = "print nothing but errors")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    if (!trust.insecure && trust.identity == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "mutual TLS needs --identity DIR (enrolled, or "
          + "with --enroll BUNDLE to enroll first), or --insecure for a plaintext demo");
    }
    if (trust.insecure && coordinator == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--coordinator HOST:PORT is required with --insecure");
    }
    Scenario sc;
    try {
      sc = Scenario.of(scenario.toConfig());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (index < 0 || index >= sc.participants()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--index must be in 0.." + (sc.participants() - 1) + ", got " + index);
    }
    PrintWriter out = spec.commandLine().getOut();
    ParticipantIdentity identity = null;
    String target = coordinator;
    if (trust.insecure) {
      spec.commandLine().getErr().println("flotilla participant: WARNING: --insecure: plaintext gRPC, identity not proven");
    } else {
      identity = identity(sc, out);
      target = coordinator != null ? coordinator : identity.coordinator();
      if (target == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--coordinator HOST:PORT is needed (the identity "
            + "names none)");
      }
    }
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    ExecutorService workers = Executors.newFixedThreadPool(2);
    String id = identity != null ? identity.id() : sc.participantId(index);
    ManagedChannel channel = Channels.open(target, identity != null ? identity.channelCredentials() : Channels.insecure());
    try (ParticipantClient client = new ParticipantClient(id, SimulatedTrainer.forScenario(sc, index),
        channel, false, scheduler, workers, Clock.systemUTC(),
        ParticipantClient.Options.defaults(sc.config().seed() + index))) {
      if (identity != null) {
        ParticipantIdentity signer = identity;
        client.signUpdates(signer::sign);
        Enroller.renewWhenDue(signer, channel, Clock.systemUTC(), scheduler, Duration.ofMinutes(1), new SecureRandom(),
            c -> {
              synchronized (out) {
                out.printf(Locale.ROOT, "%s  certificate renewed, valid until %s%n", id, c.getNotAfter().toInstant());
                out.flush();
              }
            });
      }
      client.onEvent(e -> {
        if (quiet) {
          return;
        }
        String line;
        if (e instanceof ClientEvent.Connected c) {
          line = "connected (protocol v" + c.protocolVersion() + ")";
        } else if (e instanceof ClientEvent.Disconnected d) {
          line = "disconnected: " + d.reason() + (d.last() ? "" : "; reconnecting");
        } else if (e instanceof ClientEvent.TaskReceived t) {
          line = "round " + t.roundId() + ": training on version " + t.baseVersion();
        } else if (e instanceof ClientEvent.UpdateAnswered a) {
          line = "round " + a.roundId() + ": update " + (a.accepted() ? "accepted" : "refused: "
              + a.error().getCode() + " " + a.error().getRejectReason() + " " + a.error().getDetail());
        } else if (e instanceof ClientEvent.TaskFailed f) {
          line = "round " + f.roundId() + ": gave up: " + f.reason();
        } else if (e instanceof ClientEvent.Evaluated v) {
          line = "evaluated version " + v.modelVersion();
        } else {
          line = e.toString();
        }
        synchronized (out) {
          out.printf(Locale.ROOT, "%s  %s%n", id, line);
          out.flush();
        }
      });
      client.start();
      while (!client.isClosed()) {
        Thread.sleep(200);
      }
      return 0;
    } finally {
      channel.shutdownNow();
      workers.shutdownNow();
      scheduler.shutdownNow();
    }
  }

  /** The enrolled identity in --identity, enrolling first with --enroll when there is none yet. */
  private ParticipantIdentity identity(Scenario sc, PrintWriter out) throws Exception {
    if (Files.isRegularFile(trust.identity.resolve("cert.pem"))) {
      return ParticipantIdentity.load(trust.identity);
    }
    if (trust.bundle == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--identity " + trust.identity
          + " holds no identity yet: give --enroll BUNDLE (from 'flotilla tokens create') to enroll first");
    }
    OnboardingBundle b;
    try {
      b = OnboardingBundle.read(trust.bundle);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--enroll " + trust.bundle + ": " + e.getMessage());
    }
    String deviceClass = trust.deviceClass != null ? trust.deviceClass
        : SimulatedTrainer.forScenario(sc, index).profile().deviceClass();
    try {
      return Enroller.enroll(b, new Enroller.Device(deviceClass, trust.region, trust.consent, sc.participantId(index)),
          trust.identity, Duration.ofSeconds(2), Duration.ofSeconds(trust.enrollTimeout), new SecureRandom(), s -> {
            out.println("flotilla participant: " + s);
            out.flush();
          });
    } catch (Enroller.EnrollmentFailed e) {
      throw new IllegalStateException(e.getMessage());
    }
  }
}
