package io.flotilla.engine.coordinator;

import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationSnapshot;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.RoundPhase;
import io.flotilla.engine.api.Subscription;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.participant.ParticipantRecord;
import io.flotilla.engine.participant.ParticipantState;
import io.flotilla.engine.round.OrderedFold;
import io.flotilla.engine.round.Round;
import io.flotilla.engine.round.Round.Outcome;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.ModelEvaluator;
import io.flotilla.engine.spi.RoundAggregator;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.spi.SelectionPolicy.Candidate;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-threaded coordinator: one thread takes commands from a bounded queue and owns every piece of
 * federation state (participants, the current round, the global model). Numeric work runs elsewhere and
 * comes back as commands: updates are folded into the round's aggregator on a dedicated serial "fold"
 * thread, in cohort order (see {@link OrderedFold}), so results do not depend on arrival order; model
 * evaluation runs on a worker. Events are published on the coordinator thread.
 *
 * <p>Thread-safety: every public method may be called from any thread and never blocks on the loop.
 */
public final class CoordinatorLoop implements Federation {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorLoop.class);
  private static final int QUEUE_CAPACITY = 100_000;

  private final FederationConfig config;
  private final Clock clock;
  private final AggregationStrategy strategy;
  private final SelectionPolicy selection;
  private final ModelEvaluator evaluator;
  private final SecureRandom nonces = new SecureRandom();

  private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread loopThread;
  private final ExecutorService foldExecutor;
  private final ExecutorService evalExecutor;
  private final ScheduledExecutorService timers;
  private final List<Consumer<FederationEvent>> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch terminated = new CountDownLatch(1);

  // --- state owned by the loop thread ---
  private final Map<String, ParticipantRecord> participants = new TreeMap<>();
  private FederationState stateField = FederationState.CREATED;
  private Round round;
  private RoundAggregator aggregator;
  private OrderedFold<Update> fold;
  private long lastRoundId;
  private long committedRounds;
  private int consecutiveAborts;
  private long seq;
  private boolean nextRoundScheduled;

  private volatile ModelState global;
  private volatile FederationState publishedState = FederationState.CREATED;
  private volatile boolean closed;

  public CoordinatorLoop(
      FederationConfig config,
      ModelState initialModel,
      AggregationStrategy strategy,
      SelectionPolicy selection,
      ModelEvaluator evaluator,
      Clock clock) {
    this.config = config;
    this.global = initialModel;
    this.strategy = strategy;
    this.selection = selection;
    this.evaluator = evaluator == null ? ModelEvaluator.NONE : evaluator;
    this.clock = clock;
    String n = config.name();
    this.foldExecutor = Executors.newSingleThreadExecutor(daemon("flotilla-fold-" + n));
    this.evalExecutor = Executors.newSingleThreadExecutor(daemon("flotilla-eval-" + n));
    this.timers = Executors.newSingleThreadScheduledExecutor(daemon("flotilla-timer-" + n));
    this.loopThread = daemon("flotilla-coordinator-" + n).newThread(this::runLoop);
    this.loopThread.start();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger i = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, i.getAndIncrement() == 0 ? name : name + "-" + i.get());
      t.setDaemon(true);
      return t;
    };
  }

  // ------------------------------------------------------------------ public API (any thread)

  @Override
  public FederationConfig config() {
    return config;
  }

  @Override
  public void start() {
    enqueue(this::onStart);
  }

  @Override
  public void pause() {
    enqueue(this::onPause);
  }

  @Override
  public void resume() {
    enqueue(this::onResume);
  }

  @Override
  public void stop() {
    enqueue(() -> onStop("stopped by operator"));
  }

  @Override
  public CompletableFuture<Void> join(ParticipantInfo info, ParticipantLink link) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    enqueue(() -> {
      onJoin(info, link);
      f.complete(null);
    });
    return f;
  }

  @Override
  public void submitUpdate(Update update) {
    // O(model) checks happen here, on the caller's thread, so the loop stays responsive.
    ModelState g = global;
    RejectReason early = null;
    String detail = null;
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
    enqueue(() -> onUpdate(update, fEarly, fDetail));
  }

  @Override
  public void reportFailure(String participantId, long roundId, String reason) {
    enqueue(() -> onFailure(participantId, roundId, reason));
  }

  @Override
  public Subscription subscribe(Consumer<FederationEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public CompletableFuture<FederationSnapshot> snapshot() {
    CompletableFuture<FederationSnapshot> f = new CompletableFuture<>();
    try {
      enqueue(() -> f.complete(takeSnapshot()));
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
    if (closed) {
      return;
    }
    try {
      enqueue(() -> {
        if (!stateField.isTerminal()) {
          onStop("federation closed");
        }
        closed = true;
      });
      loopThread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RejectedExecutionException e) {
      log.debug("close: loop already gone");
    } finally {
      closed = true;
      loopThread.interrupt();
      foldExecutor.shutdownNow();
      evalExecutor.shutdownNow();
      timers.shutdownNow();
    }
  }

  private void enqueue(Runnable command) {
    if (closed) {
      throw new RejectedExecutionException("federation '" + config.name() + "' is closed");
    }
    if (!queue.offer(command)) {
      throw new RejectedExecutionException(
          "coordinator queue full (" + QUEUE_CAPACITY + " commands): retry later");
    }
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

  private void runLoop() {
    while (!closed) {
      Runnable c;
      try {
        c = queue.take();
      } catch (InterruptedException e) {
        break;
      }
      try {
        c.run();
      } catch (RuntimeException e) {
        log.error("coordinator command failed; federation '{}' fails", config.name(), e);
        fail("internal error: " + e);
      }
    }
  }

  private void emit(FederationEvent e) {
    for (Consumer<FederationEvent> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        log.warn("event listener {} threw on {}", l, e.getClass().getSimpleName(), ex);
      }
    }
  }

  private long nextSeq() {
    return ++seq;
  }

  private Instant now() {
    return clock.instant();
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

  private void onStart() {
    if (stateField == FederationState.CREATED) {
      setState(FederationState.RUNNING, "started");
      maybeStartRound();
    } else if (stateField == FederationState.PAUSED) {
      onResume();
    }
  }

  private void onPause() {
    if (stateField == FederationState.RUNNING) {
      setState(FederationState.PAUSED, "paused by operator");
    }
  }

  private void onResume() {
    if (stateField == FederationState.PAUSED) {
      setState(FederationState.RUNNING, "resumed by operator");
      maybeStartRound();
    }
  }

  private void onStop(String reason) {
    if (stateField.isTerminal()) {
      return;
    }
    if (round != null && !round.phase().isTerminal()) {
      abortRound(reason, false);
    }
    setState(FederationState.STOPPED, reason);
  }

  private void fail(String reason) {
    try {
      if (round != null && !round.phase().isTerminal()) {
        abortRound(reason, false);
      }
    } catch (RuntimeException e) {
      log.warn("could not abort round while failing", e);
    }
    if (!stateField.isTerminal()) {
      setState(FederationState.FAILED, reason);
    }
  }

  private void onJoin(ParticipantInfo info, ParticipantLink link) {
    ParticipantRecord r = participants.get(info.id());
    if (r == null) {
      r = new ParticipantRecord(info, link);
      participants.put(info.id(), r);
    } else {
      r.rebind(info, link);
    }
    emit(new FederationEvent.ParticipantJoined(nextSeq(), now(), info.id(), info.deviceClass(), info.sampleCount()));
    if (stateField == FederationState.RUNNING && (round == null || round.phase().isTerminal())) {
      maybeStartRound();
    }
  }

  private boolean roundActive() {
    return round != null && !round.phase().isTerminal();
  }

  private void maybeStartRound() {
    if (stateField != FederationState.RUNNING || roundActive() || nextRoundScheduled) {
      return;
    }
    if (committedRounds >= config.rounds()) {
      setState(FederationState.FINISHED, "completed " + committedRounds + " rounds");
      return;
    }
    List<Candidate> candidates = new ArrayList<>();
    for (ParticipantRecord p : participants.values()) {
      if (p.state().isSelectable()) {
        candidates.add(p.candidate());
      }
    }
    if (candidates.size() < config.minUpdates()) {
      log.debug("waiting for participants: {} available, quorum {}", candidates.size(), config.minUpdates());
      return; // a join will call us again
    }
    startRound(candidates);
  }

  private void startRound(List<Candidate> candidates) {
    long id = ++lastRoundId;
    Instant start = now();
    ModelState base = global;
    Round r = new Round(id, base.version(), config.minUpdates(), start, start.plus(config.roundDeadline()));
    round = r;
    phase(r, RoundPhase.SELECTING);
    int count = Math.min(config.perRound(), candidates.size());
    List<String> chosen = selection.select(candidates, count, roundRandom(id));
    validateSelection(chosen);
    Map<String, Long> nonceById = new HashMap<>();
    for (String pid : chosen) {
      nonceById.put(pid, nonces.nextLong());
    }
    r.setCohort(chosen, nonceById);
    aggregator = strategy.begin(base);
    RoundAggregator agg = aggregator;
    fold = new OrderedFold<>(chosen.size(), u -> foldExecutor.execute(() -> agg.accept(u)));
    emit(new FederationEvent.RoundStarted(nextSeq(), now(), id, base.version(), chosen, r.deadline()));
    phase(r, RoundPhase.BROADCAST);
    Map<String, Double> instructions = strategy.trainingConfig();
    for (String pid : chosen) {
      ParticipantRecord p = participants.get(pid);
      p.selected();
      TrainingTask task = new TrainingTask(id, base, config.localEpochs(), config.batchSize(),
          config.learningRate(), instructions, r.deadline(), nonceById.get(pid));
      try {
        p.link().instruct(task);
      } catch (RuntimeException e) {
        log.warn("could not instruct {} for round {}", pid, id, e);
        resolveFailure(r, pid, Outcome.FAILED, "instruct failed: " + e.getMessage());
      }
    }
    if (r.phase() != RoundPhase.BROADCAST) {
      return; // aborted while broadcasting
    }
    phase(r, RoundPhase.COLLECTING);
    long delay = Math.max(0, Duration.between(now(), r.deadline()).toMillis());
    timers.schedule(() -> safeEnqueue(() -> onDeadline(id)), delay, TimeUnit.MILLISECONDS);
    if (r.allResolved()) {
      closeCollection();
    }
  }

  private void validateSelection(List<String> chosen) {
    if (chosen.size() != chosen.stream().distinct().count()) {
      throw new IllegalStateException("selection policy '" + selection.name() + "' chose a participant twice");
    }
    for (String pid : chosen) {
      ParticipantRecord p = participants.get(pid);
      if (p == null || !p.state().isSelectable()) {
        throw new IllegalStateException("selection policy '" + selection.name() + "' chose unavailable " + pid);
      }
    }
  }

  private SplittableRandom roundRandom(long roundId) {
    return new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + roundId * 0xC2B2AE3D27D4EB4FL);
  }

  private void phase(Round r, RoundPhase to) {
    RoundPhase from = r.moveTo(to);
    emit(new FederationEvent.RoundPhaseChanged(nextSeq(), now(), r.id(), from, to));
  }

  private void safeEnqueue(Runnable c) {
    try {
      enqueue(c);
    } catch (RejectedExecutionException e) {
      log.debug("dropped a command: {}", e.getMessage());
    }
  }

  private void reject(Update u, RejectReason reason, String detail) {
    log.info("rejected update from {} for round {}: {} ({})", u.participantId(), u.roundId(), reason, detail);
    emit(new FederationEvent.UpdateRejected(nextSeq(), now(), u.roundId(), u.participantId(), reason, detail));
  }

  private void onUpdate(Update u, RejectReason early, String earlyDetail) {
    String pid = u.participantId();
    ParticipantRecord p = participants.get(pid);
    if (p == null) {
      reject(u, RejectReason.UNKNOWN_PARTICIPANT, "no participant '" + pid + "' has joined");
      return;
    }
    Round r = round;
    if (r == null || u.roundId() != r.id()) {
      boolean past = r != null && u.roundId() < r.id();
      reject(u, past ? RejectReason.LATE : RejectReason.WRONG_ROUND,
          "update is for round " + u.roundId() + ", current round is " + (r == null ? "none" : r.id()));
      return;
    }
    if (!r.isSelected(pid)) {
      reject(u, RejectReason.NOT_SELECTED, pid + " was not selected for round " + r.id());
      return;
    }
    if (r.phase() != RoundPhase.COLLECTING || r.outcome(pid) == Outcome.TIMED_OUT) {
      reject(u, RejectReason.LATE, "round " + r.id() + " is no longer collecting (" + r.phase() + ")");
      return;
    }
    if (r.outcome(pid) != Outcome.PENDING) {
      reject(u, RejectReason.DUPLICATE, pid + " already answered round " + r.id() + " (" + r.outcome(pid) + ")");
      return;
    }
    if (u.nonce() != r.nonceOf(pid)) {
      reject(u, RejectReason.BAD_NONCE, "nonce does not match the one issued for round " + r.id());
      return; // a forged or replayed update does not consume the participant's slot
    }
    if (u.baseVersion() != r.baseVersion()) {
      resolveRejected(r, p, u, RejectReason.STALE_BASE_VERSION,
          "trained on version " + u.baseVersion() + ", round is on version " + r.baseVersion());
      return;
    }
    if (early != null) {
      resolveRejected(r, p, u, early, earlyDetail);
      return;
    }
    if (u.isPartial() && !strategy.acceptsPartialWork()) {
      resolveRejected(r, p, u, RejectReason.PARTIAL_WORK_DROPPED, "completed " + u.completedEpochs() + " of "
          + u.requestedEpochs() + " epochs; strategy '" + strategy.name() + "' drops partial work");
      return;
    }
    r.resolve(pid, Outcome.ACCEPTED);
    p.accepted();
    fold.offer(r.indexOf(pid), u);
    emit(new FederationEvent.UpdateAccepted(nextSeq(), now(), r.id(), pid, u.sampleCount(), u.isPartial(),
        u.provenance().trainingMillis(), u.metrics()));
    if (r.allResolved()) {
      closeCollection();
    }
  }

  private void resolveRejected(Round r, ParticipantRecord p, Update u, RejectReason reason, String detail) {
    r.resolve(p.id(), Outcome.REJECTED);
    p.failed();
    fold.skip(r.indexOf(p.id()));
    reject(u, reason, detail);
    if (r.allResolved()) {
      closeCollection();
    }
  }

  private void onFailure(String pid, long roundId, String reason) {
    Round r = round;
    if (r == null || r.id() != roundId || r.phase() != RoundPhase.COLLECTING || !r.isSelected(pid)
        || r.outcome(pid) != Outcome.PENDING) {
      log.debug("ignored failure report from {} for round {}", pid, roundId);
      return;
    }
    resolveFailure(r, pid, Outcome.FAILED, reason);
    if (r.phase() == RoundPhase.COLLECTING && r.allResolved()) {
      closeCollection();
    }
  }

  private void resolveFailure(Round r, String pid, Outcome outcome, String reason) {
    r.resolve(pid, outcome);
    ParticipantRecord p = participants.get(pid);
    if (p != null) {
      p.failed();
    }
    fold.skip(r.indexOf(pid));
    emit(new FederationEvent.ParticipantFailed(nextSeq(), now(), r.id(), pid, reason));
  }

  private void onDeadline(long roundId) {
    Round r = round;
    if (r == null || r.id() != roundId || r.phase() != RoundPhase.COLLECTING) {
      return;
    }
    for (String pid : r.expirePending()) {
      ParticipantRecord p = participants.get(pid);
      if (p != null) {
        p.failed();
        p.link().cancel(roundId);
      }
      emit(new FederationEvent.ParticipantFailed(nextSeq(), now(), roundId, pid, "deadline passed"));
    }
    closeCollection();
  }

  private void closeCollection() {
    Round r = round;
    if (!r.quorumMet()) {
      abortRound("quorum not met: " + r.count(Outcome.ACCEPTED) + " accepted update(s), " + r.quorum()
          + " required", true);
      return;
    }
    fold.drain();
    phase(r, RoundPhase.AGGREGATING);
    RoundAggregator agg = aggregator;
    long id = r.id();
    CompletableFuture.supplyAsync(agg::aggregate, foldExecutor)
        .whenComplete((res, err) -> safeEnqueue(() -> onAggregated(id, res, err)));
  }

  private void onAggregated(long roundId, Optional<float[]> result, Throwable err) {
    Round r = round;
    if (r == null || r.id() != roundId || r.phase() != RoundPhase.AGGREGATING) {
      return;
    }
    if (err != null) {
      log.warn("aggregation failed in round {}", roundId, err);
      abortRound("aggregation failed: " + err.getMessage(), true);
      return;
    }
    ModelState base = global;
    ModelState candidate = result.map(p -> ModelState.adopt(base.layout(), p, base.version() + 1)).orElse(base);
    if (!candidate.isFinite()) {
      abortRound("aggregated model is not finite (divergence); keeping version " + base.version(), true);
      return;
    }
    phase(r, RoundPhase.EVALUATING);
    CompletableFuture.supplyAsync(() -> evaluator.evaluate(candidate), evalExecutor)
        .whenComplete((m, e) -> safeEnqueue(() -> onEvaluated(roundId, candidate, m, e)));
  }

  private void onEvaluated(long roundId, ModelState candidate, Map<String, Double> metrics, Throwable err) {
    Round r = round;
    if (r == null || r.id() != roundId || r.phase() != RoundPhase.EVALUATING) {
      return;
    }
    if (err != null) {
      log.warn("evaluation failed in round {}", roundId, err);
      metrics = Map.of();
    }
    phase(r, RoundPhase.COMMITTED);
    global = candidate;
    committedRounds++;
    consecutiveAborts = 0;
    long ms = Duration.between(r.startedAt(), now()).toMillis();
    emit(new FederationEvent.RoundCommitted(nextSeq(), now(), roundId, candidate.version(), candidate.sha256(),
        r.count(Outcome.ACCEPTED), r.cohort().size(), metrics == null ? Map.of() : Map.copyOf(metrics), ms));
    scheduleNextRound(config.roundInterval());
  }

  private void abortRound(String reason, boolean continueAfter) {
    Round r = round;
    RoundPhase from = r.abort(reason);
    emit(new FederationEvent.RoundPhaseChanged(nextSeq(), now(), r.id(), from, RoundPhase.ABORTED));
    for (String pid : r.cohort()) {
      ParticipantRecord p = participants.get(pid);
      if (p != null && r.outcome(pid) == Outcome.PENDING) {
        p.link().cancel(r.id());
      }
    }
    emit(new FederationEvent.RoundAborted(nextSeq(), now(), r.id(), reason));
    log.info("round {} aborted: {}", r.id(), reason);
    if (!continueAfter) {
      return;
    }
    consecutiveAborts++;
    if (consecutiveAborts >= config.maxConsecutiveAborts()) {
      fail(consecutiveAborts + " rounds aborted in a row; last: " + reason);
      return;
    }
    Duration backoff = config.roundInterval().compareTo(Duration.ofMillis(200)) > 0
        ? config.roundInterval() : Duration.ofMillis(200);
    scheduleNextRound(backoff);
  }

  private void scheduleNextRound(Duration after) {
    if (stateField != FederationState.RUNNING && stateField != FederationState.PAUSED) {
      return;
    }
    if (committedRounds >= config.rounds()) {
      if (stateField == FederationState.RUNNING || stateField == FederationState.PAUSED) {
        setState(FederationState.FINISHED, "completed " + committedRounds + " rounds");
      }
      return;
    }
    if (after.isZero()) {
      maybeStartRound();
      return;
    }
    nextRoundScheduled = true;
    timers.schedule(() -> safeEnqueue(() -> {
      nextRoundScheduled = false;
      maybeStartRound();
    }), after.toMillis(), TimeUnit.MILLISECONDS);
  }

  private FederationSnapshot takeSnapshot() {
    List<FederationSnapshot.ParticipantSnapshot> ps = new ArrayList<>();
    for (ParticipantRecord p : participants.values()) {
      ps.add(p.snapshot());
    }
    ModelState g = global;
    return new FederationSnapshot(config.name(), stateField, round == null ? 0 : round.id(),
        round == null ? null : round.phase(), g.version(), g.sha256(), committedRounds, ps);
  }

  /** For tests and tools: participant states by id (snapshot on the loop). */
  ParticipantState participantState(String id) {
    ParticipantRecord p = participants.get(id);
    return p == null ? null : p.state();
  }
}
