package io.flotilla.console.app.tuning;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.sim.inprocess.AbListener;
import io.flotilla.sim.inprocess.AbRun;
import io.flotilla.sim.inprocess.LearningOptions;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Tuning page's A/B experiment (ADR 0017): a draft (strategy B from the registry with its typed
 * parameters, the split and the rounds), the plan it makes on the console's current scenario (arm A runs the
 * strategy in force, arm B the draft, each on its cohort of the scenario's participants), and "Start A/B":
 * role check and audit through the {@link AbGate}, then {@link AbRun#start} beside the console's federation,
 * followed by the Learning page's overlay (the {@code observer}) and ended with the verdict in the audit log.
 * Pause, resume and stop act on both arms. Only an in-process simulation can be split: for a federation
 * served to participant processes the section is unavailable and says why.
 *
 * <p>Bad input (an unknown strategy or parameter, rounds that are not a positive whole number, a run
 * already going) is refused with a message naming it, logged, and nothing starts or is recorded; so is a
 * refusal of the operator's role, which is also reported through {@code onFailure}.
 *
 * <p>Thread-safety: UI thread; the gate and {@link AbRun#start} run on the injected {@code io} executor, and
 * the run's end comes back through the UI executor.
 */
public final class AbExperimentViewModel {
  private static final Logger log = LoggerFactory.getLogger(AbExperimentViewModel.class);
  /** The rounds proposed at most by default (the scenario's own count when it is smaller). */
  public static final int DEFAULT_ROUNDS = 100;

  private final Executor ui;
  private final Executor io;
  private final Extensions extensions;
  private final Supplier<AbListener> observer;
  private final StrategyDraft strategyB;
  private final ReadOnlyBooleanWrapper available = new ReadOnlyBooleanWrapper(false);
  private final ReadOnlyStringWrapper unavailableReason = new ReadOnlyStringWrapper("the federation is still loading");
  private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
  private final ReadOnlyBooleanWrapper paused = new ReadOnlyBooleanWrapper(false);
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
  private BiConsumer<String, String> onFailure = (title, text) -> { };
  private SimulationConfig scenario;
  private Supplier<String> strategyInForce = () -> "fedavg";
  private AbGate gate = AbGate.OPEN;
  private AbRun.Split split = AbRun.Split.RANDOM;
  private String rounds = Integer.toString(DEFAULT_ROUNDS);
  private boolean starting;
  private AbRun.Experiment experiment;

  /** What starting the draft would run: shown for confirmation, recorded in the audit log. */
  public record Plan(String strategyA, String strategyB, AbRun.Split split, int rounds, int participantsA,
      int participantsB, long seed) {
    /** One line per arm, then the common settings. */
    public List<String> lines() {
      return List.of("A: " + strategyA + " — " + participantsA + " participants",
          "B: " + strategyB + " — " + participantsB + " participants",
          "split " + split.name().toLowerCase(Locale.ROOT) + " (seed " + seed + "), " + rounds
              + " rounds each, beside the console's federation (which keeps running)");
    }

    /** For the audit log's subject and the role check. */
    public String subject() {
      return "A/B experiment " + strategyA + " vs " + strategyB;
    }

    Map<String, Object> detail() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("strategy_a", strategyA);
      m.put("strategy_b", strategyB);
      m.put("participants_a", participantsA);
      m.put("participants_b", participantsB);
      m.put("split", split.name().toLowerCase(Locale.ROOT));
      m.put("rounds", rounds);
      m.put("seed", seed);
      return m;
    }
  }

  /**
   * @param ui the UI executor
   * @param io runs the role check, the audit entries and the start off the UI thread
   * @param observer a new listener per run (the Learning page's overlay)
   */
  public AbExperimentViewModel(Executor ui, Executor io, Extensions extensions, Supplier<AbListener> observer) {
    this.ui = Objects.requireNonNull(ui, "ui");
    this.io = Objects.requireNonNull(io, "io");
    this.extensions = Objects.requireNonNull(extensions, "extensions");
    this.observer = Objects.requireNonNull(observer, "observer");
    boolean trimmed = extensions.strategies().stream().anyMatch(p -> p.name().equals("trimmed-mean"));
    this.strategyB = new StrategyDraft(extensions, trimmed ? "trimmed-mean" : "median");
  }

  /** Where a refusal is reported besides the page's message (the console's notifications). */
  public void onFailure(BiConsumer<String, String> sink) {
    onFailure = Objects.requireNonNull(sink, "sink");
  }

  /**
   * Runs experiments on {@code scenario} (the console's current one). UI thread.
   *
   * @param strategyInForce arm A's strategy: the one the console's federation runs now
   * @param unavailable why this federation cannot be split, or null when it can
   */
  public void attach(SimulationConfig scenario, Supplier<String> strategyInForce, String unavailable, AbGate gate) {
    this.scenario = Objects.requireNonNull(scenario, "scenario");
    this.strategyInForce = Objects.requireNonNull(strategyInForce, "strategyInForce");
    this.gate = Objects.requireNonNull(gate, "gate");
    rounds = Integer.toString(Math.min(DEFAULT_ROUNDS, scenario.rounds()));
    available.set(unavailable == null);
    unavailableReason.set(unavailable == null ? "" : unavailable);
  }

  // ------------------------------------------------------------------ draft

  /** The registry's strategy providers (built-ins and plugins). */
  public List<String> strategies() {
    return extensions.strategies().stream().map(AggregationStrategyProvider::name).toList();
  }

  public String strategy() {
    return strategyB.name();
  }

  public void chooseStrategy(String name) {
    strategyB.choose(name);
  }

  /** Strategy B's typed parameters. */
  public List<ParamSpec> parameters() {
    return strategyB.parameters();
  }

  public String parameter(String name) {
    return strategyB.parameter(name);
  }

  public void setParameter(String name, String value) {
    strategyB.set(name, value);
  }

  /** Strategy B as the engine parses it ({@code trimmed-mean:beta=0.2}). */
  public String strategySpec() {
    return strategyB.spec();
  }

  public AbRun.Split split() {
    return split;
  }

  public void setSplit(AbRun.Split s) {
    split = Objects.requireNonNull(s, "split");
  }

  public String rounds() {
    return rounds;
  }

  public void setRounds(String r) {
    rounds = r == null ? "" : r.trim();
  }

  /**
   * The plan the draft makes on the current scenario.
   *
   * @throws IllegalArgumentException naming what is wrong (unavailable, strategy, parameter, rounds)
   */
  public Plan plan() {
    if (!available.get()) {
      throw new IllegalArgumentException("A/B experiments are unavailable: " + unavailableReason.get());
    }
    int r;
    try {
      r = Integer.parseInt(rounds);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Rounds: '" + rounds + "' is not a whole number");
    }
    if (r < 1) {
      throw new IllegalArgumentException("Rounds: must be at least 1, got " + r);
    }
    String a = strategyInForce.get();
    String b = strategyB.spec();
    extensions.strategy(a); // names a bad spec or parameter
    extensions.strategy(b);
    List<java.util.Set<Integer>> cohorts = AbRun.split(scenario.participants(), split, scenario.seed());
    return new Plan(a, b, split, r, cohorts.get(0).size(), cohorts.get(1).size(), scenario.seed());
  }

  // ------------------------------------------------------------------ running

  /**
   * Starts the draft's experiment (after the operator confirmed {@link #plan()}). Completes once both arms
   * are running, or exceptionally with the refusal (message set, nothing started or recorded). UI thread.
   */
  public CompletableFuture<AbRun.Experiment> start() {
    Plan plan;
    SimulationConfig config;
    try {
      if (running.get() || starting) {
        throw new IllegalStateException("an A/B experiment is already running; stop it first");
      }
      plan = plan();
      config = withRounds(scenario.withStrategy(plan.strategyA()), plan.rounds());
    } catch (RuntimeException e) {
      return refused(e, false);
    }
    starting = true;
    message.set("Starting: " + plan.subject() + "…");
    AbGate g = gate;
    java.nio.file.Path plugins = scenario.plugins();
    CompletableFuture<AbRun.Experiment> result = new CompletableFuture<>();
    CompletableFuture.supplyAsync(() -> {
      g.authorizeStart(plan.subject());
      Extensions runExtensions = plugins == null ? extensions : Extensions.load(plugins); // reads jars: not on the UI
      g.record("experiment.started", plan.subject(), plan.detail());
      AbListener view = observer.get();
      AbRun.Experiment x = AbRun.start(config, LearningOptions.none(), plan.strategyA(), plan.strategyB(),
          plan.split(), runExtensions, Clock.systemUTC(), new Both(view, g, plan));
      log.info("A/B experiment started: {} ({})", plan.subject(), plan.detail());
      return x;
    }, io).whenComplete((x, e) -> ui.execute(() -> {
      starting = false;
      if (e != null) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        refused(c, true);
        result.completeExceptionally(c);
        return;
      }
      experiment = x;
      running.set(true);
      paused.set(false);
      message.set("Running: " + plan.subject() + " — follow it on the Learning page");
      result.complete(x);
    }));
    return result;
  }

  private <T> CompletableFuture<T> refused(Throwable e, boolean notify) {
    String why = e.getMessage() == null ? e.toString() : e.getMessage();
    log.warn("A/B experiment not started: {}", why);
    message.set("Not started: " + why);
    if (notify) {
      onFailure.accept("A/B experiment refused", why);
    }
    return CompletableFuture.failedFuture(e);
  }

  static SimulationConfig withRounds(SimulationConfig c, int rounds) {
    return new SimulationConfig(c.dataset(), c.partition(), c.participants(), c.perRound(), c.minUpdates(), rounds,
        c.model(), c.strategy(), c.selection(), c.localEpochs(), c.batchSize(), c.learningRate(), c.l2(),
        c.stragglers(), c.devices(), c.seed(), c.roundInterval(), c.roundDeadline(), c.adversaries(),
        c.validation(), c.suspendAfter(), c.dp(), c.plugins());
  }

  /** Pauses or resumes both arms. UI thread. */
  public void togglePause() {
    if (experiment == null || !running.get()) {
      return;
    }
    if (paused.get()) {
      experiment.resume();
      paused.set(false);
      message.set("Resumed");
    } else {
      experiment.pause();
      paused.set(true);
      message.set("Pausing: both arms finish their current round");
    }
  }

  /** Stops both arms; the verdict is computed on the models they reached. UI thread. */
  public void stop() {
    if (experiment != null && running.get()) {
      experiment.stop();
      message.set("Stopping: the verdict follows on the models reached");
    }
  }

  /** Stops a running experiment (the window closes or the scenario changes). UI thread. */
  public void close() {
    if (experiment != null) {
      experiment.stop();
    }
  }

  private void ended(String text) {
    running.set(false);
    paused.set(false);
    message.set(text);
  }

  public ReadOnlyBooleanProperty availableProperty() {
    return available.getReadOnlyProperty();
  }

  /** Why the section is disabled ("" when it is not). */
  public ReadOnlyStringProperty unavailableReasonProperty() {
    return unavailableReason.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty runningProperty() {
    return running.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty pausedProperty() {
    return paused.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  /** The Learning page's listener, and the end of the run: verdict audited, page told. */
  private final class Both implements AbListener {
    private final AbListener view;
    private final AbGate gate;
    private final Plan plan;

    Both(AbListener view, AbGate gate, Plan plan) {
      this.view = view;
      this.gate = gate;
      this.plan = plan;
    }

    @Override
    public void started(AbRun.Plan p) {
      view.started(p);
    }

    @Override
    public void event(AbRun.Side arm, FederationEvent event) {
      view.event(arm, event);
    }

    @Override
    public void finished(AbRun.Result r) {
      view.finished(r);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("verdict", r.verdict());
      d.put("wilcoxon_p", r.wilcoxonP());
      d.put("mean_difference_a_minus_b", r.meanDifference());
      d.put("paired_t_p", r.pairedTP());
      d.put("pairs", r.pairs());
      d.put("state_a", r.a().state());
      d.put("state_b", r.b().state());
      d.put("model_a_sha256", r.a().modelSha256());
      d.put("model_b_sha256", r.b().modelSha256());
      String note = "";
      try { // on the run's own thread: the store write never holds up the UI
        gate.record("experiment.verdict", plan.subject(), d);
      } catch (RuntimeException e) {
        log.warn("could not audit the A/B verdict: {}", e.getMessage(), e);
        note = " (the audit log could not record it: " + e.getMessage() + ")";
      }
      String text = "Ended: " + r.verdict() + " — see the Learning page" + note;
      ui.execute(() -> ended(text));
    }

    @Override
    public void failed(Throwable error) {
      view.failed(error);
      String why = error.getMessage() == null ? error.toString() : error.getMessage();
      ui.execute(() -> {
        ended("Failed: " + why);
        onFailure.accept("A/B experiment failed", why);
      });
    }
  }
}
