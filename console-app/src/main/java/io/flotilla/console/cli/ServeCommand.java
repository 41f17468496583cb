package io.flotilla.console.cli;

import io.flotilla.engine.api.AsyncConfig;
import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.StalenessFunction;
import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.Pem;
import io.flotilla.engine.security.TrustedTransport;
import io.flotilla.engine.transport.MetricsHttpServer;
import io.flotilla.engine.transport.TransportConfig;
import io.flotilla.sim.inprocess.Scenario;
import io.flotilla.sim.inprocess.SimulationConfig;
import io.flotilla.sim.network.ScenarioCoordinator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * Participants authenticate with certificates from the CA in {@code --state-dir} (mutual TLS, signed
 * updates, enrollment and admin services on the same port), or not at all with {@code --insecure}.
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

  @Mixin ServeTrustOptions trust;

  /** Stopping rules and alarms; drift injection, calibration rounds and A/B are simulator-only (refused here). */
  @Mixin LearningOptionsMixin learningFlags;

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
    if (!trust.insecure && trust.stateDir == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "mutual TLS needs --state-dir DIR with the "
          + "federation's certificate authority (create it with 'flotilla ca init --state-dir DIR'), or --insecure "
          + "for a plaintext demo on a trusted network");
    }
    if (trust.insecure && trust.stateDir != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--insecure and --state-dir exclude each other");
    }
    Duration certLifetime;
    try {
      certLifetime = TrustHome.parseDuration(trust.certLifetime, "--cert-lifetime");
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    TrustHome home = null;
    if (!trust.insecure) {
      try {
        home = TrustHome.open(trust.stateDir, trust.passphraseFile, certLifetime, Clock.systemUTC());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    try {
      return serve(home);
    } finally {
      if (home != null) {
        java.nio.file.Files.deleteIfExists(TrustHome.coordinatorFile(home.stateDir));
        home.close();
      }
    }
  }

  /** The coordinator's TLS identity, re-issued when it does not cover {@code names} or expires within a week. */
  private CertificateAuthority.ServerIdentity serverIdentity(TrustHome home, List<String> names) throws Exception {
    java.nio.file.Path certFile = home.caDir.resolve(CertificateAuthority.SERVER_CERT);
    java.nio.file.Path keyFile = home.caDir.resolve(CertificateAuthority.SERVER_KEY);
    if (java.nio.file.Files.isRegularFile(certFile) && java.nio.file.Files.isRegularFile(keyFile)) {
      X509Certificate c = Pem.certificate(java.nio.file.Files.readString(certFile));
      Set<String> covered = new HashSet<>();
      if (c.getSubjectAlternativeNames() != null) {
        for (List<?> san : c.getSubjectAlternativeNames()) {
          covered.add(String.valueOf(san.get(1)));
        }
      }
      boolean fresh = c.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(7)));
      if (covered.containsAll(names) && fresh && home.ca.issued(c)) {
        return new CertificateAuthority.ServerIdentity(Pem.privateKey(java.nio.file.Files.readString(keyFile)), c);
      }
    }
    CaCommand.writeServer(home.ca, home.trust, home.caDir, names, "serve");
    return new CertificateAuthority.ServerIdentity(Pem.privateKey(java.nio.file.Files.readString(keyFile)),
        Pem.certificate(java.nio.file.Files.readString(certFile)));
  }

  private Integer serve(TrustHome home) throws Exception {
    SimulationConfig cfg;
    TransportConfig transport;
    AsyncConfig async = null;
    try {
      cfg = scenario.toConfig();
      TransportConfig.Builder tb = TransportConfig.builder();
      if (home != null) {
        CertificateAuthority.ServerIdentity sid = serverIdentity(home, CaCommand.serverNames(trust.sans, host));
        tb.credentials(TrustedTransport.serverCredentials(sid, home.ca.certificate()))
            .security(new TrustedTransport(home.trust, trust.advertise));
      }
      transport = tb.host(host).port(port)
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
    if (home == null) {
      err.println("flotilla serve: WARNING: --insecure: plaintext gRPC, no participant authentication; "
          + "use on loopback or a trusted network only");
      err.flush();
    }
    Scenario sc;
    try {
      sc = Scenario.of(cfg);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Extensions extensions = Extensions.load();
    io.flotilla.engine.api.LearningControl control;
    try {
      control = learningControl(extensions, async != null);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    AsyncConfig fAsync = async;
    UnaryOperator<io.flotilla.engine.api.FederationBuilder> custom =
        control == null ? b -> b.async(fAsync) : b -> b.async(fAsync).learningControl(control);
    String modeName = async == null ? "sync" : "async";
    long t0 = System.nanoTime();
    ScenarioCoordinator coordinator = ScenarioCoordinator.start(sc, transport, modeName,
        extensions, Clock.systemUTC(), custom);
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
      if (home != null) {
        String local = (host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host) + ":" + coordinator.server().port();
        java.nio.file.Files.writeString(TrustHome.coordinatorFile(home.stateDir), local + "\n");
        out.printf(Locale.ROOT, "flotilla serve: mutual TLS 1.3 with the CA of %s (fingerprint %s); signed updates "
            + "required; enroll participants with 'flotilla tokens create --state-dir %s ...'%n", home.stateDir,
            io.flotilla.engine.security.FederationTrust.sha256(home.ca.certificate().getEncoded()).substring(0, 16),
            home.stateDir);
      }
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

  /**
   * The learning control {@code serve} supports: stopping rules, the divergence alarm and drift indicators.
   * Drift injection and A/B runs only exist in the simulator, and network participants do not answer
   * calibration requests yet, so those flags are refused rather than silently ignored.
   *
   * @return null when no learning-control flag is given
   */
  private io.flotilla.engine.api.LearningControl learningControl(Extensions extensions, boolean async) {
    if (learningFlags.ab != null) {
      throw new IllegalArgumentException("--ab is a simulator feature ('flotilla simulate --ab A,B'); serve runs one "
          + "federation");
    }
    if (learningFlags.drift != null && !learningFlags.drift.equalsIgnoreCase("none")) {
      throw new IllegalArgumentException("--drift injects drift into simulated data; use it with 'flotilla simulate' "
          + "or 'flotilla swarm', not serve");
    }
    if (learningFlags.calibrateEvery != 0) {
      throw new IllegalArgumentException("--calibrate-every: network participants do not answer calibration "
          + "requests yet; use it with 'flotilla simulate'");
    }
    boolean any = !learningFlags.stop.isEmpty() || learningFlags.divergence != null || learningFlags.driftAlarm != null;
    if (!any) {
      return null;
    }
    if (async) {
      throw new IllegalArgumentException("--stop, --divergence and --drift-alarm need synchronous rounds (--mode sync)");
    }
    return learningFlags.toOptions().toControl(extensions);
  }
}
