package io.flotilla.console.cli;

import io.flotilla.engine.api.AsyncConfig;
import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.StalenessFunction;
import io.flotilla.engine.transport.MetricsHttpServer;
import io.flotilla.engine.transport.TransportConfig;
import io.flotilla.sim.inprocess.Scenario;
import io.flotilla.sim.inprocess.SimulationConfig;
import io.flotilla.sim.network.ScenarioCoordinator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla serve}: runs a coordinator headless behind the gRPC server, with Prometheus metrics at
 * {@code /metrics} and a health check at {@code /health}. The federation (model layout, initial model,
 * central evaluation, schedule) comes from the same scenario flags the participants use. Rounds start
 * once {@code --expect} participants have joined. SIGTERM finishes the round in progress, then stops.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run a coordinator headless and serve participants over gRPC.")
public final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ScenarioOptions scenario;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "7070", description = "gRPC port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--metrics-port", defaultValue = "-1",
      description = "HTTP port of /metrics and /health; 0 for any free one, -1 for none (default: ${DEFAULT-VALUE})")
  int metricsPort;

  @Option(names = "--insecure", description = "plaintext gRPC (the only transport until mutual TLS arrives); required")
  boolean insecure;

  @Option(names = "--expect", paramLabel = "N", description = "participants to wait for before the first round (default: --participants)")
  Integer expect;

  @Option(names = "--mode", defaultValue = "sync", description = "sync (rounds) | async (FedBuff buffered aggregation) (default: ${DEFAULT-VALUE})")
  String mode;

  @Option(names = "--buffer", paramLabel = "K", defaultValue = "10", description = "async: updates per aggregation (default: ${DEFAULT-VALUE})")
  int buffer;

  @Option(names = "--concurrency", paramLabel = "C", description = "async: participants kept training (default: --per-round)")
  Integer concurrency;

  @Option(names = "--staleness", defaultValue = "sqrt",
      description = "async: sqrt | constant | polynomial:A | hinge:A,B (default: ${DEFAULT-VALUE})")
  String staleness;

  @Option(names = "--server-lr", defaultValue = "1.0", description = "async: server learning rate (default: ${DEFAULT-VALUE})")
  double serverLr;

  @Option(names = "--max-staleness", defaultValue = "100", description = "async: oldest accepted update in versions (default: ${DEFAULT-VALUE})")
  int maxStaleness;

  @Option(names = "--update-encoding", defaultValue = "raw",
      description = "how participants send updates: raw | gzip | float16 | q8 (default: ${DEFAULT-VALUE})")
  String updateEncoding;

  @Option(names = "--model-encoding", defaultValue = "raw", description = "how models are sent: raw | gzip (default: ${DEFAULT-VALUE})")
  String modelEncoding;

  @Option(names = "--max-uploads", defaultValue = "64", description = "uploads reassembled at once (default: ${DEFAULT-VALUE})")
  int maxUploads;

  @Option(names = "--max-payload-mb", defaultValue = "512", description = "largest update payload in MiB (default: ${DEFAULT-VALUE})")
  int maxPayloadMb;

  @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "30",
      description = "on shutdown, how long the round in progress may take to commit (default: ${DEFAULT-VALUE})")
  int graceSeconds;

  @Option(names = "--quiet", description = "print no per-round lines")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    if (!insecure) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--insecure is required: plaintext gRPC is the only transport until mutual TLS is available");
    }
    SimulationConfig cfg;
    TransportConfig transport;
    AsyncConfig async = null;
    try {
      cfg = scenario.toConfig();
      transport = TransportConfig.builder().host(host).port(port)
          .updateEncoding(TransportConfig.parseEncoding(updateEncoding))
          .modelEncoding(TransportConfig.parseEncoding(modelEncoding))
          .maxConcurrentUploads(maxUploads).maxPayloadBytes((long) maxPayloadMb << 20).build();
      if (mode.equalsIgnoreCase("async")) {
        async = new AsyncConfig(buffer, concurrency == null ? cfg.perRound() : concurrency,
            StalenessFunction.parse(staleness), serverLr, maxStaleness);
      } else if (!mode.equalsIgnoreCase("sync")) {
        throw new IllegalArgumentException("invalid --mode '" + mode + "': expected sync or async");
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    err.println("flotilla serve: WARNING: --insecure: plaintext gRPC, no participant authentication; "
        + "use on loopback or a trusted network only");
    err.flush();
    Scenario sc;
    try {
      sc = Scenario.of(cfg);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    AsyncConfig fAsync = async;
    UnaryOperator<io.flotilla.engine.api.FederationBuilder> custom = b -> b.async(fAsync);
    String modeName = async == null ? "sync" : "async";
    long t0 = System.nanoTime();
    ScenarioCoordinator coordinator = ScenarioCoordinator.start(sc, transport, modeName,
        Extensions.load(), Clock.systemUTC(), custom);
    MetricsHttpServer http = null;
    try {
      if (metricsPort >= 0) {
        http = MetricsHttpServer.start(host, metricsPort,
            (PrometheusMeterRegistry) coordinator.server().meterRegistry(), coordinator.server()::health);
      }
      Thread hook = new Thread(() -> coordinator.shutdown(Duration.ofSeconds(graceSeconds), true), "flotilla-serve-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      out.printf(Locale.ROOT, "flotilla serve: listening on %s (%s mode, %s; %s)%n", coordinator.server().address(),
          modeName, sc.dataDescription(), cfg.model());
      if (http != null) {
        out.printf(Locale.ROOT, "flotilla serve: metrics on http://%s:%d/metrics, health on http://%s:%d/health%n",
            host, http.port(), host, http.port());
      }
      out.flush();
      String[] failure = new String[1];
      coordinator.federation().subscribe(e -> {
        if (e instanceof FederationEvent.RoundCommitted c && !quiet) {
          out.printf(Locale.ROOT, "round %4d  v%-4d participants %3d/%-3d  test_acc %.4f  test_loss %.4f  %6d ms%n",
              c.roundId(), c.version(), c.contributors(), c.selected(),
              c.metrics().getOrDefault("test_accuracy", Double.NaN), c.metrics().getOrDefault("test_loss", Double.NaN),
              c.durationMillis());
          out.flush();
        } else if (e instanceof FederationEvent.RoundAborted a && !quiet) {
          out.printf(Locale.ROOT, "round %4d  aborted: %s%n", a.roundId(), a.reason());
          out.flush();
        } else if (e instanceof FederationEvent.StateChanged s && s.to() == FederationState.FAILED) {
          failure[0] = s.reason();
        }
      });
      int want = expect == null ? sc.participants() : expect;
      out.printf(Locale.ROOT, "flotilla serve: waiting for %d participant(s)%n", want);
      out.flush();
      while (!coordinator.awaitParticipants(want, Duration.ofSeconds(5))) {
        if (coordinator.federation().state().isTerminal()) {
          break;
        }
      }
      coordinator.startRounds();
      while (!coordinator.await(Duration.ofSeconds(1))) {
        // rounds commit as participants deliver
      }
      FederationState state = coordinator.federation().state();
      out.printf(Locale.ROOT, "final: %s  model %s  v%d  (%.1f s)%n", state.name().toLowerCase(Locale.ROOT),
          coordinator.federation().globalModel().sha256(), coordinator.federation().globalModel().version(),
          (System.nanoTime() - t0) / 1e9);
      out.flush();
      coordinator.shutdown(Duration.ofSeconds(graceSeconds), true);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // the JVM is already shutting down
      }
      if (state != FederationState.FINISHED) {
        err.println("flotilla: federation " + state.name().toLowerCase(Locale.ROOT)
            + (failure[0] == null ? "" : ": " + failure[0]));
        return 1;
      }
      return 0;
    } finally {
      if (http != null) {
        http.close();
      }
      coordinator.close();
    }
  }
}
