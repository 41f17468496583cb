package io.flotilla.engine.transport;

import com.google.protobuf.ByteString;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationSnapshot;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.Subscription;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.api.UpdateOutcome;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.transport.proto.CoordinatorGrpc;
import io.flotilla.engine.transport.proto.CoordinatorMessage;
import io.flotilla.engine.transport.proto.Encoding;
import io.flotilla.engine.transport.proto.Error;
import io.flotilla.engine.transport.proto.ErrorCode;
import io.flotilla.engine.transport.proto.EvaluationRequest;
import io.flotilla.engine.transport.proto.EvaluationResult;
import io.flotilla.engine.transport.proto.HealthRequest;
import io.flotilla.engine.transport.proto.HealthResponse;
import io.flotilla.engine.transport.proto.Hello;
import io.flotilla.engine.transport.proto.ModelChunk;
import io.flotilla.engine.transport.proto.ModelHeader;
import io.flotilla.engine.transport.proto.ModelRequest;
import io.flotilla.engine.transport.proto.ParticipantMessage;
import io.flotilla.engine.transport.proto.PhaseReport;
import io.flotilla.engine.transport.proto.Shutdown;
import io.flotilla.engine.transport.proto.UpdateChunk;
import io.flotilla.engine.transport.proto.UpdateHeader;
import io.flotilla.engine.transport.proto.UploadAck;
import io.flotilla.engine.transport.proto.Welcome;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's network face: a grpc-java (Netty) server speaking {@code flotilla.v1} in front of a
 * {@link Federation}. Handlers authenticate, decode and validate on transport threads, then call the
 * facade ({@code join}, {@code submit}, {@code reportFailure}); each session is the participant's
 * {@link io.flotilla.engine.api.ParticipantLink}, so the coordinator loop never waits on the network.
 *
 * <p>Limits: maximum message size, maximum payload, bounded concurrent uploads and sessions (refused with
 * {@code RESOURCE_EXHAUSTED} and a retry hint), a deadline on every call, keepalive, and a heartbeat
 * watchdog that treats a silent session as lost. A lost session's in-flight round is reported as failed
 * (a straggler); a reconnect with the same identity supersedes the old session and inherits its task.
 * {@link #shutdown} finishes (or aborts) the current round, tells sessions, and stops. Thread-safe.
 */
public final class CoordinatorServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorServer.class);
  private static final Context.Key<SSLSession> TLS_SESSION = Context.key("flotilla-tls-session");
  private static final int MODEL_CACHE = 4;

  private final Federation federation;
  private final TransportConfig config;
  private final SessionAuthenticator authenticator;
  private final TransportSecurity security;
  private final TaskDecorator decorator;
  private final Clock clock;
  private final String mode;
  private final boolean stopFederationOnShutdown;
  private final TransportMetrics metrics;
  private final MeterRegistry registry;
  private final Subscription metricsSubscription;
  private final SecureRandom tokens = new SecureRandom();
  private final Map<String, ParticipantSession> byToken = new ConcurrentHashMap<>();
  private final Map<String, ParticipantSession> byParticipant = new ConcurrentHashMap<>();
  private final Map<String, EncodedModel> modelCache = new LinkedHashMap<>();
  private final Map<Long, PendingEvaluation> evaluations = new ConcurrentHashMap<>();
  private final AtomicLong evaluationIds = new AtomicLong();
  private final List<Consumer<TelemetryEvent>> telemetryListeners = new CopyOnWriteArrayList<>();
  private final Semaphore uploads;
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private final ExecutorService callExecutor;
  private final ExecutorService sendExecutor;
  private final ScheduledExecutorService scheduler;
  private final Server server;
  private volatile int boundPort = -1;

  private CoordinatorServer(Builder b) {
    this.federation = b.federation;
    this.config = b.config;
    this.security = b.security != null ? b.security : b.config.security();
    this.authenticator = security != null ? security.authenticator() : b.authenticator;
    this.decorator = b.decorator;
    this.clock = b.clock;
    this.mode = b.mode;
    this.stopFederationOnShutdown = b.stopFederationOnShutdown;
    this.registry = b.registry != null ? b.registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.metrics = new TransportMetrics(registry);
    this.metricsSubscription = metrics.follow(federation);
    this.uploads = new Semaphore(config.maxConcurrentUploads());
    int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    this.callExecutor = Executors.newFixedThreadPool(threads, daemon("flotilla-grpc"));
    this.sendExecutor = Executors.newFixedThreadPool(2, daemon("flotilla-session-send"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("flotilla-transport-timer"));
    ServerInterceptor tlsCapture = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        return Contexts.interceptCall(Context.current().withValue(TLS_SESSION, ssl), call, headers, next);
      }
    };
    long keepAliveMs = config.keepAliveTime().toMillis();
    NettyServerBuilder nb = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()), config.credentials())
        .executor(callExecutor)
        .maxInboundMessageSize(config.maxMessageBytes())
        .maxInboundMetadataSize(16 * 1024)
        .keepAliveTime(keepAliveMs, TimeUnit.MILLISECONDS)
        .keepAliveTimeout(Math.max(1000, keepAliveMs / 3), TimeUnit.MILLISECONDS)
        .permitKeepAliveTime(Math.max(1000, keepAliveMs / 3), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(true)
        .handshakeTimeout(20, TimeUnit.SECONDS)
        .addService(ServerInterceptors.intercept(new Service(), withTls(b.interceptors, tlsCapture)));
    if (security != null) {
      for (io.grpc.ServerServiceDefinition extra : security.services()) {
        nb.addService(ServerInterceptors.intercept(extra, withTls(b.interceptors, tlsCapture)));
      }
    }
    this.server = nb.build();
    if (security != null) {
      security.bind(this);
    }
  }

  /** The TLS session of the call being handled (null on plaintext); for services added by the trust layer. */
  public static SSLSession callerTlsSession() {
    return TLS_SESSION.get();
  }

  /**
   * Closes {@code participantId}'s session at once with {@code code} (revocation, suspension): its stream
   * fails with that error, and its in-flight round is reported as failed with {@code reason}.
   */
  public void closeParticipant(String participantId, ErrorCode code, String reason) {
    ParticipantSession s = byParticipant.get(participantId);
    if (s != null) {
      closeSession(s, null, ProtoMapping.toStatus(ProtoMapping.error(code, reason)), reason);
    }
  }

  private static List<ServerInterceptor> withTls(List<ServerInterceptor> extra, ServerInterceptor tls) {
    List<ServerInterceptor> all = new ArrayList<>(extra);
    all.add(tls); // the last added runs first: the TLS session is in the context for every other interceptor
    return all;
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public static Builder builder(Federation federation) {
    return new Builder(federation);
  }

  private CoordinatorServer startServer() throws IOException {
    server.start();
    boundPort = server.getPort();
    long every = config.heartbeatInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::watchdog, every, every, TimeUnit.MILLISECONDS);
    log.info("coordinator listening on {}:{} ({} mode)", config.host(), port(), mode);
    return this;
  }

  /** The port the server listens on (the ephemeral one when configured with 0). */
  public int port() {
    return boundPort;
  }

  /** {@code host:port} as participants should dial it. */
  public String address() {
    return config.host() + ":" + port();
  }

  /** The federation this server fronts. */
  public Federation federation() {
    return federation;
  }

  public TransportConfig config() {
    return config;
  }

  public TransportMetrics metrics() {
    return metrics;
  }

  public MeterRegistry meterRegistry() {
    return registry;
  }

  /** Number of open sessions. */
  public int sessions() {
    return byToken.size();
  }

  /** Participants that currently hold an open session (the selection can skip the others). */
  public boolean isOnline(String participantId) {
    ParticipantSession s = byParticipant.get(participantId);
    return s != null && !s.isClosed();
  }

  /** Subscribes to heartbeats, phase timings, session changes and evaluation reports. */
  public Subscription onTelemetry(Consumer<TelemetryEvent> listener) {
    telemetryListeners.add(listener);
    return () -> telemetryListeners.remove(listener);
  }

  private void publish(TelemetryEvent e) {
    for (Consumer<TelemetryEvent> l : telemetryListeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        log.warn("telemetry listener failed on {}", e.getClass().getSimpleName(), ex);
      }
    }
  }

  /** The coordinator's health, as the Health call and {@code /health} report it. */
  public HealthResponse health() {
    ModelState g = federation.globalModel();
    HealthResponse.Status status = shuttingDown.get() ? HealthResponse.Status.DRAINING
        : federation.state().isTerminal() ? HealthResponse.Status.NOT_SERVING : HealthResponse.Status.SERVING;
    return HealthResponse.newBuilder()
        .setStatus(status)
        .setFederation(federation.config().name())
        .setFederationState(federation.state().name())
        .setModelVersion(g.version())
        .setModelSha256(g.sha256())
        .setSessions(byToken.size())
        .setMinProtocolVersion(ProtoMapping.MIN_PROTOCOL_VERSION)
        .setMaxProtocolVersion(ProtoMapping.MAX_PROTOCOL_VERSION)
        .setMode(mode)
        .build();
  }

  /**
   * Asks every connected participant that can evaluate to evaluate {@code model} on its local data;
   * completes with the reports that arrived within {@code timeout}.
   */
  public CompletableFuture<List<TelemetryEvent.EvaluationReported>> evaluate(ModelState model, Duration timeout) {
    long id = evaluationIds.incrementAndGet();
    PendingEvaluation pe = new PendingEvaluation();
    List<ParticipantSession> targets = new ArrayList<>();
    for (ParticipantSession s : byToken.values()) {
      if (s.canEvaluate() && !s.isClosed()) {
        targets.add(s);
        pe.waiting.add(s.participantId());
      }
    }
    evaluations.put(id, pe);
    if (targets.isEmpty()) {
      evaluations.remove(id);
      pe.future.complete(List.of());
      return pe.future;
    }
    EvaluationRequest req = EvaluationRequest.newBuilder().setRequestId(id).setModelVersion(model.version())
        .setModelSha256(model.sha256()).setDeadlineUnixMillis(clock.instant().plus(timeout).toEpochMilli()).build();
    for (ParticipantSession s : targets) {
      s.allowModel(model);
      s.send(CoordinatorMessage.newBuilder().setEvaluate(req).build());
    }
    scheduler.schedule(() -> {
      evaluations.remove(id);
      pe.finish();
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    return pe.future;
  }

  private static final class PendingEvaluation {
    final Set<String> waiting = ConcurrentHashMap.newKeySet();
    final List<TelemetryEvent.EvaluationReported> results = new CopyOnWriteArrayList<>();
    final CompletableFuture<List<TelemetryEvent.EvaluationReported>> future = new CompletableFuture<>();

    void finish() {
      future.complete(List.copyOf(results));
    }
  }

  // ------------------------------------------------------------------ sessions

  private String newToken() {
    byte[] b = new byte[16];
    tokens.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private ParticipantSession openSession(Hello hello, ServerCallStreamObserver<CoordinatorMessage> out,
      SSLSession tls) {
    if (shuttingDown.get()) {
      throw ProtoMapping.toStatus(ProtoMapping.error(ErrorCode.SHUTTING_DOWN, "the coordinator is shutting down"));
    }
    int version = hello.getProtocolVersion();
    if (version < ProtoMapping.MIN_PROTOCOL_VERSION) {
      throw ProtoMapping.toStatus(ProtoMapping.error(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + version
          + " is not supported; this coordinator speaks " + ProtoMapping.MIN_PROTOCOL_VERSION + ".."
          + ProtoMapping.MAX_PROTOCOL_VERSION));
    }
    if (byToken.size() >= config.maxSessions()) {
      throw exhausted("session limit (" + config.maxSessions() + ") reached");
    }
    String pid;
    try {
      pid = authenticator.authenticate(hello, tls);
    } catch (SecurityException e) {
      throw ProtoMapping.toStatus(ProtoMapping.error(ErrorCode.UNAUTHENTICATED, e.getMessage()));
    }
    Encoding enc = config.updateEncoding();
    List<Encoding> caps = hello.getCapabilities().getEncodingsList();
    if (!caps.isEmpty() && !caps.contains(enc)) {
      enc = Encoding.RAW_F32;
    }
    ParticipantSession session = new ParticipantSession(newToken(), pid, out, sendExecutor, enc, decorator,
        hello.getCapabilities().getEvaluation(), clock.instant());
    ParticipantSession old = byParticipant.put(pid, session);
    if (old != null) {
      session.adopt(old);
      closeSession(old, null, ProtoMapping.toStatus(ProtoMapping.error(ErrorCode.UNAUTHENTICATED,
          "superseded by a newer session of " + pid)), "superseded by a new session");
    }
    byToken.put(session.token(), session);
    metrics.sessionOpened();
    ModelState g = federation.globalModel();
    session.send(CoordinatorMessage.newBuilder().setWelcome(Welcome.newBuilder()
        .setProtocolVersion(Math.min(version, ProtoMapping.MAX_PROTOCOL_VERSION))
        .setSessionToken(session.token())
        .setFederation(federation.config().name())
        .setUpdateEncoding(enc)
        .setModelEncoding(config.modelEncoding())
        .setHeartbeatIntervalMillis(config.heartbeatInterval().toMillis())
        .setChunkBytes(config.chunkBytes())
        .setMaxPayloadBytes(config.maxPayloadBytes())
        .setLayout(ProtoMapping.layout(g.layout()))
        .setMode(mode)).build());
    ParticipantInfo info = new ParticipantInfo(pid, hello.getDeviceClass(), Math.max(0, hello.getSampleCount()),
        hello.getLabelHistogramList().stream().mapToLong(Long::longValue).toArray());
    if (hello.getResumeRoundId() != 0) {
      log.info("{} resumes after a lost session (was on round {})", pid, hello.getResumeRoundId());
    }
    try {
      federation.join(info, session);
    } catch (RejectedExecutionException e) {
      closeSession(session, null, exhausted("coordinator busy: " + e.getMessage()), "coordinator busy");
      return session;
    }
    publish(new TelemetryEvent.SessionChanged(pid, clock.instant(), true, "joined"));
    return session;
  }

  private RuntimeException exhausted(String detail) {
    Error e = ProtoMapping.error(ErrorCode.RESOURCE_EXHAUSTED, detail).toBuilder()
        .setRetryAfterMillis(config.retryAfter().toMillis()).build();
    return ProtoMapping.toStatus(e);
  }

  /**
   * Ends a session (idempotent): closes its stream, forgets its token, and reports its in-flight round as
   * failed unless a newer session of the same participant took the task over.
   */
  private void closeSession(ParticipantSession s, CoordinatorMessage last, RuntimeException error, String reason) {
    if (s == null) {
      return;
    }
    long inFlight = s.close(last, error);
    if (byToken.remove(s.token()) == null) {
      return;
    }
    byParticipant.remove(s.participantId(), s);
    metrics.sessionClosed();
    if (inFlight != 0 && !s.isSuperseded()) {
      log.info("{} lost its session during round {}: {}", s.participantId(), inFlight, reason);
      try {
        federation.reportFailure(s.participantId(), inFlight,
            error instanceof io.grpc.StatusRuntimeException sre && ProtoMapping.errorOf(sre).getCode() == ErrorCode.REVOKED
            ? reason : "straggler: " + reason);
      } catch (RejectedExecutionException e) {
        log.debug("could not report {}'s failure: {}", s.participantId(), e.getMessage());
      }
    }
    publish(new TelemetryEvent.SessionChanged(s.participantId(), clock.instant(), false, reason));
  }

  private void watchdog() {
    try {
      Instant cutoff = clock.instant().minus(config.heartbeatTimeout());
      for (ParticipantSession s : byToken.values()) {
        if (s.lastSeen().isBefore(cutoff)) {
          closeSession(s, null, ProtoMapping.toStatus(ProtoMapping.error(ErrorCode.DEADLINE_EXCEEDED,
              "no heartbeat for " + config.heartbeatTimeout().toMillis() + " ms")), "heartbeat timeout");
        }
      }
    } catch (RuntimeException e) {
      log.warn("session watchdog failed", e);
    }
  }

  private void onSessionMessage(ParticipantSession s, ParticipantMessage m) {
    s.touch(clock.instant());
    switch (m.getBodyCase()) {
      case HEARTBEAT -> {
        s.health(m.getHeartbeat().getHealth());
        metrics.heartbeat(m.getHeartbeat().getHealth().getCpuLoad());
        io.flotilla.engine.api.Health health = ProtoMapping.health(m.getHeartbeat().getHealth());
        String phase = ProtoMapping.phase(m.getHeartbeat().getPhase());
        // into the federation's event stream too (ParticipantHeartbeat): telemetry, never stored or audited
        federation.reportHeartbeat(s.participantId(), health, m.getHeartbeat().getRoundId(), phase);
        publish(new TelemetryEvent.HeartbeatReceived(s.participantId(), clock.instant(), health,
            m.getHeartbeat().getRoundId(), m.getHeartbeat().getPhase().name()));
      }
      case FAILURE -> {
        long round = m.getFailure().getRoundId();
        s.answered(round);
        String why = m.getFailure().getReason().isBlank() ? "participant failed" : m.getFailure().getReason();
        federation.reportFailure(s.participantId(), round,
            m.getFailure().getDeadlineExceeded() ? "straggler: " + why : why);
      }
      case EVALUATION -> onEvaluation(s, m.getEvaluation());
      case PHASES -> onPhases(s, m.getPhases());
      case GOODBYE -> closeSession(s, null, null, "goodbye: " + m.getGoodbye().getReason());
      case HELLO -> closeSession(s, null, ProtoMapping.toStatus(ProtoMapping.error(ErrorCode.MALFORMED,
          "hello sent twice on one session")), "protocol violation");
      default -> log.debug("ignoring a session message of a kind this coordinator does not know");
    }
  }

  private void onPhases(ParticipantSession s, PhaseReport p) {
    io.flotilla.engine.api.PhaseTimings timings;
    try {
      timings = ProtoMapping.timings(p.getTimings());
    } catch (IllegalArgumentException e) {
      log.warn("{}: phase report for round {} dropped: {}", s.participantId(), p.getRoundId(), e.getMessage());
      return;
    }
    federation.reportPhases(s.participantId(), p.getRoundId(), timings); // an UpdatePhases event
    metrics.phase("download", p.getTimings().getDownloadMillis());
    metrics.phase("train", p.getTimings().getTrainMillis());
    metrics.phase("upload", p.getTimings().getUploadMillis());
    publish(new TelemetryEvent.PhasesReported(s.participantId(), clock.instant(), p.getRoundId(),
        Instant.ofEpochMilli(p.getTimings().getStartedUnixMillis()), p.getTimings().getDownloadMillis(),
        p.getTimings().getTrainMillis(), p.getTimings().getUploadMillis()));
  }

  private void onEvaluation(ParticipantSession s, EvaluationResult r) {
    TelemetryEvent.EvaluationReported e = new TelemetryEvent.EvaluationReported(s.participantId(), clock.instant(),
        r.getRequestId(), r.getModelVersion(), r.getSampleCount(), r.getLoss(), r.getAccuracy(), r.getError());
    publish(e);
    PendingEvaluation pe = evaluations.get(r.getRequestId());
    if (pe != null && pe.waiting.remove(s.participantId())) {
      pe.results.add(e);
      if (pe.waiting.isEmpty()) {
        evaluations.remove(r.getRequestId());
        pe.finish();
      }
    }
  }

  // ------------------------------------------------------------------ models

  private record EncodedModel(ModelHeader header, ByteString payload) {}

  private EncodedModel encoded(ModelState model, Encoding enc) {
    String key = model.sha256() + "/" + model.version() + "/" + enc;
    synchronized (modelCache) {
      EncodedModel em = modelCache.get(key);
      if (em != null) {
        return em;
      }
    }
    byte[] bytes = PayloadCodec.encode(model.copyParameters(), enc);
    ModelHeader h = ModelHeader.newBuilder().setVersion(model.version()).setModelSha256(model.sha256())
        .setEncoding(enc).setParameterCount(model.size()).setPayloadBytes(bytes.length)
        .setPayloadSha256(ByteString.copyFrom(ProtoMapping.sha256(bytes))).setLayout(ProtoMapping.layout(model.layout()))
        .build();
    EncodedModel em = new EncodedModel(h, ByteString.copyFrom(bytes));
    synchronized (modelCache) {
      modelCache.put(key, em);
      while (modelCache.size() > MODEL_CACHE) {
        Iterator<String> it = modelCache.keySet().iterator();
        it.next();
        it.remove();
      }
    }
    return em;
  }

  // ------------------------------------------------------------------ shutdown

  /**
   * Stops serving. With {@code finishRound} the federation is paused and the round in progress may
   * commit (or abort on its own) within {@code grace}; otherwise, or when grace runs out, the round is
   * aborted. Sessions are told ({@code Shutdown}) and closed, then the server stops. Idempotent.
   */
  public void shutdown(Duration grace, boolean finishRound) {
    if (!shuttingDown.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    try {
      if (finishRound && !federation.state().isTerminal()) {
        federation.pause();
        while (System.nanoTime() < deadline && roundInProgress()) {
          Thread.sleep(50);
        }
      }
      if (stopFederationOnShutdown && !federation.state().isTerminal()) {
        federation.stop();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RejectedExecutionException e) {
      log.debug("federation already closed: {}", e.getMessage());
    }
    CoordinatorMessage bye = CoordinatorMessage.newBuilder()
        .setShutdown(Shutdown.newBuilder().setReason("coordinator shutting down")).build();
    for (ParticipantSession s : List.copyOf(byToken.values())) {
      closeSession(s, bye, null, "coordinator shutting down");
    }
    server.shutdown();
    try {
      long left = Math.max(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      if (!server.awaitTermination(left, TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    } finally {
      metricsSubscription.close();
      scheduler.shutdownNow();
      sendExecutor.shutdown();
      callExecutor.shutdown();
      log.info("coordinator server on port {} stopped", port());
    }
  }

  private boolean roundInProgress() throws InterruptedException {
    try {
      FederationSnapshot s = federation.snapshot().get(2, TimeUnit.SECONDS);
      return s.currentPhase() != null && !s.currentPhase().isTerminal();
    } catch (java.util.concurrent.ExecutionException | TimeoutException | RejectedExecutionException e) {
      return false;
    }
  }

  /** Shuts down at once, aborting any round in progress. */
  @Override
  public void close() {
    shutdown(Duration.ofSeconds(2), false);
  }

  // ------------------------------------------------------------------ the gRPC service

  private final class Service extends CoordinatorGrpc.CoordinatorImplBase {
    @Override
    public StreamObserver<ParticipantMessage> session(StreamObserver<CoordinatorMessage> responseObserver) {
      ServerCallStreamObserver<CoordinatorMessage> out = (ServerCallStreamObserver<CoordinatorMessage>) responseObserver;
      SSLSession tls = TLS_SESSION.get();
      return new StreamObserver<>() {
        private ParticipantSession session;
        private boolean failed;

        @Override
        public void onNext(ParticipantMessage m) {
          if (failed) {
            return;
          }
          if (session == null) {
            if (!m.hasHello()) {
              fail(ProtoMapping.error(ErrorCode.MALFORMED, "the first message of a session must be Hello"));
              return;
            }
            try {
              session = openSession(m.getHello(), out, tls);
            } catch (io.grpc.StatusRuntimeException e) {
              failed = true;
              metrics.error("session", ProtoMapping.errorOf(e).getCode());
              out.onError(e);
            }
            return;
          }
          if (!session.isClosed()) {
            try {
              onSessionMessage(session, m);
            } catch (RejectedExecutionException e) {
              log.debug("federation refused a command from {}: {}", session.participantId(), e.getMessage());
            }
          }
        }

        private void fail(Error e) {
          failed = true;
          metrics.error("session", e.getCode());
          out.onError(ProtoMapping.toStatus(e));
        }

        @Override
        public void onError(Throwable t) {
          closeSession(session, null, null, "disconnected (" + Status.fromThrowable(t).getCode() + ")");
        }

        @Override
        public void onCompleted() {
          closeSession(session, null, null, "session ended by participant");
        }
      };
    }

    @Override
    public void downloadModel(ModelRequest request, StreamObserver<ModelChunk> responseObserver) {
      long t0 = System.nanoTime();
      ServerCallStreamObserver<ModelChunk> out = (ServerCallStreamObserver<ModelChunk>) responseObserver;
      ParticipantSession s = byToken.get(request.getSessionToken());
      if (s == null) {
        metrics.error("download", ErrorCode.UNAUTHENTICATED);
        out.onError(ProtoMapping.toStatus(ProtoMapping.error(ErrorCode.UNAUTHENTICATED, "unknown or closed session")));
        return;
      }
      s.touch(clock.instant());
      ModelState model = s.model(request.getVersion());
      if (model == null) {
        metrics.error("download", ErrorCode.NOT_FOUND);
        out.onError(ProtoMapping.toStatus(ProtoMapping.error(ErrorCode.NOT_FOUND,
            "model version " + request.getVersion() + " is not available to this session")));
        return;
      }
      EncodedModel em = encoded(model, config.modelEncoding());
      Iterator<ByteString> chunks = ProtoMapping.chunks(em.payload(), config.chunkBytes()).iterator();
      AtomicBoolean done = new AtomicBoolean();
      Runnable pump = () -> {
        while (out.isReady() && chunks.hasNext() && !out.isCancelled()) {
          ByteString c = chunks.next();
          out.onNext(ModelChunk.newBuilder().setData(c).build());
          metrics.modelBytesOut(c.size());
        }
        if (!chunks.hasNext() && done.compareAndSet(false, true)) {
          out.onCompleted();
          metrics.downloadFinished(System.nanoTime() - t0);
        }
      };
      out.setOnReadyHandler(pump);
      out.onNext(ModelChunk.newBuilder().setHeader(em.header()).build());
      pump.run();
    }

    @Override
    public StreamObserver<UpdateChunk> uploadUpdate(StreamObserver<UploadAck> responseObserver) {
      return new UploadReceiver(responseObserver, TLS_SESSION.get());
    }

    @Override
    public void renewCertificate(io.flotilla.engine.transport.proto.RenewRequest request,
        StreamObserver<io.flotilla.engine.transport.proto.RenewResponse> responseObserver) {
      if (security == null) {
        responseObserver.onError(ProtoMapping.toStatus(ProtoMapping.error(ErrorCode.NOT_FOUND,
            "this coordinator runs without a certificate authority (--insecure)")));
        return;
      }
      try {
        responseObserver.onNext(security.renew(TLS_SESSION.get(), request));
        responseObserver.onCompleted();
      } catch (io.grpc.StatusRuntimeException e) {
        responseObserver.onError(e);
      }
    }

    @Override
    public void withdrawConsent(io.flotilla.engine.transport.proto.WithdrawConsentRequest request,
        StreamObserver<io.flotilla.engine.transport.proto.WithdrawConsentResponse> responseObserver) {
      if (security == null) {
        responseObserver.onError(ProtoMapping.toStatus(ProtoMapping.error(ErrorCode.NOT_FOUND,
            "this coordinator runs without a certificate authority (--insecure)")));
        return;
      }
      try {
        security.withdrawConsent(TLS_SESSION.get(), request.getReason());
        responseObserver.onNext(io.flotilla.engine.transport.proto.WithdrawConsentResponse.getDefaultInstance());
        responseObserver.onCompleted();
      } catch (io.grpc.StatusRuntimeException e) {
        responseObserver.onError(e);
      }
    }

    @Override
    public void health(HealthRequest request, StreamObserver<HealthResponse> responseObserver) {
      responseObserver.onNext(CoordinatorServer.this.health());
      responseObserver.onCompleted();
    }
  }

  /** Reassembles one upload, checks it, decodes it and hands it to the federation. */
  private final class UploadReceiver implements StreamObserver<UpdateChunk> {
    private final StreamObserver<UploadAck> out;
    private final SSLSession tls;
    private final long t0 = System.nanoTime();
    private UpdateHeader header;
    private ParticipantSession session;
    private byte[] buffer;
    private int filled;
    private boolean finished;
    private boolean permit;

    UploadReceiver(StreamObserver<UploadAck> out, SSLSession tls) {
      this.out = out;
      this.tls = tls;
    }

    @Override
    public void onNext(UpdateChunk chunk) {
      if (finished) {
        return;
      }
      if (header == null) {
        if (!chunk.hasHeader()) {
          fail(ErrorCode.MALFORMED, "the first message of an upload must be its header");
          return;
        }
        start(chunk.getHeader());
        return;
      }
      if (chunk.hasHeader()) {
        fail(ErrorCode.MALFORMED, "an upload has exactly one header");
        return;
      }
      ByteString data = chunk.getData();
      if (data.size() > config.chunkBytes()) {
        fail(ErrorCode.MALFORMED, "chunk of " + data.size() + " bytes exceeds the chunk size " + config.chunkBytes());
        return;
      }
      if ((long) filled + data.size() > buffer.length) {
        fail(ErrorCode.MALFORMED, "more data than the " + buffer.length + " payload bytes the header declared");
        return;
      }
      data.copyTo(buffer, filled);
      filled += data.size();
    }

    private void start(UpdateHeader h) {
      header = h;
      session = byToken.get(h.getSessionToken());
      if (security != null) {
        // certificate still valid and the signature verifies, before anything else is looked at
        Error refused = security.admitUpload(tls, session == null ? null : session.participantId(),
            federation.config().name(), h);
        if (refused != null) {
          fail(refused.getCode(), refused.getDetail());
          return;
        }
      }
      if (session == null) {
        fail(ErrorCode.UNAUTHENTICATED, "unknown or closed session");
        return;
      }
      session.touch(clock.instant());
      if (h.getPayloadBytes() > config.maxPayloadBytes()) {
        fail(ErrorCode.PAYLOAD_TOO_LARGE, "payload of " + h.getPayloadBytes() + " bytes exceeds the limit of "
            + config.maxPayloadBytes());
        return;
      }
      if (h.getPayloadBytes() < 0 || h.getParameterCount() <= 0 || h.getParameterCount() > Integer.MAX_VALUE - 8) {
        fail(ErrorCode.MALFORMED, "invalid payload size " + h.getPayloadBytes() + " or parameter count "
            + h.getParameterCount());
        return;
      }
      Encoding enc = h.getEncoding();
      if (enc != Encoding.RAW_F32 && enc != Encoding.GZIP_F32 && enc != Encoding.FLOAT16 && enc != Encoding.QUANT8) {
        fail(ErrorCode.UNSUPPORTED_ENCODING, "unsupported update encoding " + enc);
        return;
      }
      long want = PayloadCodec.encodedSize(enc, h.getParameterCount());
      if (want >= 0 && want != h.getPayloadBytes()) {
        fail(ErrorCode.MALFORMED, enc + " needs " + want + " bytes for " + h.getParameterCount()
            + " parameters, the header declares " + h.getPayloadBytes());
        return;
      }
      if (enc == Encoding.GZIP_F32 && 4 * h.getParameterCount() > config.maxPayloadBytes() * 64) {
        fail(ErrorCode.PAYLOAD_TOO_LARGE, "declared parameter count " + h.getParameterCount() + " is too large");
        return;
      }
      if (h.getPayloadSha256().size() != 32) {
        fail(ErrorCode.MALFORMED, "payload_sha256 must be 32 bytes");
        return;
      }
      if (!uploads.tryAcquire()) {
        finished = true;
        Error e = ProtoMapping.error(ErrorCode.RESOURCE_EXHAUSTED, "too many uploads in progress ("
            + config.maxConcurrentUploads() + ")").toBuilder().setRetryAfterMillis(config.retryAfter().toMillis()).build();
        metrics.error("upload", e.getCode());
        out.onError(ProtoMapping.toStatus(e));
        return;
      }
      permit = true;
      metrics.uploadStarted();
      buffer = new byte[(int) h.getPayloadBytes()];
    }

    private void release() {
      if (permit) {
        permit = false;
        uploads.release();
        metrics.uploadFinished(System.nanoTime() - t0);
      }
    }

    private void fail(ErrorCode code, String detail) {
      finished = true;
      release();
      buffer = null;
      metrics.error("upload", code);
      log.debug("upload refused ({}): {}", code, detail);
      out.onError(ProtoMapping.toStatus(ProtoMapping.error(code, detail)));
    }

    @Override
    public void onError(Throwable t) {
      finished = true;
      release();
      buffer = null;
    }

    @Override
    public void onCompleted() {
      if (finished) {
        return;
      }
      if (header == null) {
        fail(ErrorCode.MALFORMED, "empty upload: no header");
        return;
      }
      if (filled != buffer.length) {
        fail(ErrorCode.MALFORMED, "received " + filled + " of the " + buffer.length + " payload bytes declared");
        return;
      }
      if (!MessageDigest.isEqual(ProtoMapping.sha256(buffer), header.getPayloadSha256().toByteArray())) {
        String detail = "SHA-256 of the reassembled payload does not match the (signed) header: payload altered";
        if (security != null) {
          security.uploadRefused(session.participantId(), header, ErrorCode.CHECKSUM_MISMATCH, detail);
        }
        fail(ErrorCode.CHECKSUM_MISMATCH, detail);
        return;
      }
      float[] delta;
      try {
        delta = PayloadCodec.decode(buffer, header.getEncoding(), (int) header.getParameterCount());
      } catch (PayloadException e) {
        fail(e.code(), e.getMessage());
        return;
      }
      metrics.updateBytesIn(buffer.length);
      buffer = null;
      Update u;
      try {
        u = new Update(session.participantId(), header.getRoundId(), header.getBaseVersion(), header.getNonce(),
            delta, header.getSampleCount(), Math.max(0, header.getCompletedEpochs()),
            Math.max(0, header.getRequestedEpochs()), header.getMetricsMap(),
            ProtoMapping.provenance(header.getProvenance()));
      } catch (IllegalArgumentException e) {
        fail(ErrorCode.MALFORMED, e.getMessage());
        return;
      }
      if (security != null) {
        Error refused = security.beforeSubmit(session.participantId(), federation.config().name(), header);
        if (refused != null) {
          fail(refused.getCode(), refused.getDetail());
          return;
        }
      }
      finished = true;
      // the payload is decoded and handed over: its memory is the federation's from here on
      release();
      long round = header.getRoundId();
      CompletableFuture<UpdateOutcome> verdict;
      try {
        verdict = federation.submit(u);
      } catch (RejectedExecutionException e) {
        verdict = CompletableFuture.failedFuture(e);
      }
      // a verdict can wait for earlier cohort members (fold order), at worst until the round closes
      Instant until = session.inFlightDeadline();
      long budget = config.callTimeout().toMillis();
      if (until != null) {
        budget = Math.max(budget, Duration.between(clock.instant(), until).toMillis() + 60_000);
      }
      verdict.orTimeout(budget, TimeUnit.MILLISECONDS)
          .whenCompleteAsync((o, err) -> answer(round, o, err), callExecutor);
    }

    private void answer(long round, UpdateOutcome o, Throwable err) {
      release();
      try {
        if (err != null) {
          Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
              ? err.getCause() : err;
          Error e = cause instanceof RejectedExecutionException
              ? ProtoMapping.error(ErrorCode.RESOURCE_EXHAUSTED, cause.getMessage()).toBuilder()
                  .setRetryAfterMillis(config.retryAfter().toMillis()).build()
              : ProtoMapping.error(ErrorCode.INTERNAL, "no verdict: " + cause);
          metrics.error("upload", e.getCode());
          out.onError(ProtoMapping.toStatus(e));
          return;
        }
        if (o.accepted() || o.reason() != RejectReason.BAD_NONCE) {
          session.answered(round);
        }
        UploadAck.Builder ack = UploadAck.newBuilder().setAccepted(o.accepted()).setRoundId(round)
            .setReceivedBytes(header.getPayloadBytes());
        if (!o.accepted()) {
          ack.setError(ProtoMapping.rejected(o.reason(), o.detail()));
        }
        out.onNext(ack.build());
        out.onCompleted();
      } catch (RuntimeException e) {
        log.debug("could not answer an upload: {}", e.toString());
      }
    }
  }

  /** Configures and starts a {@link CoordinatorServer}. Not thread-safe; use once. */
  public static final class Builder {
    private final Federation federation;
    private TransportConfig config = TransportConfig.builder().build();
    private SessionAuthenticator authenticator = SessionAuthenticator.insecure();
    private TransportSecurity security;
    private TaskDecorator decorator = TaskDecorator.NONE;
    private Clock clock = Clock.systemUTC();
    private MeterRegistry registry;
    private String mode = "sync";
    private boolean stopFederationOnShutdown = true;
    private final List<ServerInterceptor> interceptors = new ArrayList<>();

    private Builder(Federation federation) {
      this.federation = Objects.requireNonNull(federation, "federation");
    }

    public Builder config(TransportConfig v) { config = Objects.requireNonNull(v); return this; }
    public Builder authenticator(SessionAuthenticator v) { authenticator = Objects.requireNonNull(v); return this; }
    /** The trust layer (mutual TLS identities, signed updates, enrollment and admin services). */
    public Builder security(TransportSecurity v) { security = Objects.requireNonNull(v); return this; }
    public Builder taskDecorator(TaskDecorator v) { decorator = Objects.requireNonNull(v); return this; }
    public Builder clock(Clock v) { clock = Objects.requireNonNull(v); return this; }
    /** The registry for the server's meters (a Prometheus registry by default). */
    public Builder meterRegistry(MeterRegistry v) { registry = Objects.requireNonNull(v); return this; }
    /** "sync" or "async", as announced to participants. */
    public Builder mode(String v) { mode = Objects.requireNonNull(v); return this; }
    /** Whether {@link CoordinatorServer#shutdown} also stops the federation (true for {@code serve}). */
    public Builder stopFederationOnShutdown(boolean v) { stopFederationOnShutdown = v; return this; }

    /** Adds a server interceptor (authentication, audit, metrics); the first added runs last. */
    public Builder interceptor(ServerInterceptor v) { interceptors.add(Objects.requireNonNull(v)); return this; }

    /** Binds and starts serving. */
    public CoordinatorServer start() throws IOException {
      return new CoordinatorServer(this).startServer();
    }
  }
}
