package io.flotilla.engine.coordinator;

import io.flotilla.engine.api.AsyncConfig;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationSnapshot;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.Health;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.RoundPhase;
import io.flotilla.engine.api.Subscription;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.api.UpdateOutcome;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.ModelEvaluator;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.spi.SelectionPolicy.Candidate;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator in asynchronous buffered mode (FedBuff: Nguyen et al., "Federated Learning with Buffered
 * Asynchronous Aggregation", AISTATS 2022, Algorithm 1). There are no synchronized rounds: the coordinator
 * keeps {@link AsyncConfig#concurrency()} participants training on whatever the current model is; each
 * arriving update is weighted by the staleness function {@code s(τ)} of how many versions old its base is
 * and added to a buffer; every {@link AsyncConfig#bufferSize()} arrivals the model moves by
 * {@code η_g · (1/K) Σ s(τ_i) Δ_i} and its version is bumped. A participant's task stays valid after the
 * model moved on (that is the point), but its update is accepted once, only with the nonce and base version
 * it was issued, and refused when older than {@link AsyncConfig#maxStaleness()}.
 *
 * <p>Events reuse the synchronous vocabulary: aggregation {@code r} is "round r" (RoundStarted when its
 * buffer starts filling, RoundCommitted when it is applied and evaluated); {@link FederationConfig#rounds()}
 * counts aggregations. Tasks use the id of the aggregation open when they were issued.
 *
 * <p>Like {@link CoordinatorLoop}, one thread owns all state and takes commands from a bounded queue
 * (ADR 0001); evaluation runs on a worker. Determinism: the buffer's contents depend on arrival order, so
 * a run is reproducible only when arrivals are (for example one simulator worker); see ADR 0013.
 * Thread-safety: public methods may be called from any thread and never block on the loop.
 */
public final class BufferedAsyncCoordinator implements Federation {
  private static final Logger log = LoggerFactory.getLogger(BufferedAsyncCoordinator.class);

  private final FederationConfig config;
  private final AsyncConfig async;
  private final AggregationStrategy strategy;
  private final SelectionPolicy selection;
  private final ModelEvaluator evaluator;
  private final Clock clock;
  private final SecureRandom nonces = new SecureRandom();
  private final CommandLoop loop;
  private final ExecutorService evalExecutor;
  private final ScheduledExecutorService timers;
  private final CountDownLatch terminated = new CountDownLatch(1);

  // --- state owned by the loop thread ---
  private final Map<String, Member> members = new TreeMap<>();
  private FederationState stateField = FederationState.CREATED;
  private ModelState current;
  private float[] buffer;
  private int buffered;
  private long aggregations;
  private long evaluated;
  private long dispatches;
  private long seq;
  private Instant openedAt;
  private boolean roundOpen;

  private volatile ModelState global;
  private volatile FederationState publishedState = FederationState.CREATED;

  /** One participant as the asynchronous coordinator tracks it. */
  private static final class Member {
    ParticipantInfo info;
    ParticipantLink link;
    Health health;
    long selected;
    long accepted;
    long failures;
    long taskRound;
    long taskNonce;
    long taskBase;
    boolean busy;
    long lastNonce;
    long lastRound;
    io.flotilla.engine.participant.ParticipantState state = io.flotilla.engine.participant.ParticipantState.ACTIVE;

    Member(ParticipantInfo info, ParticipantLink link) {
      this.info = info;
      this.link = link;
    }
  }

  public BufferedAsyncCoordinator(FederationConfig config, AsyncConfig async, ModelState initialModel,
      AggregationStrategy strategy, SelectionPolicy selection, ModelEvaluator evaluator, Clock clock) {
    this.config = config;
    this.async = async;
    this.strategy = strategy;
    this.selection = selection;
    this.evaluator = evaluator == null ? ModelEvaluator.NONE : evaluator;
    this.clock = clock;
    this.current = initialModel;
    this.global = initialModel;
    this.buffer = new float[initialModel.size()];
    String n = config.name();
    this.evalExecutor = Executors.newSingleThreadExecutor(r -> daemon(r, "flotilla-async-eval-" + n));
    this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "flotilla-async-timer-" + n));
    this.loop = new CommandLoop(n, "flotilla-async-coordinator-" + n,
        e -> finish(FederationState.FAILED, "internal error: " + e));
    this.loop.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  // ------------------------------------------------------------------ public API (any thread)

  @Override
  public FederationConfig config() {
    return config;
  }

  /** The asynchronous settings. */
  public AsyncConfig asyncConfig() {
    return async;
  }

  @Override
  public void start() {
    enqueue(() -> {
      if (stateField == FederationState.CREATED || stateField == FederationState.PAUSED) {
        setState(FederationState.RUNNING, "started");
        dispatch();
      }
    });
  }

  @Override
  public void pause() {
    enqueue(() -> {
      if (stateField == FederationState.RUNNING) {
        setState(FederationState.PAUSED, "paused by operator");
      }
    });
  }

  @Override
  public void resume() {
    start();
  }

  @Override
  public void stop() {
    enqueue(() -> finish(FederationState.STOPPED, "stopped by operator"));
  }

  @Override
  public CompletableFuture<Void> join(ParticipantInfo info, ParticipantLink link) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    enqueue(() -> {
      Member m = members.get(info.id());
      if (m == null) {
        members.put(info.id(), new Member(info, link));
      } else {
        m.info = info;
        m.link = link;
      }
      emit(new FederationEvent.ParticipantJoined(nextSeq(), now(), info.id(), info.deviceClass(), info.sampleCount()));
      f.complete(null);
      dispatch();
    });
    return f;
  }

  @Override
  public void submitUpdate(Update update) {
    submit(update);
  }

  @Override
  public CompletableFuture<UpdateOutcome> submit(Update update) {
    CompletableFuture<UpdateOutcome> f = new CompletableFuture<>();
    RejectReason early = null;
    String detail = null;
    ModelState g = global;
    if (update.delta().length != g.size()) {
      early = RejectReason.SHAPE_MISMATCH;
      detail = "update has " + update.delta().length + " parameters, model has " + g.size();
    } else if (!allFinite(update.delta())) {
      early = RejectReason.NON_FINITE;
      detail = "update contains NaN or infinite values";
    } else if (update.sampleCount() <= 0) {
      early = RejectReason.INVALID_SAMPLE_COUNT;
      detail = "sample count must be positive, was " + update.sampleCount();
    }
    RejectReason fEarly = early;
    String fDetail = detail;
    try {
      enqueue(() -> f.complete(onUpdate(update, fEarly, fDetail)));
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  @Override
  public void reportFailure(String participantId, long roundId, String reason) {
    enqueue(() -> {
      Member m = members.get(participantId);
      if (m == null || !m.busy || m.taskRound != roundId) {
        return;
      }
      failed(participantId, m, reason);
      dispatch();
    });
  }

  @Override
  public void reportHealth(String participantId, Health health) {
    reportHeartbeat(participantId, health, 0, "idle");
  }

  /** Records the health and publishes a ParticipantHeartbeat (telemetry: no store, no audit, no model change). */
  @Override
  public void reportHeartbeat(String participantId, Health health, long roundId, String phase) {
    java.util.Objects.requireNonNull(health, "health");
    String what = phase == null || phase.isBlank() ? "idle" : phase;
    enqueue(() -> {
      Member m = members.get(participantId);
      if (m != null) {
        m.health = health;
        emit(new FederationEvent.ParticipantHeartbeat(nextSeq(), now(), participantId, health,
            Math.max(0, roundId), what));
      }
    });
  }

  /** Publishes an UpdatePhases for a known participant (telemetry: no store, no audit, no model change). */
  @Override
  public void reportPhases(String participantId, long roundId, io.flotilla.engine.api.PhaseTimings timings) {
    java.util.Objects.requireNonNull(timings, "timings");
    enqueue(() -> {
      if (members.containsKey(participantId)) {
        emit(new FederationEvent.UpdatePhases(nextSeq(), now(), roundId, participantId, timings));
      }
    });
  }

  @Override
  public Subscription subscribe(Consumer<FederationEvent> listener) {
    return loop.subscribe(listener);
  }

  @Override
  public CompletableFuture<FederationSnapshot> snapshot() {
    CompletableFuture<FederationSnapshot> f = new CompletableFuture<>();
    try {
      enqueue(() -> {
        List<FederationSnapshot.ParticipantSnapshot> ps = new ArrayList<>();
        for (Member m : members.values()) {
          ps.add(new FederationSnapshot.ParticipantSnapshot(m.info.id(), m.info.deviceClass(),
              m.busy ? "ACTIVE" : "IDLE", m.selected, m.accepted, m.failures, 1.0, 0));
        }
        ModelState g = current;
        f.complete(new FederationSnapshot(config.name(), stateField, aggregations + (roundOpen ? 1 : 0),
            roundOpen ? RoundPhase.COLLECTING : aggregations == 0 ? null : RoundPhase.COMMITTED, g.version(),
            g.sha256(), aggregations, ps));
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  @Override
  public ModelState globalModel() {
    return global;
  }

  @Override
  public FederationState state() {
    return publishedState;
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (loop.isClosed()) {
      return;
    }
    try {
      enqueue(() -> {
        finish(FederationState.STOPPED, "federation closed");
        loop.markClosed();
      });
      loop.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RejectedExecutionException e) {
      log.debug("close: loop already gone");
    } finally {
      loop.halt();
      evalExecutor.shutdownNow();
      timers.shutdownNow();
    }
  }

  private void enqueue(Runnable c) {
    loop.enqueue(c);
  }

  private void safeEnqueue(Runnable c) {
    loop.offer(c);
  }

  private static boolean allFinite(float[] v) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ the loop

  private long nextSeq() {
    return ++seq;
  }

  private Instant now() {
    return clock.instant();
  }

  private void emit(FederationEvent e) {
    loop.publish(e);
  }

  private void setState(FederationState to, String reason) {
    FederationState from = stateField;
    if (from == to) {
      return;
    }
    stateField = to;
    publishedState = to;
    emit(new FederationEvent.StateChanged(nextSeq(), now(), from, to, reason));
    if (to.isTerminal()) {
      terminated.countDown();
    }
  }

  private void finish(FederationState terminal, String reason) {
    if (stateField.isTerminal()) {
      return;
    }
    for (Member m : members.values()) {
      if (m.busy) {
        m.busy = false;
        try {
          m.link.cancel(m.taskRound);
        } catch (RuntimeException e) {
          log.debug("cancel failed for {}", m.info.id());
        }
      }
    }
    if (roundOpen && terminal != FederationState.FINISHED) {
      emit(new FederationEvent.RoundAborted(nextSeq(), now(), aggregations + 1, reason));
      roundOpen = false;
    }
    setState(terminal, reason);
  }

  private long openRound() {
    return aggregations + 1;
  }

  /** Keeps {@code concurrency} participants busy with the current model. */
  private void dispatch() {
    if (stateField != FederationState.RUNNING || aggregations >= config.rounds()) {
      return;
    }
    int busy = 0;
    List<Candidate> idle = new ArrayList<>();
    for (Member m : members.values()) {
      if (m.busy) {
        busy++;
      } else if (!m.state.isSelectable()) {
        continue; // suspended or revoked by an operator
      } else {
        idle.add(new Candidate(m.info.id(), m.info.deviceClass(), m.info.sampleCount(), m.info.labelHistogram(),
            m.selected, m.accepted, Double.NaN, m.health, 1.0));
      }
    }
    int want = Math.min(async.concurrency() - busy, idle.size());
    if (want <= 0) {
      return;
    }
    long id = openRound();
    SplittableRandom rnd = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + (++dispatches) * 0xC2B2AE3D27D4EB4FL);
    List<String> chosen = selection.select(idle, want, rnd);
    if (chosen.isEmpty()) {
      return;
    }
    ModelState base = current;
    Instant deadline = now().plus(config.roundDeadline());
    if (!roundOpen) {
      roundOpen = true;
      openedAt = now();
      emit(new FederationEvent.RoundStarted(nextSeq(), now(), id, base.version(), List.copyOf(chosen), deadline));
    }
    Map<String, Double> instructions = strategy.trainingConfig();
    for (String pid : chosen) {
      Member m = members.get(pid);
      if (m == null || m.busy) {
        continue;
      }
      long nonce = nonces.nextLong();
      m.busy = true;
      m.selected++;
      m.taskRound = id;
      m.taskNonce = nonce;
      m.taskBase = base.version();
      TrainingTask task = new TrainingTask(id, base, config.localEpochs(), config.batchSize(), config.learningRate(),
          instructions, deadline, nonce);
      try {
        m.link.instruct(task);
      } catch (RuntimeException e) {
        log.warn("could not instruct {}", pid, e);
        failed(pid, m, "instruct failed: " + e.getMessage());
        continue;
      }
      long roundOfTask = id;
      timers.schedule(() -> safeEnqueue(() -> onTaskDeadline(pid, roundOfTask, nonce)),
          Math.max(0, Duration.between(now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
    }
  }

  private void onTaskDeadline(String pid, long roundId, long nonce) {
    Member m = members.get(pid);
    if (m != null && m.busy && m.taskRound == roundId && m.taskNonce == nonce) {
      try {
        m.link.cancel(roundId);
      } catch (RuntimeException e) {
        log.debug("cancel failed for {}", pid);
      }
      failed(pid, m, "deadline passed");
      dispatch();
    }
  }

  private void failed(String pid, Member m, String reason) {
    m.busy = false;
    m.failures++;
    m.lastNonce = m.taskNonce;
    m.lastRound = m.taskRound;
    emit(new FederationEvent.ParticipantFailed(nextSeq(), now(), m.taskRound, pid, reason));
  }

  private UpdateOutcome reject(Update u, RejectReason reason, String detail) {
    emit(new FederationEvent.UpdateRejected(nextSeq(), now(), u.roundId(), u.participantId(), reason, detail));
    return UpdateOutcome.rejected(u.participantId(), u.roundId(), reason, detail);
  }

  private UpdateOutcome onUpdate(Update u, RejectReason early, String earlyDetail) {
    String pid = u.participantId();
    Member m = members.get(pid);
    if (m == null) {
      return reject(u, RejectReason.UNKNOWN_PARTICIPANT, "no participant '" + pid + "' has joined");
    }
    if (stateField.isTerminal()) {
      return reject(u, RejectReason.LATE, "the federation has ended (" + stateField + ")");
    }
    if (!m.state.isSelectable()) {
      return reject(u, RejectReason.NOT_SELECTED, pid + " is " + m.state.name().toLowerCase(java.util.Locale.ROOT)
          + "; its updates are refused");
    }
    if (u.nonce() == m.lastNonce && u.roundId() == m.lastRound && m.lastRound != 0) {
      return reject(u, RejectReason.DUPLICATE, pid + " already answered its task of round " + u.roundId());
    }
    if (!m.busy) {
      return reject(u, RejectReason.NOT_SELECTED, pid + " has no task in flight");
    }
    if (u.roundId() != m.taskRound) {
      return reject(u, u.roundId() < m.taskRound ? RejectReason.LATE : RejectReason.WRONG_ROUND,
          "update is for round " + u.roundId() + ", the task in flight is of round " + m.taskRound);
    }
    if (u.nonce() != m.taskNonce) {
      return reject(u, RejectReason.BAD_NONCE, "nonce does not match the one issued"); // slot kept
    }
    m.busy = false;
    m.lastNonce = m.taskNonce;
    m.lastRound = m.taskRound;
    UpdateOutcome verdict = judge(u, m, early, earlyDetail);
    dispatch();
    return verdict;
  }

  private UpdateOutcome judge(Update u, Member m, RejectReason early, String earlyDetail) {
    if (u.baseVersion() != m.taskBase) {
      m.failures++;
      return reject(u, RejectReason.STALE_BASE_VERSION,
          "trained on version " + u.baseVersion() + ", the task was issued on version " + m.taskBase);
    }
    long staleness = current.version() - u.baseVersion();
    if (staleness > async.maxStaleness()) {
      m.failures++;
      return reject(u, RejectReason.STALE_BASE_VERSION, "update is " + staleness + " versions old, more than "
          + async.maxStaleness());
    }
    if (early != null) {
      m.failures++;
      return reject(u, early, earlyDetail);
    }
    if (u.isPartial() && !strategy.acceptsPartialWork()) {
      m.failures++;
      return reject(u, RejectReason.PARTIAL_WORK_DROPPED, "completed " + u.completedEpochs() + " of "
          + u.requestedEpochs() + " epochs; strategy '" + strategy.name() + "' drops partial work");
    }
    float w = (float) async.staleness().weight(staleness);
    float[] d = u.delta();
    for (int i = 0; i < d.length; i++) {
      buffer[i] += w * d[i];
    }
    buffered++;
    m.accepted++;
    Map<String, Double> metrics = new java.util.LinkedHashMap<>(u.metrics());
    metrics.put("staleness", (double) staleness);
    metrics.put("staleness_weight", (double) w);
    long round = openRound();
    emit(new FederationEvent.UpdateAccepted(nextSeq(), now(), round, u.participantId(), u.sampleCount(),
        u.isPartial(), u.provenance().trainingMillis(), metrics));
    UpdateOutcome ok = UpdateOutcome.accepted(u.participantId(), u.roundId());
    if (buffered >= async.bufferSize()) {
      aggregate(round);
    }
    return ok;
  }

  /** Applies the buffer: {@code x ← x + η_g · (1/K) Σ s(τ_i) Δ_i} (FedBuff, Algorithm 1, server side). */
  private void aggregate(long round) {
    float scale = (float) (async.serverLearningRate() / buffered);
    float[] next = current.copyParameters();
    for (int i = 0; i < next.length; i++) {
      next[i] += scale * buffer[i];
    }
    int contributors = buffered;
    java.util.Arrays.fill(buffer, 0f);
    buffered = 0;
    ModelState candidate = ModelState.adopt(current.layout(), next, current.version() + 1);
    if (!candidate.isFinite()) {
      emit(new FederationEvent.RoundAborted(nextSeq(), now(), round, "aggregated model is not finite"));
      roundOpen = false;
      return;
    }
    current = candidate;
    global = candidate;
    aggregations++;
    roundOpen = false;
    long ms = openedAt == null ? 0 : Duration.between(openedAt, now()).toMillis();
    if (aggregations < config.rounds()) {
      // the next buffer starts filling at once: tasks in flight deliver into it
      roundOpen = true;
      openedAt = now();
      emit(new FederationEvent.RoundStarted(nextSeq(), now(), aggregations + 1, candidate.version(), List.of(),
          now().plus(config.roundDeadline())));
    }
    CompletableFuture.supplyAsync(() -> evaluator.evaluate(candidate), evalExecutor)
        .whenComplete((metrics, err) -> safeEnqueue(() -> onEvaluated(round, candidate, contributors, metrics, err, ms)));
    if (aggregations >= config.rounds()) {
      for (Member m : members.values()) {
        if (m.busy) {
          m.busy = false;
          m.link.cancel(m.taskRound);
        }
      }
    }
  }

  private void onEvaluated(long round, ModelState model, int contributors, Map<String, Double> metrics,
      Throwable err, long ms) {
    if (err != null) {
      log.warn("evaluation of version {} failed", model.version(), err);
    }
    evaluated++;
    emit(new FederationEvent.RoundCommitted(nextSeq(), now(), round, model.version(), model.sha256(), contributors,
        contributors, metrics == null ? Map.of() : Map.copyOf(metrics), ms));
    if (evaluated >= config.rounds() && !stateField.isTerminal()) {
      setState(FederationState.FINISHED, "completed " + evaluated + " asynchronous aggregations");
    }
  }

  // ------------------------------------------------------------------ operator commands on participants

  @Override
  public CompletableFuture<Void> suspend(String participantId, String actor, String reason) {
    return participantCommand(participantId, io.flotilla.engine.participant.ParticipantState.SUSPENDED, "suspended",
        actor, reason);
  }

  @Override
  public CompletableFuture<Void> reinstate(String participantId, String actor, String reason) {
    return participantCommand(participantId, io.flotilla.engine.participant.ParticipantState.ACTIVE, "reinstated",
        actor, reason);
  }

  @Override
  public CompletableFuture<Void> revoke(String participantId, String actor, String reason) {
    return participantCommand(participantId, io.flotilla.engine.participant.ParticipantState.REVOKED, "revoked",
        actor, reason);
  }

  @Override
  public CompletableFuture<Void> withdrawConsent(String participantId, String reason) {
    return participantCommand(participantId, io.flotilla.engine.participant.ParticipantState.REVOKED,
        "consent_withdrawn", participantId, reason);
  }

  /**
   * The same operator commands as the synchronous coordinator (this mode keeps no store, so nothing is
   * audited durably; the event stream carries actor and reason). A busy participant's task is cancelled.
   */
  private CompletableFuture<Void> participantCommand(String pid,
      io.flotilla.engine.participant.ParticipantState to, String action, String actor, String reason) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    try {
      enqueue(() -> {
        Member m = pid == null ? null : members.get(pid);
        String problem = null;
        if (m == null) {
          problem = "no participant '" + pid + "' in federation '" + config.name() + "'";
        } else if (actor == null || actor.isBlank() || reason == null || reason.isBlank()) {
          problem = "an operator command on " + pid + " needs an actor and a reason";
        } else if (to == io.flotilla.engine.participant.ParticipantState.ACTIVE
            && m.state != io.flotilla.engine.participant.ParticipantState.SUSPENDED) {
          problem = "cannot reinstate " + pid + ": it is " + m.state + ", not SUSPENDED";
        } else if (m.state == to || !m.state.next().contains(to)) {
          problem = "cannot move " + pid + " from " + m.state + " to " + to
              + (m.state == to ? " (it already is)" : " (not a legal transition)");
        }
        if (problem != null) {
          log.warn("refused {} by {}: {}", action, actor, problem);
          f.completeExceptionally(new IllegalStateException(problem));
          return;
        }
        var from = m.state;
        m.state = to;
        if (to == io.flotilla.engine.participant.ParticipantState.SUSPENDED) {
          emit(new FederationEvent.ParticipantSuspended(nextSeq(), now(), pid, 0, 1.0,
              action + " by " + actor + ": " + reason));
        }
        emit(new FederationEvent.ParticipantStateChanged(nextSeq(), now(), pid, from.name(), to.name(), action,
            actor, reason));
        if (m.busy && !to.isSelectable()) {
          try {
            m.link.cancel(m.taskRound);
          } catch (RuntimeException e) {
            log.debug("cancel failed for {}", pid);
          }
          failed(pid, m, action + " by " + actor + ": " + reason);
        }
        f.complete(null);
        dispatch();
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }
}
