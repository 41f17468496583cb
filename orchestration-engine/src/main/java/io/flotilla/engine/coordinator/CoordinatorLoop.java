package io.flotilla.engine.coordinator;

import io.flotilla.engine.api.Calibration;
import io.flotilla.engine.api.CalibrationReport;
import io.flotilla.engine.api.CalibrationTask;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationSnapshot;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.Health;
import io.flotilla.engine.api.LearningControl;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.RoundPhase;
import io.flotilla.engine.api.Safeguards;
import io.flotilla.engine.api.Subscription;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.api.Tuning;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.api.UpdateOutcome;
import io.flotilla.engine.converge.DivergenceMonitor;
import io.flotilla.engine.converge.DriftMonitor;
import io.flotilla.engine.converge.FeatureStatistics;
import io.flotilla.engine.converge.JensenShannon;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.participant.ParticipantRecord;
import io.flotilla.engine.participant.ParticipantState;
import io.flotilla.engine.privacy.PrivateMeanStrategy;
import io.flotilla.engine.privacy.RdpAccountant;
import io.flotilla.engine.round.OrderedFold;
import io.flotilla.engine.round.Round;
import io.flotilla.engine.round.Round.Outcome;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.ModelEvaluator;
import io.flotilla.engine.spi.RoundAggregator;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.spi.SelectionPolicy.Candidate;
import io.flotilla.engine.spi.StoppingRule;
import io.flotilla.engine.spi.UpdateValidator.Rejection;
import io.flotilla.engine.spi.UpdateValidator.UpdateFeatures;
import io.flotilla.engine.store.FederationStore;
import io.flotilla.engine.store.LearningAlarm;
import io.flotilla.engine.store.ParticipantRow;
import io.flotilla.engine.store.Resumption;
import io.flotilla.engine.store.RolledBack;
import io.flotilla.engine.store.RoundCommit;
import io.flotilla.engine.validate.ReferenceDirection;
import io.flotilla.engine.validate.Screening;
import io.flotilla.engine.validate.UpdateFeaturesCalculator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>Screening (ADR 0009): an update that passes the basic checks is RECEIVED and waits in the
 * {@link OrderedFold} until every earlier cohort member is resolved; it is then judged by the
 * {@link Safeguards}' validators against statistics of previously accepted updates, on this thread, and
 * either accepted (and handed to the fold thread) or rejected as suspicious (trust falls; repeat offenders
 * are suspended). Verdicts therefore follow cohort order, not arrival timing. The features the validators
 * use (norm, cosine to the last aggregate step) are computed on the submitting thread.
 *
 * <p>Thread-safety: every public method may be called from any thread and never blocks on the loop.
 */
public final class CoordinatorLoop implements Federation {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorLoop.class);

  /** The current settings; runtime tuning replaces it between rounds (volatile: {@link #config()} reads it). */
  private volatile FederationConfig config;
  private final Clock clock;
  /** Replaced by runtime tuning between rounds; confined to the loop thread (fold work captures it). */
  private AggregationStrategy strategy;
  private final SelectionPolicy selection;
  private final ModelEvaluator evaluator;
  private final Safeguards safeguards;
  private final Screening screening;
  private final RdpAccountant accountant;
  private final SecureRandom nonces = new SecureRandom();

  private final CommandLoop loop;
  private final ExecutorService foldExecutor;
  private final ExecutorService evalExecutor;
  private final ScheduledExecutorService timers;
  private final CountDownLatch terminated = new CountDownLatch(1);

  // --- state owned by the loop thread ---
  private final Map<String, ParticipantRecord> participants = new TreeMap<>();
  private final Map<String, ArrayDeque<CompletableFuture<UpdateOutcome>>> outcomeWaiters = new HashMap<>();
  private FederationState stateField = FederationState.CREATED;
  private Round round;
  private RoundAggregator aggregator;
  private OrderedFold<Received> fold;
  private AtomicReference<RuntimeException> foldError;
  private double roundSamplingRate;
  private ReferenceDirection pendingReference;
  private boolean bootstrapRound;
  private final List<Received> held = new ArrayList<>();
  private long lastRoundId;
  private long committedRounds;
  private int consecutiveAborts;
  private long seq;
  private boolean nextRoundScheduled;
  // durability (see RoundPersistence): a store call in flight holds back rounds, stops and closes
  private final RoundPersistence persistence;
  private final ArrayDeque<PendingRollback> pendingRollbacks = new ArrayDeque<>();
  private Map<String, float[]> committedStrategyState = Map.of();
  private boolean storing;
  private String stopAfterStore;
  private boolean closeAfterStore;

  // learning control (ADR 0015), loop thread only
  private final LearningControl learning;
  private final List<StoppingRule> stoppingRules;
  private final DivergenceMonitor divergence;
  private final DriftMonitor drift;
  private final ArrayDeque<PendingTuning> pendingTunings = new ArrayDeque<>();
  private final ArrayDeque<PendingCalibration> pendingCalibrations = new ArrayDeque<>();
  private final List<DriftMonitor.Observation> roundObservations = new ArrayList<>();
  private final List<Double> roundLocalLosses = new ArrayList<>();
  private double serverLr = 1.0;
  private Double muOverride;
  private double roundServerLr = 1.0;
  private CalibrationRun calibration;
  private long lastCalibrationId;
  private final java.util.Set<String> commandsInFlight = new java.util.HashSet<>();

  private volatile ModelState global;
  /** Direction of the last committed step; read by submitting threads to compute cosines. */
  private volatile ReferenceDirection reference;
  private volatile FederationState publishedState = FederationState.CREATED;

  public CoordinatorLoop(
      FederationConfig config,
      ModelState initialModel,
      AggregationStrategy strategy,
      SelectionPolicy selection,
      ModelEvaluator evaluator,
      Clock clock) {
    this(config, initialModel, strategy, selection, evaluator, clock, null, null);
  }

  /**
   * A coordinator that persists every round in {@code store} and starts from {@code from} (what
   * {@link FederationStore#open} returned: the current version, round ids, participants, strategy state).
   */
  public CoordinatorLoop(
      FederationConfig config,
      ModelState initialModel,
      AggregationStrategy strategy,
      SelectionPolicy selection,
      ModelEvaluator evaluator,
      Clock clock,
      FederationStore store,
      Resumption from) {
    this(config, initialModel, strategy, selection, evaluator, clock, store, from, Safeguards.defaults());
  }

  /**
   * A coordinator with explicit safeguards (update validators, trust policy, central differential privacy);
   * {@code store} and {@code from} may be null.
   *
   * @throws IllegalArgumentException when the strategy cannot work with the configuration (too few
   *     updates per round for it, or central DP around a strategy that is not a mean)
   */
  public CoordinatorLoop(
      FederationConfig config,
      ModelState initialModel,
      AggregationStrategy strategy,
      SelectionPolicy selection,
      ModelEvaluator evaluator,
      Clock clock,
      FederationStore store,
      Resumption from,
      Safeguards safeguards) {
    this(config, initialModel, strategy, selection, evaluator, clock, store, from, safeguards,
        LearningControl.none());
  }

  /**
   * A coordinator with safeguards and learning control (stopping rules, divergence and drift alarms,
   * periodic calibration; ADR 0015); {@code store} and {@code from} may be null.
   */
  public CoordinatorLoop(
      FederationConfig config,
      ModelState initialModel,
      AggregationStrategy strategy,
      SelectionPolicy selection,
      ModelEvaluator evaluator,
      Clock clock,
      FederationStore store,
      Resumption from,
      Safeguards safeguards,
      LearningControl learning) {
    if (config.perRound() < strategy.minimumUpdates()) {
      throw new IllegalArgumentException("strategy '" + strategy.name() + "' " + strategy.parameters()
          + " needs at least " + strategy.minimumUpdates() + " updates per round, but only " + config.perRound()
          + " participants are selected per round");
    }
    this.config = config;
    this.global = initialModel;
    this.safeguards = safeguards;
    this.strategy = safeguards.privacy() == null ? strategy : PrivateMeanStrategy.wrap(strategy, safeguards.privacy());
    this.screening = new Screening(safeguards.validators(), safeguards.normWindow());
    this.accountant = safeguards.privacy() == null ? null : new RdpAccountant();
    this.selection = selection;
    this.evaluator = evaluator == null ? ModelEvaluator.NONE : evaluator;
    this.clock = clock;
    this.learning = learning == null ? LearningControl.none() : learning;
    this.stoppingRules = this.learning.stoppingRules();
    this.divergence = this.learning.divergence() == null ? null : new DivergenceMonitor(this.learning.divergence());
    this.drift = this.learning.drift() == null ? null : new DriftMonitor(this.learning.drift());
    String n = config.name();
    this.foldExecutor = Executors.newSingleThreadExecutor(daemon("flotilla-fold-" + n));
    this.evalExecutor = Executors.newSingleThreadExecutor(daemon("flotilla-eval-" + n));
    this.timers = Executors.newSingleThreadScheduledExecutor(daemon("flotilla-timer-" + n));
    this.persistence = new RoundPersistence(store, n, daemon("flotilla-store-" + n));
    if (from != null) {
      resumeFrom(from);
    }
    this.loop = new CommandLoop(n, "flotilla-coordinator-" + n, e -> fail("internal error: " + e));
    this.loop.start();
  }

  /** Puts back what the store remembered; runs before the loop thread starts. */
  private void resumeFrom(Resumption from) {
    lastRoundId = from.lastRoundId();
    committedRounds = from.committedRounds();
    for (ParticipantRow p : from.participants()) {
      ParticipantInfo info = new ParticipantInfo(p.id(), p.deviceClass(), p.sampleCount(), p.labelHistogram());
      ParticipantRecord r = ParticipantRecord.restored(info, ParticipantState.valueOf(p.state()),
          p.roundsSelected(), p.updatesAccepted(), p.failures());
      r.restoreTrust(p.trust(), p.strikes());
      participants.put(p.id(), r);
    }
    if (screening.active()) {
      // judge the next updates against the same history an uninterrupted coordinator would have
      screening.restoreHistory(from.screeningState());
      ModelState parent = from.parentModel();
      if (parent != null) {
        reference = ReferenceDirection.of(from.model().version(), from.model().copyParameters(), parent);
      }
    }
    committedStrategyState = from.strategyState();
    if (!committedStrategyState.isEmpty()) {
      try {
        strategy.restore(committedStrategyState);
      } catch (RuntimeException e) {
        log.warn("stored state {} does not fit strategy '{}'; it starts fresh", committedStrategyState.keySet(),
            strategy.name(), e);
        committedStrategyState = Map.of();
      }
    }
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
    enqueueUpdate(update, null);
  }

  @Override
  public CompletableFuture<UpdateOutcome> submit(Update update) {
    CompletableFuture<UpdateOutcome> f = new CompletableFuture<>();
    try {
      enqueueUpdate(update, f);
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  private void enqueueUpdate(Update update, CompletableFuture<UpdateOutcome> outcome) {
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
    UpdateFeatures features = early == null && (screening.active() || drift != null)
        ? UpdateFeaturesCalculator.of(update, reference) : null;
    enqueue(() -> {
      if (outcome != null) {
        outcomeWaiters.computeIfAbsent(outcomeKey(update.participantId(), update.roundId()),
            k -> new ArrayDeque<>()).add(outcome);
      }
      onUpdate(update, fEarly, fDetail, features);
    });
  }

  private static String outcomeKey(String participantId, long roundId) {
    return roundId + "/" + participantId;
  }

  /** Completes the oldest outcome future waiting for this participant's update in this round. */
  private void completeOutcome(FederationEvent e) {
    UpdateOutcome o;
    if (e instanceof FederationEvent.UpdateAccepted a) {
      o = UpdateOutcome.accepted(a.participantId(), a.roundId());
    } else if (e instanceof FederationEvent.UpdateRejected r) {
      o = UpdateOutcome.rejected(r.participantId(), r.roundId(), r.reason(), r.detail());
    } else {
      return;
    }
    String key = outcomeKey(o.participantId(), o.roundId());
    ArrayDeque<CompletableFuture<UpdateOutcome>> waiting = outcomeWaiters.get(key);
    if (waiting != null) {
      CompletableFuture<UpdateOutcome> f = waiting.poll();
      if (waiting.isEmpty()) {
        outcomeWaiters.remove(key);
      }
      if (f != null) {
        f.complete(o);
      }
    }
  }

  @Override
  public void reportFailure(String participantId, long roundId, String reason) {
    enqueue(() -> onFailure(participantId, roundId, reason));
  }

  @Override
  public void reportHealth(String participantId, Health health) {
    reportHeartbeat(participantId, health, 0, "idle");
  }

  /**
   * Records the health and publishes a ParticipantHeartbeat: one queued command and one event per report (a
   * thousand participants a second cost the loop about a millisecond; see docs/RESULTS.md). Telemetry only:
   * no store, no audit, no model change.
   */
  @Override
  public void reportHeartbeat(String participantId, Health health, long roundId, String phase) {
    java.util.Objects.requireNonNull(health, "health");
    String what = phase == null || phase.isBlank() ? "idle" : phase;
    enqueue(() -> {
      ParticipantRecord p = participants.get(participantId);
      if (p != null) {
        p.health(health);
        emit(new FederationEvent.ParticipantHeartbeat(nextSeq(), now(), participantId, health,
            Math.max(0, roundId), what));
      }
    });
  }

  /** Publishes an UpdatePhases for a known participant; telemetry only (no store, no audit, no model change). */
  @Override
  public void reportPhases(String participantId, long roundId, io.flotilla.engine.api.PhaseTimings timings) {
    java.util.Objects.requireNonNull(timings, "timings");
    enqueue(() -> {
      if (participants.containsKey(participantId)) {
        emit(new FederationEvent.UpdatePhases(nextSeq(), now(), roundId, participantId, timings));
      } else {
        log.debug("phase timings from unknown participant {} dropped", participantId);
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
    if (loop.isClosed()) {
      return;
    }
    try {
      enqueue(() -> {
        if (!stateField.isTerminal()) {
          onStop("federation closed");
        }
        if (storing) {
          closeAfterStore = true; // a commit is being written: let it land, then close
        } else {
          loop.markClosed();
        }
      });
      loop.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RejectedExecutionException e) {
      log.debug("close: loop already gone");
    } finally {
      loop.halt();
      persistence.close();
      foldExecutor.shutdownNow();
      evalExecutor.shutdownNow();
      timers.shutdownNow();
    }
  }

  private void enqueue(Runnable command) {
    loop.enqueue(command);
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

  private void emit(FederationEvent e) {
    completeOutcome(e);
    loop.publish(e);
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
    persistence.stateChanged(from.name(), to.name(), reason, now());
    if (to.isTerminal()) {
      failCalibrations("federation '" + config.name() + "' ended (" + to + "): " + reason);
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
    if (storing) {
      stopAfterStore = reason; // the round's commit decides what is current; stop right after it
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
    persistence.joined(r, now());
    emit(new FederationEvent.ParticipantJoined(nextSeq(), now(), info.id(), info.deviceClass(), info.sampleCount()));
    if (stateField == FederationState.RUNNING && (round == null || round.phase().isTerminal())) {
      maybeStartRound();
    }
  }

  private boolean roundActive() {
    return round != null && !round.phase().isTerminal();
  }

  private void maybeStartRound() {
    if (storing || stopAfterStore != null || drainRollback()) {
      return; // the store call's completion calls us again
    }
    if (calibration != null || drainCalibration()) {
      return; // the calibration's end calls us again
    }
    if (stateField != FederationState.RUNNING || roundActive() || nextRoundScheduled) {
      return;
    }
    if (committedRounds >= config.rounds()) {
      setState(FederationState.FINISHED, "completed " + committedRounds + " rounds");
      return;
    }
    applyPendingTunings();
    List<Candidate> candidates = new ArrayList<>();
    for (ParticipantRecord p : participants.values()) {
      if (p.state().isSelectable() && p.connected()) {
        candidates.add(p.candidate());
      }
    }
    if (candidates.size() < config.minUpdates()) {
      long barred = participants.values().stream().filter(p -> p.state() == ParticipantState.SUSPENDED
          || p.state() == ParticipantState.REVOKED).count();
      if (barred > 0 && barred == participants.size()) {
        fail("no participant can be selected: all " + barred + " are suspended or revoked");
        return;
      }
      log.debug("waiting for participants: {} available, quorum {}", candidates.size(), config.minUpdates());
      return; // a join will call us again
    }
    if (accountant != null && Double.isFinite(safeguards.privacy().budget())) {
      var dp = safeguards.privacy();
      double q = (double) Math.min(config.perRound(), candidates.size()) / candidates.size();
      double next = accountant.epsilonAfter(q, dp.noiseMultiplier(), dp.delta());
      if (next > dp.budget()) {
        setState(FederationState.FINISHED, String.format(java.util.Locale.ROOT,
            "privacy budget spent: another round would reach epsilon %.3f > budget %.3f (delta %.1e) after %d "
                + "rounds", next, dp.budget(), dp.delta(), committedRounds));
        return;
      }
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
    roundSamplingRate = (double) chosen.size() / candidates.size();
    aggregator = strategy.begin(base);
    roundServerLr = serverLr;
    roundObservations.clear();
    roundLocalLosses.clear();
    foldError = new AtomicReference<>();
    pendingReference = null;
    bootstrapRound = screening.needsBootstrap();
    held.clear();
    fold = new OrderedFold<>(chosen.size(), rcv -> {
      if (bootstrapRound) {
        held.add(rcv); // judged together once every member has answered (see Screening)
      } else {
        screen(r, rcv);
      }
    });
    emit(new FederationEvent.RoundStarted(nextSeq(), now(), id, base.version(), chosen, r.deadline()));
    phase(r, RoundPhase.BROADCAST);
    Map<String, Double> instructions = strategy.trainingConfig();
    if (muOverride != null) {
      instructions = new HashMap<>(instructions);
      instructions.put("mu", muOverride);
    }
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
      if (p == null || !p.state().isSelectable() || !p.connected()) {
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
    loop.offer(c);
  }

  private void reject(Update u, RejectReason reason, String detail) {
    log.info("rejected update from {} for round {}: {} ({})", u.participantId(), u.roundId(), reason, detail);
    persistence.updateReceived(u, false, reason, detail, now());
    emit(new FederationEvent.UpdateRejected(nextSeq(), now(), u.roundId(), u.participantId(), reason, detail));
  }

  /** An update that passed the basic checks, waiting to be screened in cohort order. */
  private record Received(Update update, UpdateFeatures features) {}

  private void onUpdate(Update u, RejectReason early, String earlyDetail, UpdateFeatures features) {
    String pid = u.participantId();
    ParticipantRecord p = participants.get(pid);
    if (p == null) {
      reject(u, RejectReason.UNKNOWN_PARTICIPANT, "no participant '" + pid + "' has joined");
      return;
    }
    if (p.state() == ParticipantState.SUSPENDED || p.state() == ParticipantState.REVOKED) {
      reject(u, RejectReason.NOT_SELECTED, pid + " is " + p.state().name().toLowerCase(java.util.Locale.ROOT)
          + "; its updates are refused");
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
    r.resolve(pid, Outcome.RECEIVED);
    fold.offer(r.indexOf(pid), new Received(u, features));
    screenHeld(r);
    if (r.phase() == RoundPhase.COLLECTING && r.allResolved()) {
      closeCollection();
    }
  }

  /** In a bootstrap round, judges the held updates together once no member is still expected. */
  private void screenHeld(Round r) {
    if (!bootstrapRound || held.isEmpty() || r.count(Outcome.PENDING) > 0) {
      return;
    }
    List<Received> batch = new ArrayList<>(held);
    held.clear();
    screening.bootstrap(batch.stream().map(Received::features).toList());
    try {
      for (Received rcv : batch) {
        screen(r, rcv);
      }
    } finally {
      screening.endBootstrap();
    }
  }

  /** Judges a received update once every earlier cohort member is resolved (coordinator thread). */
  private void screen(Round r, Received rcv) {
    Update u = rcv.update();
    String pid = u.participantId();
    ParticipantRecord p = participants.get(pid);
    Optional<Rejection> verdict = screening.check(rcv.features());
    if (rcv.features() != null && log.isDebugEnabled()) {
      log.debug("screened {} in round {}: norm {} cosine {} -> {}", pid, r.id(), rcv.features().norm(),
          rcv.features().cosineToReference(), verdict.map(v -> v.reason().name()).orElse("accepted"));
    }
    if (verdict.isPresent()) {
      r.resolve(pid, Outcome.REJECTED);
      reject(u, verdict.get().reason(), verdict.get().detail());
      penalise(p, verdict.get().reason(), verdict.get().detail());
      return;
    }
    r.resolve(pid, Outcome.ACCEPTED);
    p.accepted(u.metrics().getOrDefault("train_loss", Double.NaN), safeguards.trust());
    double localLoss = u.metrics().getOrDefault("train_loss", Double.NaN);
    roundLocalLosses.add(localLoss);
    if (drift != null) {
      roundObservations.add(new DriftMonitor.Observation(pid, u.provenance().labelHistogram(), localLoss,
          rcv.features() == null ? Double.NaN : rcv.features().norm(),
          rcv.features() == null ? Double.NaN : rcv.features().cosineToReference()));
    }
    screening.accepted(rcv.features());
    persistence.updateReceived(u, true, null, null, now());
    RoundAggregator agg = aggregator;
    AtomicReference<RuntimeException> error = foldError;
    double trust = p.trust();
    foldExecutor.execute(() -> {
      try {
        agg.accept(u, trust);
      } catch (RuntimeException e) {
        error.compareAndSet(null, e);
      }
    });
    emit(new FederationEvent.UpdateAccepted(nextSeq(), now(), r.id(), pid, u.sampleCount(), u.isPartial(),
        u.provenance().trainingMillis(), u.metrics()));
  }

  /** A suspicious update lowers its sender's trust; repeat offenders are suspended. */
  private void penalise(ParticipantRecord p, RejectReason reason, String detail) {
    if (!p.suspicious(safeguards.trust()) || p.state() == ParticipantState.SUSPENDED
        || !p.state().next().contains(ParticipantState.SUSPENDED)) {
      return;
    }
    p.moveTo(ParticipantState.SUSPENDED);
    String why = p.strikes() + " updates rejected as suspicious (last: " + reason + ", " + detail + ")";
    log.warn("suspended participant {}: {}", p.id(), why);
    emit(new FederationEvent.ParticipantSuspended(nextSeq(), now(), p.id(), p.strikes(), p.trust(), why));
  }

  private void resolveRejected(Round r, ParticipantRecord p, Update u, RejectReason reason, String detail) {
    r.resolve(p.id(), Outcome.REJECTED);
    reject(u, reason, detail);
    if (reason.isSuspicious()) {
      penalise(p, reason, detail);
    } else {
      p.failed();
    }
    fold.skip(r.indexOf(p.id()));
    screenHeld(r);
    if (r.phase() == RoundPhase.COLLECTING && r.allResolved()) {
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
    screenHeld(r);
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
    fold.drain(); // screens whatever still waited behind a member that never answered
    screenHeld(r);
    if (r.phase() != RoundPhase.COLLECTING) {
      return;
    }
    if (!r.quorumMet()) {
      abortRound("quorum not met: " + r.count(Outcome.ACCEPTED) + " accepted update(s), " + r.quorum()
          + " required", true);
      return;
    }
    phase(r, RoundPhase.AGGREGATING);
    RoundAggregator agg = aggregator;
    AtomicReference<RuntimeException> error = foldError;
    ModelState base = global;
    boolean wantReference = screening.active() || drift != null;
    long id = r.id();
    double slr = roundServerLr;
    CompletableFuture.supplyAsync(() -> {
      try {
        if (error.get() != null) {
          throw error.get();
        }
        Optional<float[]> res = agg.aggregate();
        if (slr != 1.0 && res.isPresent()) {
          res = Optional.of(scaleStep(base, res.get(), slr)); // server learning rate (tuning, divergence reaction)
        }
        ReferenceDirection ref = wantReference && res.isPresent()
            ? ReferenceDirection.of(base.version() + 1, res.get(), base) : null;
        return new Aggregated(res, ref);
      } finally {
        agg.close();
      }
    }, foldExecutor).whenComplete((res, err) -> safeEnqueue(() -> onAggregated(id, res, err)));
  }

  /** {@code base + lr * (aggregate - base)}: the server learning rate applied to the round's step. */
  private static float[] scaleStep(ModelState base, float[] aggregate, double lr) {
    float[] out = new float[aggregate.length];
    for (int i = 0; i < out.length; i++) {
      float b = base.get(i);
      out[i] = (float) (b + lr * (aggregate[i] - b));
    }
    return out;
  }

  /** The fold thread's answer: the new parameters (if any) and the step's direction for screening. */
  private record Aggregated(Optional<float[]> params, ReferenceDirection reference) {}

  private void onAggregated(long roundId, Aggregated aggregated, Throwable err) {
    Round r = round;
    if (r == null || r.id() != roundId || r.phase() != RoundPhase.AGGREGATING) {
      return;
    }
    if (err != null) {
      Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      log.warn("aggregation failed in round {}", roundId, cause);
      abortRound("aggregation failed: " + cause.getMessage(), true);
      return;
    }
    Optional<float[]> result = aggregated.params();
    pendingReference = aggregated.reference();
    ModelState base = global;
    ModelState candidate = result.map(p -> ModelState.adopt(base.layout(), p, base.version() + 1)).orElse(base);
    if (!candidate.isFinite()) {
      if (divergence != null) {
        divergenceAlarm(r.id(), divergence.nonFinite("the aggregate of round " + r.id() + " is not finite"));
      }
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
    Map<String, Double> measured = metrics == null ? Map.of() : Map.copyOf(metrics);
    if (accountant != null) {
      // accounted when the noised model exists, before it can be committed: a round that then fails to
      // commit is over-counted, never under-counted
      var dp = safeguards.privacy();
      accountant.compose(roundSamplingRate, dp.noiseMultiplier(), 1);
      Map<String, Double> withDp = new java.util.LinkedHashMap<>(measured);
      withDp.put("dp_epsilon", accountant.epsilon(dp.delta()));
      withDp.put("dp_delta", dp.delta());
      measured = Map.copyOf(withDp);
    }
    Map<String, Double> m = measured;
    Map<String, float[]> stateAfter = strategy.state(); // aggregation is done: the fold thread is idle
    if (!persistence.enabled()) {
      commit(r, candidate, m, stateAfter);
      return;
    }
    // The commit is durable before it is announced: blob + one transaction on the store thread, then back here.
    storing = true;
    RoundCommit rc = new RoundCommit(persistence.record(r, participants, now()), candidate, m, stateAfter,
        screening.active() ? screening.history() : Map.of());
    persistence.commit(rc).whenComplete((v, e) -> safeEnqueue(() -> onStored(roundId, candidate, m, stateAfter, e)));
  }

  private void onStored(long roundId, ModelState candidate, Map<String, Double> metrics,
      Map<String, float[]> stateAfter, Throwable err) {
    storing = false;
    Round r = round;
    if (r == null || r.id() != roundId || r.phase() != RoundPhase.EVALUATING) {
      log.warn("round {} finished storing after it left EVALUATING; the store decides what is current", roundId);
    } else if (err != null) {
      Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      log.warn("round {} could not be stored", roundId, cause);
      abortRound("store failed: " + cause.getMessage() + "; version " + global.version() + " stays current", true);
    } else {
      commit(r, candidate, metrics, stateAfter);
    }
    afterStore();
  }

  /** A store call finished: carry out a stop or close that waited for it, else go on with the schedule. */
  private void afterStore() {
    if (stopAfterStore != null) {
      String reason = stopAfterStore;
      stopAfterStore = null;
      onStop(reason);
    }
    if (closeAfterStore) {
      loop.markClosed();
      return;
    }
    maybeStartRound();
  }

  private void commit(Round r, ModelState candidate, Map<String, Double> metrics, Map<String, float[]> stateAfter) {
    phase(r, RoundPhase.COMMITTED);
    global = candidate;
    if (pendingReference != null && pendingReference.version() == candidate.version()) {
      reference = pendingReference;
    }
    pendingReference = null;
    committedRounds++;
    consecutiveAborts = 0;
    committedStrategyState = stateAfter;
    long ms = Duration.between(r.startedAt(), now()).toMillis();
    emit(new FederationEvent.RoundCommitted(nextSeq(), now(), r.id(), candidate.version(), candidate.sha256(),
        r.count(Outcome.ACCEPTED), r.cohort().size(), metrics, ms));
    if (afterCommit(r, metrics)) {
      return; // a stopping rule finished the federation
    }
    scheduleNextRound(config.roundInterval());
  }

  // ------------------------------------------------------------------ learning control (ADR 0015)

  /**
   * After a commit: drift indicators and alarms, the divergence alarm (and its reaction, from the next
   * round), stopping rules, periodic calibration. Returns true when a stopping rule finished the federation.
   */
  private boolean afterCommit(Round r, Map<String, Double> metrics) {
    if (drift != null && !roundObservations.isEmpty()) {
      DriftMonitor.Result res = drift.observe(federationHistogram(), List.copyOf(roundObservations));
      emit(new FederationEvent.DriftIndicators(nextSeq(), now(), r.id(), res.indicators(), res.federationJs()));
      for (DriftMonitor.Alarm a : res.alarms()) {
        log.info("drift alarm in round {} ({}): {}", r.id(), a.participantId() == null ? "federation"
            : a.participantId(), a.detail());
        emit(new FederationEvent.DriftAlarm(nextSeq(), now(), r.id(), a.participantId(), a.indicator(), a.value(),
            a.threshold(), a.detail()));
        persistence.alarm(new LearningAlarm(r.id(), "DRIFT", a.participantId(), a.indicator(), a.detail(),
            Map.of("value", a.value(), "threshold", a.threshold()), null), now());
      }
    }
    roundObservations.clear();
    if (divergence != null) {
      Optional<DivergenceMonitor.Alarm> alarm = divergence.observe(metrics, List.copyOf(roundLocalLosses));
      alarm.ifPresent(a -> divergenceAlarm(r.id(), a));
    }
    roundLocalLosses.clear();
    for (StoppingRule rule : stoppingRules) {
      Optional<String> why;
      try {
        why = rule.check(committedRounds, metrics);
      } catch (RuntimeException e) {
        log.warn("stopping rule '{}' failed; it is ignored this round", rule.name(), e);
        continue;
      }
      if (why.isPresent()) {
        String reason = "stopping rule " + rule.name() + ": " + why.get();
        log.info("round {}: {}", r.id(), reason);
        emit(new FederationEvent.StoppingRuleFired(nextSeq(), now(), r.id(), rule.name(), why.get()));
        persistence.alarm(new LearningAlarm(r.id(), "STOP", null, rule.name(), why.get(), metrics, null), now());
        setState(FederationState.FINISHED, reason);
        return true;
      }
    }
    if (learning.calibrateEvery() > 0 && committedRounds % learning.calibrateEvery() == 0
        && committedRounds < config.rounds()) {
      pendingCalibrations.add(new PendingCalibration("coordinator",
          "scheduled every " + learning.calibrateEvery() + " rounds", new CompletableFuture<>()));
    }
    return false;
  }

  /** The federation's label distribution: the sum of what participants declared when they joined. */
  private long[] federationHistogram() {
    long[] sum = new long[0];
    for (ParticipantRecord p : participants.values()) {
      long[] h = p.info().labelHistogram();
      if (h.length > sum.length) {
        sum = java.util.Arrays.copyOf(sum, h.length);
      }
      for (int i = 0; i < h.length; i++) {
        sum[i] += h[i];
      }
    }
    return sum;
  }

  /** Emits, persists and (when configured) reacts to a divergence alarm: the reaction applies next round. */
  private void divergenceAlarm(long roundId, DivergenceMonitor.Alarm a) {
    Map<String, Double> react = divergence.config().reactions();
    String reaction = "none";
    if (!react.isEmpty()) {
      Tuning t = Tuning.none();
      List<String> parts = new ArrayList<>();
      if (react.containsKey("server-lr")) {
        t = t.withServerLearningRate(serverLrAfterPending() * react.get("server-lr"));
        parts.add("server learning rate x" + react.get("server-lr"));
      }
      if (react.containsKey("lr")) {
        t = t.withLearningRate((float) (learningRateAfterPending() * react.get("lr")));
        parts.add("local learning rate x" + react.get("lr"));
      }
      if (react.containsKey("mu")) {
        t = t.withMu(react.get("mu"));
        parts.add("proximal mu = " + react.get("mu"));
      }
      reaction = String.join(", ", parts) + " from round " + (lastRoundId + 1);
      acceptTuning(new PendingTuning(t, "divergence-alarm", "automatic reaction to " + a.kind() + ": " + a.detail(),
          new CompletableFuture<>()));
    }
    log.warn("divergence alarm after round {}: {} ({}); reaction: {}", roundId, a.kind(), a.detail(), reaction);
    emit(new FederationEvent.DivergenceAlarm(nextSeq(), now(), roundId, a.kind(), a.detail(), a.values(), reaction));
    persistence.alarm(new LearningAlarm(roundId, "DIVERGENCE", null, a.kind(), a.detail(), a.values(), reaction),
        now());
  }

  private double serverLrAfterPending() {
    double v = serverLr;
    for (PendingTuning p : pendingTunings) {
      if (p.tuning().serverLearningRate() != null) {
        v = p.tuning().serverLearningRate();
      }
    }
    return v;
  }

  private float learningRateAfterPending() {
    float v = config.learningRate();
    for (PendingTuning p : pendingTunings) {
      if (p.tuning().learningRate() != null) {
        v = p.tuning().learningRate();
      }
    }
    return v;
  }

  private record PendingTuning(Tuning tuning, String actor, String reason, CompletableFuture<Long> done) {}

  @Override
  public CompletableFuture<Long> tune(Tuning tuning, String actor, String reason) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    try {
      java.util.Objects.requireNonNull(tuning, "tuning");
      enqueue(() -> onTune(new PendingTuning(tuning, actor, reason, f)));
    } catch (RuntimeException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  private void onTune(PendingTuning p) {
    String problem = null;
    if (stateField.isTerminal()) {
      problem = "federation '" + config.name() + "' has ended (" + stateField + ")";
    } else if (p.tuning().isEmpty()) {
      problem = "a tuning request must change at least one setting";
    } else if (p.actor() == null || p.actor().isBlank() || p.reason() == null || p.reason().isBlank()) {
      problem = "a tuning request needs an actor and a reason";
    } else {
      try {
        tuned(config, p.tuning(), true);
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
    }
    if (problem != null) {
      log.warn("refused tuning by {}: {}", p.actor(), problem);
      p.done().completeExceptionally(new IllegalArgumentException(problem));
      return;
    }
    acceptTuning(p);
  }

  /**
   * Records an accepted tuning: audited and announced now, applied when the next round starts (never the
   * round in progress). The future completes with that round's id.
   */
  private void acceptTuning(PendingTuning p) {
    long from = lastRoundId + 1;
    Map<String, String> newValues = p.tuning().asMap();
    Map<String, String> current = currentSettings();
    Map<String, String> old = new TreeMap<>();
    for (String k : newValues.keySet()) {
      old.put(k, current.get(k));
    }
    pendingTunings.add(p);
    persistence.tuned(old, newValues, from, p.actor(), p.reason(), now());
    emit(new FederationEvent.ConfigChanged(nextSeq(), now(), from, old, newValues, p.actor(), p.reason()));
    log.info("tuning by {} applies from round {}: {} -> {} ({})", p.actor(), from, old, newValues, p.reason());
    p.done().complete(from);
  }

  /** The tunable settings now in force, by {@link Tuning#asMap()} key. */
  private Map<String, String> currentSettings() {
    Map<String, String> m = new TreeMap<>();
    m.put("strategy", Tuning.describe(strategy));
    m.put("per_round", Integer.toString(config.perRound()));
    m.put("deadline_ms", Long.toString(config.roundDeadline().toMillis()));
    m.put("learning_rate", Float.toString(config.learningRate()));
    m.put("server_lr", Double.toString(serverLr));
    m.put("local_epochs", Integer.toString(config.localEpochs()));
    m.put("mu", muOverride == null ? Double.toString(strategy.trainingConfig().getOrDefault("mu", 0.0))
        : muOverride.toString());
    return m;
  }

  /** The configuration after {@code t}; checks it (and the strategy's needs) without side effects. */
  private FederationConfig tuned(FederationConfig c, Tuning t, boolean check) {
    FederationConfig.Builder b = c.toBuilder();
    if (t.perRound() != null) {
      b.perRound(t.perRound());
    }
    if (t.deadline() != null) {
      b.roundDeadline(t.deadline());
    }
    if (t.learningRate() != null) {
      b.learningRate(t.learningRate());
    }
    if (t.localEpochs() != null) {
      b.localEpochs(t.localEpochs());
    }
    FederationConfig next = b.build(); // throws IllegalArgumentException naming the bad value
    AggregationStrategy s = t.strategy() != null ? t.strategy() : strategy;
    if (check && next.perRound() < s.minimumUpdates()) {
      throw new IllegalArgumentException("strategy '" + s.name() + "' needs at least " + s.minimumUpdates()
          + " updates per round, but only " + next.perRound() + " participants would be selected per round");
    }
    if (check && t.strategy() != null && safeguards.privacy() != null) {
      PrivateMeanStrategy.wrap(t.strategy(), safeguards.privacy()); // throws for a non-mean strategy
    }
    return next;
  }

  /** Applies the accepted tunings, in order, as the next round starts. */
  private void applyPendingTunings() {
    while (!pendingTunings.isEmpty()) {
      PendingTuning p = pendingTunings.poll();
      Tuning t = p.tuning();
      try {
        config = tuned(config, t, false);
      } catch (IllegalArgumentException e) {
        log.warn("tuning by {} could not be applied: {}", p.actor(), e.getMessage());
        continue;
      }
      if (t.strategy() != null) {
        strategy = safeguards.privacy() == null ? t.strategy()
            : PrivateMeanStrategy.wrap(t.strategy(), safeguards.privacy());
        committedStrategyState = strategy.state(); // a new strategy starts with fresh server state
      }
      if (t.serverLearningRate() != null) {
        serverLr = t.serverLearningRate();
      }
      if (t.mu() != null) {
        muOverride = t.mu();
      }
    }
  }

  /** For tests: the server learning rate and the proximal override now in force. */
  double serverLearningRate() {
    return serverLr;
  }

  // ------------------------------------------------------------------ operator commands on participants

  @Override
  public CompletableFuture<Void> suspend(String participantId, String actor, String reason) {
    return participantCommand(participantId, ParticipantState.SUSPENDED, "suspended", actor, reason);
  }

  @Override
  public CompletableFuture<Void> reinstate(String participantId, String actor, String reason) {
    return participantCommand(participantId, ParticipantState.ACTIVE, "reinstated", actor, reason);
  }

  @Override
  public CompletableFuture<Void> revoke(String participantId, String actor, String reason) {
    return participantCommand(participantId, ParticipantState.REVOKED, "revoked", actor, reason);
  }

  /** Consent withdrawal revokes the participant for good (ADR 0015), audited with itself as the actor. */
  @Override
  public CompletableFuture<Void> withdrawConsent(String participantId, String reason) {
    return participantCommand(participantId, ParticipantState.REVOKED, "consent_withdrawn", participantId, reason);
  }

  private CompletableFuture<Void> participantCommand(String pid, ParticipantState to, String action, String actor,
      String reason) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    try {
      enqueue(() -> onParticipantCommand(pid, to, action, actor, reason, f));
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  private void onParticipantCommand(String pid, ParticipantState to, String action, String actor, String reason,
      CompletableFuture<Void> done) {
    String problem = participantCommandProblem(pid, to, actor, reason);
    if (problem == null && commandsInFlight.contains(pid)) {
      problem = "another operator command on " + pid + " is still being stored; retry";
    }
    if (problem != null) {
      log.warn("refused {} by {}: {}", action, actor, problem);
      done.completeExceptionally(new IllegalStateException(problem));
      return;
    }
    ParticipantRecord p = participants.get(pid);
    ParticipantState from = p.state();
    if (!persistence.enabled()) {
      applyParticipantCommand(p, from, to, action, actor, reason, done);
      return;
    }
    // durable first (participant row + audit entry in one transaction), then applied: a failed write changes nothing
    commandsInFlight.add(pid);
    ParticipantRow row = RoundPersistence.row(p);
    ParticipantRow changed = new ParticipantRow(row.id(), row.deviceClass(), row.sampleCount(), row.labelHistogram(),
        to.name(), row.roundsSelected(), row.updatesAccepted(), row.failures(), row.trust(), row.strikes());
    persistence.participantStateChanged(changed, action, from.name(), actor, reason, now())
        .whenComplete((v, e) -> safeEnqueue(() -> {
          commandsInFlight.remove(pid);
          if (e != null) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            log.warn("could not store {} of {}; nothing changed", action, pid, cause);
            done.completeExceptionally(cause);
            return;
          }
          if (p.state() != from) { // only the trust policy can move it meanwhile (to SUSPENDED)
            log.warn("{} of {} stored, but it moved from {} to {} meanwhile", action, pid, from, p.state());
          }
          if (p.state() == to || !p.state().next().contains(to)) {
            done.complete(null);
            return;
          }
          applyParticipantCommand(p, p.state(), to, action, actor, reason, done);
        }));
  }

  /** Null when the command is legal, else what is wrong (nothing changes then). */
  private String participantCommandProblem(String pid, ParticipantState to, String actor, String reason) {
    ParticipantRecord p = pid == null ? null : participants.get(pid);
    if (p == null) {
      return "no participant '" + pid + "' in federation '" + config.name() + "'";
    }
    if (actor == null || actor.isBlank() || reason == null || reason.isBlank()) {
      return "an operator command on " + pid + " needs an actor and a reason";
    }
    if (to == ParticipantState.ACTIVE && p.state() != ParticipantState.SUSPENDED) {
      return "cannot reinstate " + pid + ": it is " + p.state() + ", not SUSPENDED";
    }
    if (p.state() == to || !p.state().next().contains(to)) {
      return "cannot move " + pid + " from " + p.state() + " to " + to
          + (p.state() == to ? " (it already is)" : " (not a legal transition)");
    }
    return null;
  }

  private void applyParticipantCommand(ParticipantRecord p, ParticipantState from, ParticipantState to, String action,
      String actor, String reason, CompletableFuture<Void> done) {
    String pid = p.id();
    p.moveTo(to);
    if (to == ParticipantState.SUSPENDED) {
      emit(new FederationEvent.ParticipantSuspended(nextSeq(), now(), pid, p.strikes(), p.trust(),
          action + " by " + actor + ": " + reason));
    }
    emit(new FederationEvent.ParticipantStateChanged(nextSeq(), now(), pid, from.name(), to.name(), action, actor,
        reason));
    log.info("participant {} {} by {}: {}", pid, action, actor, reason);
    Round r = round;
    if (to != ParticipantState.ACTIVE && r != null && r.phase() == RoundPhase.COLLECTING && r.isSelected(pid)
        && r.outcome(pid) == Outcome.PENDING) {
      p.link().cancel(r.id()); // its in-flight update is refused; the round does not wait for it
      resolveFailure(r, pid, Outcome.FAILED, action + " by " + actor + ": " + reason);
      if (r.phase() == RoundPhase.COLLECTING && r.allResolved()) {
        closeCollection();
      }
    }
    done.complete(null);
    if (to == ParticipantState.ACTIVE && stateField == FederationState.RUNNING) {
      maybeStartRound();
    }
  }

  // ------------------------------------------------------------------ calibration rounds

  private record PendingCalibration(String actor, String reason, CompletableFuture<Calibration> done) {}

  /** A calibration in progress: who was asked, who answered. Loop thread only. */
  private static final class CalibrationRun {
    final long id;
    final long modelVersion;
    final PendingCalibration request;
    final Map<String, Long> nonces = new TreeMap<>();
    final Map<String, CalibrationReport> reports = new TreeMap<>();
    final List<String> unsupported = new ArrayList<>();

    CalibrationRun(long id, long modelVersion, PendingCalibration request) {
      this.id = id;
      this.modelVersion = modelVersion;
      this.request = request;
    }
  }

  @Override
  public CompletableFuture<Calibration> calibrate(String actor, String reason) {
    CompletableFuture<Calibration> f = new CompletableFuture<>();
    try {
      enqueue(() -> {
        if (stateField.isTerminal()) {
          f.completeExceptionally(new IllegalStateException("federation '" + config.name() + "' has ended"));
          return;
        }
        if (actor == null || actor.isBlank() || reason == null || reason.isBlank()) {
          f.completeExceptionally(new IllegalArgumentException("a calibration needs an actor and a reason"));
          return;
        }
        pendingCalibrations.add(new PendingCalibration(actor, reason, f));
        if (!roundActive() && !storing && calibration == null) {
          drainCalibration();
        }
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  /** A federation that ends answers every waiting calibration request with a failure. */
  private void failCalibrations(String why) {
    if (calibration != null) {
      calibration.request.done().completeExceptionally(new IllegalStateException(why));
      calibration = null;
    }
    while (!pendingCalibrations.isEmpty()) {
      pendingCalibrations.poll().done().completeExceptionally(new IllegalStateException(why));
    }
  }

  @Override
  public void submitCalibration(CalibrationReport report) {
    java.util.Objects.requireNonNull(report, "report");
    enqueue(() -> onCalibrationReport(report));
  }

  /** Starts the oldest pending calibration when no round or store call is in flight; true if it started. */
  private boolean drainCalibration() {
    if (pendingCalibrations.isEmpty() || storing || roundActive() || calibration != null
        || stateField.isTerminal()) {
      return false;
    }
    PendingCalibration req = pendingCalibrations.poll();
    ModelState model = global;
    CalibrationRun run = new CalibrationRun(++lastCalibrationId, model.version(), req);
    calibration = run;
    Instant deadline = now().plus(config.roundDeadline());
    for (ParticipantRecord p : participants.values()) {
      if (!p.state().isSelectable() || !p.connected()) {
        continue;
      }
      long nonce = nonces.nextLong();
      boolean supported;
      try {
        supported = p.link().calibrate(new CalibrationTask(run.id, model, deadline, nonce));
      } catch (RuntimeException e) {
        log.warn("could not ask {} to calibrate", p.id(), e);
        supported = false;
      }
      if (supported) {
        run.nonces.put(p.id(), nonce);
      } else {
        run.unsupported.add(p.id());
      }
    }
    log.info("calibration {} on model version {}: {} participant(s) asked, {} unsupported", run.id,
        run.modelVersion, run.nonces.size(), run.unsupported.size());
    long id = run.id;
    timers.schedule(() -> safeEnqueue(() -> finishCalibration(id)),
        Math.max(0, config.roundDeadline().toMillis()), TimeUnit.MILLISECONDS);
    if (run.nonces.isEmpty()) {
      finishCalibration(id);
    }
    return true;
  }

  private void onCalibrationReport(CalibrationReport rep) {
    CalibrationRun run = calibration;
    if (run == null || rep.calibrationId() != run.id) {
      log.debug("ignored calibration report of {} for calibration {}", rep.participantId(), rep.calibrationId());
      return;
    }
    Long nonce = run.nonces.get(rep.participantId());
    if (nonce == null || nonce != rep.nonce() || run.reports.containsKey(rep.participantId())) {
      log.warn("ignored calibration report of {}: not asked, wrong nonce or duplicate", rep.participantId());
      return;
    }
    run.reports.put(rep.participantId(), rep);
    if (run.reports.size() == run.nonces.size()) {
      finishCalibration(run.id);
    }
  }

  /** Combines the reports (in participant-id order, so the result is deterministic), publishes and stores it. */
  private void finishCalibration(long id) {
    CalibrationRun run = calibration;
    if (run == null || run.id != id) {
      return;
    }
    calibration = null;
    FeatureStatistics stats = new FeatureStatistics();
    Map<String, Map<String, Double>> evaluation = new TreeMap<>();
    long[] fed = federationHistogram();
    Map<String, Double> js = new TreeMap<>();
    List<String> answered = new ArrayList<>();
    for (CalibrationReport rep : run.reports.values()) {
      try {
        stats.add(rep.samples(), rep.featureMean(), rep.featureM2());
      } catch (IllegalArgumentException e) {
        log.warn("calibration report of {} dropped: {}", rep.participantId(), e.getMessage());
        continue;
      }
      answered.add(rep.participantId());
      evaluation.put(rep.participantId(), Map.of("loss", rep.loss(), "accuracy", rep.accuracy(),
          "samples", (double) rep.samples()));
      double d = JensenShannon.divergence(rep.labelHistogram(), fed);
      js.put(rep.participantId(), Double.isFinite(d) ? d : 0.0);
    }
    // reweighting: 1 - JS to the federation, rescaled so that the sample-weighted mean is 1
    double num = 0;
    double den = 0;
    for (String pid : answered) {
      double n = run.reports.get(pid).samples();
      num += n;
      den += n * (1 - js.get(pid));
    }
    Map<String, Double> reweighting = new TreeMap<>();
    for (String pid : answered) {
      reweighting.put(pid, den > 0 ? (1 - js.get(pid)) * num / den : 1.0);
    }
    List<String> silent = new ArrayList<>();
    for (String pid : run.nonces.keySet()) {
      if (!run.reports.containsKey(pid)) {
        silent.add(pid);
      }
    }
    if (!silent.isEmpty()) {
      log.info("calibration {}: no answer from {} before the deadline", run.id, silent);
    }
    Calibration c = new Calibration(run.id, run.modelVersion, answered, run.unsupported, evaluation, stats.mean(),
        stats.variance(), reweighting);
    for (String pid : answered) {
      ParticipantRecord p = participants.get(pid);
      if (p != null && p.connected()) {
        try {
          p.link().applyCalibration(c);
        } catch (RuntimeException e) {
          log.warn("could not publish calibration {} to {}", run.id, pid, e);
        }
      }
    }
    if (!answered.isEmpty()) {
      // participants now train on newly normalized features: loss and update scales move for everyone at once
      if (drift != null) {
        drift.rebase();
      }
      if (divergence != null) {
        divergence.rebase();
      }
    }
    persistence.calibrated(c, run.request.actor(), run.request.reason(), now());
    emit(new FederationEvent.CalibrationCompleted(nextSeq(), now(), c.calibrationId(), c.modelVersion(),
        c.answered(), c.unsupported(), c.evaluation(), c.featureMean(), c.featureVariance(), c.reweighting(),
        run.request.actor()));
    run.request.done().complete(c);
    maybeStartRound();
  }

  // ------------------------------------------------------------------ rollback (operator action)

  private record PendingRollback(long toVersion, String reason, CompletableFuture<Long> done) {}

  @Override
  public CompletableFuture<Long> rollback(long toVersion, String reason) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    try {
      enqueue(() -> onRollback(new PendingRollback(toVersion, reason, f)));
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  private void onRollback(PendingRollback p) {
    if (!persistence.enabled()) {
      p.done().completeExceptionally(new UnsupportedOperationException(
          "federation '" + config.name() + "' keeps no model history (it has no store)"));
      return;
    }
    if (p.reason() == null || p.reason().isBlank()) {
      p.done().completeExceptionally(new IllegalArgumentException("a rollback needs a reason"));
      return;
    }
    pendingRollbacks.add(p);
    if (!drainRollback()) {
      log.info("rollback to version {} waits for round {} to finish", p.toVersion(), round == null ? 0 : round.id());
    }
  }

  /** Starts the oldest pending rollback when no round or store call is in flight; true if it started one. */
  private boolean drainRollback() {
    if (pendingRollbacks.isEmpty() || storing || roundActive()) {
      return false;
    }
    PendingRollback p = pendingRollbacks.poll();
    storing = true;
    persistence.rollback(p.toVersion(), "operator", p.reason(), now())
        .whenComplete((rb, e) -> safeEnqueue(() -> onRolledBack(p, rb, e)));
    return true;
  }

  private void onRolledBack(PendingRollback p, RolledBack rb, Throwable err) {
    storing = false;
    if (err != null) {
      Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      log.warn("rollback to version {} failed: {}", p.toVersion(), cause.getMessage());
      p.done().completeExceptionally(cause);
    } else {
      global = rb.model();
      committedStrategyState = rb.strategyState();
      try {
        strategy.restore(rb.strategyState());
      } catch (RuntimeException e) {
        log.warn("strategy '{}' cannot take the state of version {}; it starts fresh", strategy.name(),
            p.toVersion(), e);
      }
      emit(new FederationEvent.ModelRolledBack(nextSeq(), now(), rb.fromVersion(), rb.toVersion(),
          rb.model().version(), rb.model().sha256(), "operator", p.reason()));
      p.done().complete(rb.model().version());
    }
    afterStore();
  }

  private void abortRound(String reason, boolean continueAfter) {
    Round r = round;
    RoundPhase from = r.abort(reason);
    RoundAggregator agg = aggregator;
    if (agg != null && (from == RoundPhase.COLLECTING || from == RoundPhase.BROADCAST)) {
      foldExecutor.execute(agg::close); // after the pending folds: frees buffers and spill files
    }
    pendingReference = null;
    held.clear();
    restoreCommittedStrategyState();
    if (continueAfter && persistence.enabled()) {
      // rounds cut short by a stop are not recorded: after a restart they run again under the same id
      persistence.aborted(persistence.record(r, participants, now()), reason);
    }
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

  /**
   * An aborted round leaves no trace in the strategy either: its state goes back to the last committed
   * one. Queued on the serial fold thread, behind any accept or aggregate of the aborted round still running.
   */
  private void restoreCommittedStrategyState() {
    Map<String, float[]> s = committedStrategyState;
    AggregationStrategy st = strategy;
    try {
      foldExecutor.execute(() -> {
        try {
          st.restore(s);
        } catch (RuntimeException e) {
          log.warn("strategy '{}' could not restore its committed state", st.name(), e);
        }
      });
    } catch (RejectedExecutionException e) {
      log.debug("fold thread gone; strategy state not restored");
    }
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
