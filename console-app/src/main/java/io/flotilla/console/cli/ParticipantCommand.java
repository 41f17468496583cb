package io.flotilla.console.cli;

import io.flotilla.sim.inprocess.Scenario;
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
 * with backoff when the connection drops, and exits when the coordinator shuts down.
 */
@Command(name = "participant", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run one (simulated) participant against a coordinator over gRPC.")
public final class ParticipantCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ScenarioOptions scenario;

  @Option(names = "--coordinator", required = true, paramLabel = "HOST:PORT", description = "the coordinator to join")
  String coordinator;

  @Option(names = "--index", required = true, paramLabel = "I", description = "which participant of the scenario to play")
  int index;

  @Option(names = "--insecure", description = "plaintext gRPC (the only transport until mutual TLS arrives); required")
  boolean insecure;

  @Option(names = "--quiet", description = "print nothing but errors")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    if (!insecure) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--insecure is required: plaintext gRPC is the only transport until mutual TLS is available");
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
    spec.commandLine().getErr().println("flotilla participant: WARNING: --insecure: plaintext gRPC");
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    ExecutorService workers = Executors.newFixedThreadPool(2);
    String id = sc.participantId(index);
    try (ParticipantClient client = new ParticipantClient(id, SimulatedTrainer.forScenario(sc, index),
        Channels.open(coordinator, Channels.insecure()), true, scheduler, workers, Clock.systemUTC(),
        ParticipantClient.Options.defaults(sc.config().seed() + index))) {
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
      workers.shutdownNow();
      scheduler.shutdownNow();
    }
  }
}
