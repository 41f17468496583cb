package io.flotilla.console.cli;

import io.flotilla.engine.transport.TransportConfig;
import io.flotilla.engine.transport.proto.Encoding;
import io.flotilla.sim.inprocess.Scenario;
import io.flotilla.sim.participant.Channels;
import io.flotilla.sim.participant.ParticipantClient;
import io.flotilla.sim.participant.SimulatedTrainer;
import io.flotilla.sim.participant.Swarm;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla swarm}: many simulated participants of one scenario in one process, each with its own
 * session over real sockets (sharing a few HTTP/2 connections and threads). Exits when the coordinator
 * shuts down and prints the bytes each participant moved.
 */
@Command(name = "swarm", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run N simulated participants in one process against a coordinator over gRPC.")
public final class SwarmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ScenarioOptions scenario;

  @Option(names = "--coordinator", required = true, paramLabel = "HOST:PORT", description = "the coordinator to join")
  String coordinator;

  @Option(names = "--count", required = true, paramLabel = "N", description = "participants to run")
  int count;

  @Option(names = "--first", defaultValue = "0", paramLabel = "I", description = "index of the first (default: ${DEFAULT-VALUE})")
  int first;

  @Option(names = "--connections", defaultValue = "8", description = "HTTP/2 connections shared by the swarm (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--threads", defaultValue = "8", description = "worker threads for downloads, training, uploads (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--encodings", split = ",", paramLabel = "ENC",
      description = "update encodings to announce: raw,gzip,float16,q8 (default: all)")
  List<String> encodings;

  @Option(names = "--insecure", description = "plaintext gRPC; required: the swarm is a load generator for loopback demos "
      + "and does not enroll identities (use 'participant --identity' for authenticated participants)")
  boolean insecure;

  @Override
  public Integer call() throws Exception {
    if (!insecure) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--insecure is required: the swarm plays many participants without enrolled identities; run "
              + "'flotilla participant --identity DIR' for participants that authenticate with certificates");
    }
    Scenario sc;
    ParticipantClient.Options options = ParticipantClient.Options.defaults(scenario.seed);
    try {
      sc = Scenario.of(scenario.toConfig());
      if (encodings != null) {
        List<Encoding> enc = encodings.stream().map(TransportConfig::parseEncoding).toList();
        options = options.withEncodings(enc);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    spec.commandLine().getErr().println("flotilla swarm: WARNING: --insecure: plaintext gRPC");
    long t0 = System.nanoTime();
    try (Swarm swarm = new Swarm(coordinator, Channels.insecure(), sc, first, count, connections, threads, options,
        Clock.systemUTC(), i -> SimulatedTrainer.forScenario(sc, i))) {
      swarm.start();
      boolean connected = swarm.awaitConnected(Duration.ofSeconds(60));
      out.printf(Locale.ROOT, "flotilla swarm: %d participant(s) %s to %s%n", count,
          connected ? "connected" : "connecting", coordinator);
      out.flush();
      while (!swarm.allClosed()) {
        Thread.sleep(200);
      }
      int accepted = swarm.clients().stream().mapToInt(ParticipantClient::updatesAccepted).sum();
      int rejected = swarm.clients().stream().mapToInt(ParticipantClient::updatesRejected).sum();
      out.printf(Locale.ROOT, "flotilla swarm: done in %.1f s: %d update(s) accepted, %d refused; "
              + "downloaded %d B, uploaded %d B (%.0f B and %.0f B per participant)%n",
          (System.nanoTime() - t0) / 1e9, accepted, rejected, swarm.bytesDownloaded(), swarm.bytesUploaded(),
          swarm.bytesDownloaded() / (double) count, swarm.bytesUploaded() / (double) count);
      out.flush();
      return 0;
    }
  }
}
