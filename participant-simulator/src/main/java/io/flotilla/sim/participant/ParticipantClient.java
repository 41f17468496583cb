package io.flotilla.sim.participant;

import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.transport.PayloadCodec;
import io.flotilla.engine.transport.PayloadException;
import io.flotilla.engine.transport.ProtoMapping;
import io.flotilla.engine.transport.proto.Capabilities;
import io.flotilla.engine.transport.proto.CoordinatorGrpc;
import io.flotilla.engine.transport.proto.CoordinatorMessage;
import io.flotilla.engine.transport.proto.Encoding;
import io.flotilla.engine.transport.proto.Error;
import io.flotilla.engine.transport.proto.ErrorCode;
import io.flotilla.engine.transport.proto.EvaluationRequest;
import io.flotilla.engine.transport.proto.EvaluationResult;
import io.flotilla.engine.transport.proto.Goodbye;
import io.flotilla.engine.transport.proto.Heartbeat;
import io.flotilla.engine.transport.proto.Hello;
import io.flotilla.engine.transport.proto.ParticipantMessage;
import io.flotilla.engine.transport.proto.Phase;
import io.flotilla.engine.transport.proto.PhaseReport;
import io.flotilla.engine.transport.proto.PhaseTimings;
import io.flotilla.engine.transport.proto.TaskFailure;
import io.flotilla.engine.transport.proto.TrainingInstruction;
import io.flotilla.engine.transport.proto.UpdateHeader;
import io.flotilla.engine.transport.proto.Welcome;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A participant over the network: opens a session with the coordinator ({@code Hello} → {@code Welcome}),
 * sends heartbeats with its health, and for every instruction downloads the base model, runs the
 * {@link Trainer}, uploads the update and reports its phase timings. Instructions' deadlines are respected:
 * work that cannot finish in time is abandoned and reported as a failure. A lost session is re-opened with
 * exponential backoff and full jitter; work finished meanwhile is uploaded on the new session, where the
 * coordinator accepts it once or refuses it by the federation's rule ({@code DUPLICATE}, {@code LATE}),
 * so it is never counted twice.
 *
 * <p>Many clients can share one channel and executors (the swarm); threads are never created per client.
 * Thread-safe.
 */
public final class ParticipantClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ParticipantClient.class);

  /**
   * Settings of a client.
   *
   * @param callTimeout deadline of each download and upload call (capped by the instruction's deadline)
   * @param sessionLifetime deadline of the session call; the client reconnects when it expires
   * @param maxReconnects consecutive failed connection attempts before the client gives up
   * @param encodings encodings announced in the hello (empty: all this build supports)
   * @param maxModelBytes largest model payload accepted (0: no limit)
   * @param seed seeds the reconnect jitter
   */
  public record Options(Duration callTimeout, Duration sessionLifetime, Duration backoffBase, Duration backoffCap,
      int maxReconnects, List<Encoding> encodings, long maxModelBytes, long seed, HealthProbe health) {
    public Options {
      Objects.requireNonNull(callTimeout);
      Objects.requireNonNull(sessionLifetime);
      encodings = encodings == null ? List.of() : List.copyOf(encodings);
      Objects.requireNonNull(health);
    }

    public static Options defaults(long seed) {
      return new Options(Duration.ofMinutes(2), Duration.ofHours(12), Duration.ofMillis(100), Duration.ofSeconds(10),
          20, List.of(), 0, seed, HealthProbe.system());
    }

    public Options withBackoff(Duration base, Duration cap) {
      return new Options(callTimeout, sessionLifetime, base, cap, maxReconnects, encodings, maxModelBytes, seed, health);
    }

    public Options withHealth(HealthProbe probe) {
      return new Options(callTimeout, sessionLifetime, backoffBase, backoffCap, maxReconnects, encodings,
          maxModelBytes, seed, probe);
    }

    public Options withEncodings(List<Encoding> e) {
      return new Options(callTimeout, sessionLifetime, backoffBase, backoffCap, maxReconnects, e, maxModelBytes,
          seed, health);
    }
  }

  private final String participantId;
  private final Trainer trainer;
  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final CoordinatorGrpc.CoordinatorStub async;
  private final CoordinatorGrpc.CoordinatorBlockingStub blocking;
  private final ScheduledExecutorService scheduler;
  private final Executor workers;
  private final Clock clock;
  private final Options options;
  private final Backoff backoff;
  private final List<Consumer<ClientEvent>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger sessionsOpened = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();

  private volatile Connection current;
  private volatile UpdateSigner signer;
  private volatile ActiveTask active;
  private volatile PendingUpload pending;
  private volatile boolean closed;
  private final AtomicLong bytesDown = new AtomicLong();
  private final AtomicLong bytesUp = new AtomicLong();

  /**
   * @param channel the channel to the coordinator; closed with the client when {@code ownsChannel}
   * @param scheduler for heartbeats and reconnect timers (shared)
   * @param workers where downloads, training and uploads run (shared; they block)
   */
  public ParticipantClient(String participantId, Trainer trainer, ManagedChannel channel, boolean ownsChannel,
      ScheduledExecutorService scheduler, Executor workers, Clock clock, Options options) {
    this.participantId = Objects.requireNonNull(participantId, "participantId");
    this.trainer = Objects.requireNonNull(trainer, "trainer");
    this.channel = Objects.requireNonNull(channel, "channel");
    this.ownsChannel = ownsChannel;
    this.async = CoordinatorGrpc.newStub(channel);
    this.blocking = CoordinatorGrpc.newBlockingStub(channel);
    this.scheduler = scheduler;
    this.workers = workers;
    this.clock = clock;
    this.options = options;
    this.backoff = new Backoff(options.backoffBase(), options.backoffCap(), options.seed());
  }

  /** Signs the update header's (federation, round, base, nonce, payload hash) with the participant's key. */
  @FunctionalInterface
  public interface UpdateSigner {
    byte[] sign(byte[] message);
  }

  /** Signs every update from now on (mutual-TLS federations refuse unsigned ones). */
  public ParticipantClient signUpdates(UpdateSigner s) {
    this.signer = s;
    return this;
  }

  public String participantId() {
    return participantId;
  }

  /** Subscribes to what happens to this client. */
  public void onEvent(Consumer<ClientEvent> listener) {
    listeners.add(listener);
  }

  private void emit(ClientEvent e) {
    for (Consumer<ClientEvent> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        log.warn("client listener failed", ex);
      }
    }
  }

  /** Opens the first session. */
  public void start() {
    connect();
  }

  /** The current session's token, or null while disconnected. */
  public String sessionToken() {
    Connection c = current;
    return c == null ? null : c.token;
  }

  public boolean isConnected() {
    return sessionToken() != null;
  }

  public boolean isClosed() {
    return closed;
  }

  public int sessionsOpened() {
    return sessionsOpened.get();
  }

  public int updatesAccepted() {
    return accepted.get();
  }

  public int updatesRejected() {
    return rejected.get();
  }

  /** Model payload bytes downloaded so far. */
  public long bytesDownloaded() {
    return bytesDown.get();
  }

  /** Update payload bytes uploaded so far (every attempt). */
  public long bytesUploaded() {
    return bytesUp.get();
  }

  public CoordinatorGrpc.CoordinatorStub stub() {
    return async;
  }

  /** Leaves politely: tells the coordinator, ends the session and stops reconnecting. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ActiveTask t = active;
    if (t != null) {
      t.cancelled.set(true);
    }
    Connection c = current;
    if (c != null) {
      c.send(ParticipantMessage.newBuilder().setGoodbye(Goodbye.newBuilder().setReason("participant leaving")).build());
      c.complete();
    }
    if (ownsChannel) {
      channel.shutdown();
    }
  }

  /**
   * Dies abruptly, as a crashed process would: no goodbye, the session is cancelled mid-stream and, when
   * the client owns its channel, the connection is torn down. Work in progress is abandoned.
   */
  public void kill() {
    closed = true;
    ActiveTask t = active;
    if (t != null) {
      t.cancelled.set(true);
    }
    Connection c = current;
    if (c != null) {
      c.cancel("killed");
    }
    if (ownsChannel) {
      channel.shutdownNow();
    }
  }

  /** Loses the session as a network fault would; the client reconnects with backoff and resumes. */
  public void dropSession() {
    Connection c = current;
    if (c != null) {
      c.cancel("connection dropped");
    }
  }

  // ------------------------------------------------------------------ session

  private void connect() {
    if (closed) {
      return;
    }
    Connection c = new Connection();
    current = c;
    try {
      async.withDeadlineAfter(options.sessionLifetime().toMillis(), TimeUnit.MILLISECONDS).session(c);
    } catch (RuntimeException e) {
      sessionEnded(c, e);
      return;
    }
    Trainer.Profile p = trainer.profile();
    Capabilities.Builder caps = Capabilities.newBuilder().setMaxModelBytes(options.maxModelBytes())
        .setEvaluation(trainer.canEvaluate());
    if (options.encodings().isEmpty()) {
      caps.addEncodings(Encoding.RAW_F32).addEncodings(Encoding.GZIP_F32).addEncodings(Encoding.FLOAT16)
          .addEncodings(Encoding.QUANT8);
    } else {
      caps.addAllEncodings(options.encodings());
    }
    PendingUpload pu = pending;
    ActiveTask t = active;
    long resume = pu != null ? pu.roundId : t != null ? t.instruction.getRoundId() : 0;
    Hello.Builder hello = Hello.newBuilder()
        .setProtocolVersion(ProtoMapping.MAX_PROTOCOL_VERSION)
        .setParticipantId(participantId)
        .setDeviceClass(p.deviceClass())
        .setSampleCount(p.sampleCount())
        .setCapabilities(caps)
        .setSoftware("flotilla-participant/1")
        .setResumeRoundId(resume);
    for (long h : p.labelHistogram()) {
      hello.addLabelHistogram(h);
    }
    c.send(ParticipantMessage.newBuilder().setHello(hello).build());
  }

  /** One session call. */
  private final class Connection implements ClientResponseObserver<ParticipantMessage, CoordinatorMessage> {
    private ClientCallStreamObserver<ParticipantMessage> requests;
    private volatile String token;
    private volatile Welcome welcome;
    private volatile ScheduledFuture<?> heartbeat;
    private boolean ended;

    @Override
    public void beforeStart(ClientCallStreamObserver<ParticipantMessage> requestStream) {
      this.requests = requestStream;
    }

    synchronized void send(ParticipantMessage m) {
      if (ended || requests == null) {
        return;
      }
      try {
        requests.onNext(m);
      } catch (RuntimeException e) {
        log.debug("{}: could not send on the session: {}", participantId, e.toString());
      }
    }

    synchronized void complete() {
      if (!ended && requests != null) {
        ended = true;
        try {
          requests.onCompleted();
        } catch (RuntimeException e) {
          log.debug("{}: session already gone", participantId);
        }
      }
    }

    synchronized void cancel(String why) {
      if (!ended && requests != null) {
        requests.cancel(why, null);
      }
    }

    synchronized void markEnded() {
      ended = true;
    }

    @Override
    public void onNext(CoordinatorMessage m) {
      switch (m.getBodyCase()) {
        case WELCOME -> welcomed(this, m.getWelcome());
        case INSTRUCTION -> instructed(this, m.getInstruction());
        case CANCEL -> {
          ActiveTask t = active;
          if (t != null && t.instruction.getRoundId() == m.getCancel().getRoundId()) {
            t.cancelled.set(true);
          }
        }
        case EVALUATE -> evaluateLater(this, m.getEvaluate());
        case ERROR -> log.warn("{}: coordinator error {}: {}", participantId, m.getError().getCode(),
            m.getError().getDetail());
        case SHUTDOWN -> {
          log.info("{}: coordinator shutting down: {}", participantId, m.getShutdown().getReason());
          if (m.getShutdown().getReconnectAfterMillis() <= 0) {
            closed = true;
          }
        }
        default -> log.debug("{}: ignoring a message of a kind this participant does not know", participantId);
      }
    }

    @Override
    public void onError(Throwable t) {
      sessionEnded(this, t);
    }

    @Override
    public void onCompleted() {
      sessionEnded(this, null);
    }
  }

  private void welcomed(Connection c, Welcome w) {
    c.welcome = w;
    c.token = w.getSessionToken();
    sessionsOpened.incrementAndGet();
    backoff.reset();
    long every = Math.max(100, w.getHeartbeatIntervalMillis());
    c.heartbeat = scheduler.scheduleWithFixedDelay(() -> heartbeat(c), every, every, TimeUnit.MILLISECONDS);
    emit(new ClientEvent.Connected(c.token, w.getProtocolVersion()));
    PendingUpload pu = pending;
    if (pu != null) {
      execute(() -> tryUpload(pu));
    }
  }

  private void heartbeat(Connection c) {
    ActiveTask t = active;
    c.send(ParticipantMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
        .setSentUnixMillis(clock.millis())
        .setHealth(options.health().sample())
        .setRoundId(t == null ? 0 : t.instruction.getRoundId())
        .setPhase(t == null ? Phase.PHASE_IDLE : t.phase)).build());
  }

  private void sessionEnded(Connection c, Throwable t) {
    c.markEnded();
    ScheduledFuture<?> hb = c.heartbeat;
    if (hb != null) {
      hb.cancel(false);
    }
    if (current != c) {
      return;
    }
    current = null;
    Error err = t == null ? null : ProtoMapping.errorOf(t);
    String reason = err == null ? "session ended by the coordinator" : err.getCode() + ": " + err.getDetail();
    boolean fatal = err != null && (err.getCode() == ErrorCode.UNSUPPORTED_VERSION
        || (err.getCode() == ErrorCode.UNAUTHENTICATED && c.token == null));
    if (closed || fatal || backoff.attempts() >= options.maxReconnects()) {
      closed = true;
      emit(new ClientEvent.Disconnected(reason, true));
      if (ownsChannel) {
        channel.shutdown();
      }
      return;
    }
    long wait = err != null && err.getRetryAfterMillis() > 0 ? err.getRetryAfterMillis() : 0;
    Duration d = backoff.next().plusMillis(wait);
    emit(new ClientEvent.Disconnected(reason, false));
    log.debug("{}: session lost ({}), reconnecting in {} ms", participantId, reason, d.toMillis());
    try {
      scheduler.schedule(this::connect, d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      closed = true;
    }
  }

  private void execute(Runnable r) {
    try {
      workers.execute(r);
    } catch (RejectedExecutionException e) {
      log.debug("{}: workers gone, dropping work", participantId);
    }
  }

  // ------------------------------------------------------------------ tasks

  /** The round being worked on. */
  private static final class ActiveTask {
    final TrainingInstruction instruction;
    final Encoding encoding;
    final int chunkBytes;
    final AtomicBoolean cancelled = new AtomicBoolean();
    final Instant startedAt;
    volatile Phase phase = Phase.PHASE_DOWNLOAD;

    ActiveTask(TrainingInstruction instruction, Encoding encoding, int chunkBytes, Instant startedAt) {
      this.instruction = instruction;
      this.encoding = encoding;
      this.chunkBytes = chunkBytes;
      this.startedAt = startedAt;
    }
  }

  /** A finished update waiting for (another) upload attempt. */
  private static final class PendingUpload {
    final long roundId;
    final UpdateHeader header;
    final byte[] payload;
    final int chunkBytes;
    final Instant deadline;
    final PhaseTimings.Builder timings;
    final AtomicBoolean inProgress = new AtomicBoolean();

    PendingUpload(long roundId, UpdateHeader header, byte[] payload, int chunkBytes, Instant deadline,
        PhaseTimings.Builder timings) {
      this.roundId = roundId;
      this.header = header;
      this.payload = payload;
      this.chunkBytes = chunkBytes;
      this.deadline = deadline;
      this.timings = timings;
    }
  }

  private void instructed(Connection c, TrainingInstruction in) {
    emit(new ClientEvent.TaskReceived(in.getRoundId(), in.getBaseVersion()));
    ActiveTask old = active;
    if (old != null) {
      old.cancelled.set(true);
    }
    Welcome w = c.welcome;
    Encoding enc = in.getUpdateEncoding() == Encoding.ENCODING_UNSPECIFIED ? Encoding.RAW_F32 : in.getUpdateEncoding();
    ActiveTask t = new ActiveTask(in, enc, w == null ? 1 << 20 : w.getChunkBytes(), clock.instant());
    active = t;
    execute(() -> run(t));
  }

  private boolean pastDeadline(Instant deadline) {
    return clock.instant().isAfter(deadline);
  }

  private void run(ActiveTask t) {
    TrainingInstruction in = t.instruction;
    Instant deadline = Instant.ofEpochMilli(in.getDeadlineUnixMillis());
    try {
      if (t.cancelled.get()) {
        return;
      }
      if (pastDeadline(deadline)) {
        fail(t, "deadline passed before the download", true);
        return;
      }
      String token = sessionToken();
      if (token == null) {
        fail(t, "no session to download the model", false);
        return;
      }
      long d0 = System.nanoTime();
      Transfers.Downloaded dl;
      try {
        dl = Transfers.download(blocking, token, in.getBaseVersion(), callBudget(deadline), options.maxModelBytes());
      } catch (PayloadException e) {
        fail(t, "download failed: " + e.code() + ": " + e.getMessage(), e.code() == ErrorCode.DEADLINE_EXCEEDED);
        return;
      }
      bytesDown.addAndGet(dl.payloadBytes());
      ModelState base = dl.model();
      if (!base.sha256().equals(in.getModelSha256())) {
        fail(t, "downloaded model is not the instructed one", false);
        return;
      }
      long downloadMs = (System.nanoTime() - d0) / 1_000_000;
      t.phase = Phase.PHASE_TRAIN;
      long t0 = System.nanoTime();
      Trainer.Result r = trainer.train(new Trainer.Task(in.getRoundId(), in.getBaseVersion(), base.layout(),
          base.copyParameters(), in.getLocalEpochs(), in.getBatchSize(), in.getLearningRate(), in.getConfigMap(),
          deadline, () -> t.cancelled.get() || pastDeadline(deadline)));
      long trainMs = (System.nanoTime() - t0) / 1_000_000;
      if (t.cancelled.get()) {
        return; // the round closed: nobody waits for this work
      }
      if (r.isFailure()) {
        fail(t, r.failure(), false);
        return;
      }
      if (pastDeadline(deadline)) {
        fail(t, "training finished after the deadline", true);
        return;
      }
      t.phase = Phase.PHASE_UPLOAD;
      byte[] payload = PayloadCodec.encode(r.delta(), t.encoding);
      UpdateHeader.Builder fields = UpdateHeader.newBuilder()
          .setRoundId(in.getRoundId())
          .setBaseVersion(in.getBaseVersion())
          .setNonce(in.getNonce())
          .setSampleCount(r.sampleCount())
          .setCompletedEpochs(r.completedEpochs())
          .setRequestedEpochs(r.requestedEpochs())
          .putAllMetrics(finite(r.metrics()))
          .setProvenance(ProtoMapping.provenance(new io.flotilla.engine.api.Provenance(
              trainer.profile().deviceClass(), Math.max(0, r.trainingMillis()), r.sampleCount(),
              trainer.profile().labelHistogram())));
      PhaseTimings.Builder timings = PhaseTimings.newBuilder().setDownloadMillis(downloadMs).setTrainMillis(trainMs)
          .setStartedUnixMillis(t.startedAt.toEpochMilli());
      fields.setTimings(timings);
      UpdateHeader.Builder hb = Transfers.header(fields, t.encoding, r.delta().length, payload);
      UpdateSigner sg = signer;
      if (sg != null) {
        Connection cc = current;
        Welcome w = cc == null ? null : cc.welcome;
        byte[] message = io.flotilla.engine.security.UpdateSignature.message(w == null ? "" : w.getFederation(),
            in.getRoundId(), in.getBaseVersion(), in.getNonce(), hb.getPayloadSha256().toByteArray());
        hb.setSignature(com.google.protobuf.ByteString.copyFrom(sg.sign(message)))
            .setSignatureAlgorithm(io.flotilla.engine.security.UpdateSignature.ALGORITHM);
      }
      UpdateHeader header = hb.build();
      PendingUpload pu = new PendingUpload(in.getRoundId(), header, payload, t.chunkBytes, deadline, timings);
      pending = pu;
      tryUpload(pu);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("{}: round {} failed locally", participantId, in.getRoundId(), e);
      fail(t, "local error: " + e, false);
    } finally {
      if (active == t) {
        t.phase = Phase.PHASE_IDLE;
      }
    }
  }

  private static java.util.Map<String, Double> finite(java.util.Map<String, Double> m) {
    java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (v != null && Double.isFinite(v)) {
        out.put(k, v);
      }
    });
    return out;
  }

  private Duration callBudget(Instant deadline) {
    Duration left = Duration.between(clock.instant(), deadline);
    return left.compareTo(options.callTimeout()) < 0 ? left : options.callTimeout();
  }

  /**
   * Uploads a finished update with the current session's token, without blocking a worker while the
   * coordinator decides. Busy coordinators are retried after their hint; a lost session leaves the update
   * pending for the next session; the final answer clears it.
   */
  private void tryUpload(PendingUpload pu) {
    if (pu.inProgress.compareAndSet(false, true)) {
      attemptUpload(pu, 0);
    }
  }

  private void attemptUpload(PendingUpload pu, int attempt) {
    String token = sessionToken();
    if (closed || pending != pu || attempt >= 50 || token == null) {
      pu.inProgress.set(false); // a later Welcome retries a pending update
      return;
    }
    long u0 = System.nanoTime();
    Duration budget = Duration.between(clock.instant(), pu.deadline).plusSeconds(60);
    if (budget.compareTo(options.callTimeout()) < 0) {
      budget = options.callTimeout();
    }
    Transfers.uploadAsync(async, pu.header.toBuilder().setSessionToken(token).build(), pu.payload, pu.chunkBytes,
        budget).whenComplete((res, err) -> {
          bytesUp.addAndGet(res.sentBytes());
          long uploadMs = (System.nanoTime() - u0) / 1_000_000;
          if (res.ack() != null) {
            pu.inProgress.set(false);
            finish(pu, res, uploadMs);
            return;
          }
          Error e = res.error();
          if (e.getCode() == ErrorCode.RESOURCE_EXHAUSTED && e.getRetryAfterMillis() > 0) {
            long wait = e.getRetryAfterMillis() + backoff.next().toMillis() / 4;
            if (!clock.instant().plusMillis(wait).isAfter(pu.deadline)) {
              try {
                scheduler.schedule(() -> execute(() -> attemptUpload(pu, attempt + 1)), wait, TimeUnit.MILLISECONDS);
                return;
              } catch (RejectedExecutionException ex) {
                log.debug("{}: scheduler gone", participantId);
              }
            }
            pu.inProgress.set(false);
            finish(pu, res, uploadMs);
            return;
          }
          if (e.getCode() == ErrorCode.UNAUTHENTICATED || e.getCode() == ErrorCode.SHUTTING_DOWN
              || (e.getCode() == ErrorCode.INTERNAL || e.getCode() == ErrorCode.DEADLINE_EXCEEDED) && !isConnected()) {
            pu.inProgress.set(false);
            String now = sessionToken();
            if (now != null && !now.equals(token)) {
              execute(() -> tryUpload(pu)); // a new session arrived meanwhile
            }
            return;
          }
          pu.inProgress.set(false);
          finish(pu, res, uploadMs);
        });
  }

  private void finish(PendingUpload pu, Transfers.UploadResult res, long uploadMs) {
    if (pending == pu) {
      pending = null;
    }
    boolean ok = res.accepted();
    if (ok) {
      accepted.incrementAndGet();
    } else {
      rejected.incrementAndGet();
      Error e = res.errorOrNull();
      log.info("{}: update for round {} refused: {} {} {}", participantId, pu.roundId,
          e == null ? "?" : e.getCode(), e == null ? "" : e.getRejectReason(), e == null ? "" : e.getDetail());
    }
    Connection c = current;
    if (c != null) {
      c.send(ParticipantMessage.newBuilder().setPhases(PhaseReport.newBuilder().setRoundId(pu.roundId)
          .setTimings(pu.timings.clone().setUploadMillis(uploadMs))).build());
    }
    emit(new ClientEvent.UpdateAnswered(pu.roundId, ok, res.errorOrNull()));
  }

  private void fail(ActiveTask t, String reason, boolean deadlineExceeded) {
    long round = t.instruction.getRoundId();
    Connection c = current;
    if (c != null) {
      c.send(ParticipantMessage.newBuilder().setFailure(TaskFailure.newBuilder().setRoundId(round)
          .setNonce(t.instruction.getNonce()).setReason(reason).setDeadlineExceeded(deadlineExceeded)).build());
    }
    log.info("{}: gave up round {}: {}", participantId, round, reason);
    emit(new ClientEvent.TaskFailed(round, reason));
  }

  // ------------------------------------------------------------------ evaluation

  private void evaluateLater(Connection c, EvaluationRequest req) {
    execute(() -> {
      EvaluationResult.Builder r = EvaluationResult.newBuilder().setRequestId(req.getRequestId())
          .setModelVersion(req.getModelVersion());
      try {
        String token = c.token;
        Transfers.Downloaded dl = Transfers.download(blocking, token, req.getModelVersion(),
            callBudget(Instant.ofEpochMilli(req.getDeadlineUnixMillis())), options.maxModelBytes());
        bytesDown.addAndGet(dl.payloadBytes());
        Trainer.Evaluation e = trainer.evaluate(dl.model().layout(), dl.model().copyParameters());
        r.setSampleCount(e.samples()).setLoss(e.loss()).setAccuracy(e.accuracy()).putAllMetrics(finite(e.metrics()));
      } catch (PayloadException | RuntimeException e) {
        r.setError(e.toString());
      }
      c.send(ParticipantMessage.newBuilder().setEvaluation(r).build());
      emit(new ClientEvent.Evaluated(req.getRequestId(), req.getModelVersion()));
    });
  }
}
