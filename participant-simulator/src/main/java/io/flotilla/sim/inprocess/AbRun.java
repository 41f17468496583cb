package io.flotilla.sim.inprocess;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.converge.Significance;
import io.flotilla.sim.data.Dataset;
import io.flotilla.sim.data.FederatedData;
import io.flotilla.sim.learn.Evaluation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An A/B comparison of two aggregation strategies (issue 7, ADR 0015): the participants are split into two
 * cohorts (a seeded random half each, or alternating indices), each cohort runs its own federation with one
 * strategy, side by side, on the same data partition and initial model. The report holds both learning
 * curves and a significance test on the final metric: each final model is evaluated on every participant's
 * local data, and the paired per-participant accuracies are compared with the Wilcoxon signed-rank test
 * (and a paired t-test). Deterministic under the seed: each arm is a deterministic simulation.
 *
 * <p>{@link #run} runs offline on the calling thread (the {@code flotilla simulate --ab} report);
 * {@link #start} runs the same thing in the background, observable through an {@link AbListener} and
 * controllable (pause, resume, stop) through the returned {@link Experiment} (ADR 0017). Static methods are
 * thread-safe; an {@link Experiment} is thread-safe.
 */
public final class AbRun {
  private static final Logger log = LoggerFactory.getLogger(AbRun.class);

  /** Significance level of the verdict. */
  public static final double ALPHA = 0.05;

  /** How participants are split between the arms. */
  public enum Split { RANDOM, ALTERNATE }

  /** One of the two arms. */
  public enum Side { A, B }

  /**
   * What a run is about to do, known once both arms are built: the strategies, the participants of each
   * arm, the rounds, the split and the seed.
   */
  public record Plan(String strategyA, String strategyB, List<String> participantsA, List<String> participantsB,
      int rounds, Split split, long seed) {
    public Plan {
      participantsA = List.copyOf(participantsA);
      participantsB = List.copyOf(participantsB);
    }

    public String strategy(Side s) {
      return s == Side.A ? strategyA : strategyB;
    }

    public List<String> participants(Side s) {
      return s == Side.A ? participantsA : participantsB;
    }
  }

  /** One arm's outcome. */
  public record Arm(String strategy, List<String> participants, List<Map<String, Object>> curve, String modelSha256,
      String state, double[] perParticipantAccuracy) {}

  /** Both arms and the tests. */
  public record Result(Arm a, Arm b, List<String> evaluatedOn, Significance.Result wilcoxon,
      Significance.Result pairedT) {

    /** For the JSON report. */
    public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("a", arm(a));
      m.put("b", arm(b));
      m.put("evaluated_on", evaluatedOn);
      m.put("metric", "per-participant accuracy of each final model on that participant's local data");
      m.put("wilcoxon", test(wilcoxon));
      m.put("paired_t", test(pairedT));
      m.put("verdict", verdict());
      return m;
    }

    /** The arm whose final model is better on the participants' data (Wilcoxon, p &lt; 0.05), or null. */
    public Side better() {
      if (!(wilcoxon.pValue() < ALPHA)) {
        return null;
      }
      return wilcoxon.meanDifference() > 0 ? Side.A : Side.B;
    }

    /** "fedavg is better (p &lt; 0.05)" or "no significant difference at 0.05" (the report's verdict). */
    public String verdict() {
      Side s = better();
      return s == null ? "no significant difference at 0.05" : arm(s).strategy() + " is better (p < 0.05)";
    }

    /** The Wilcoxon signed-rank p-value (for callers that do not see the engine's {@code converge} package). */
    public double wilcoxonP() {
      return wilcoxon.pValue();
    }

    /** The paired t-test p-value. */
    public double pairedTP() {
      return pairedT.pValue();
    }

    /** Mean of (A − B) over the paired per-participant accuracies. */
    public double meanDifference() {
      return wilcoxon.meanDifference();
    }

    /** Number of pairs (participants the final models were evaluated on). */
    public int pairs() {
      return wilcoxon.pairs();
    }

    /** Arm {@code s}. */
    public Arm arm(Side s) {
      return s == Side.A ? a : b;
    }

    private static Map<String, Object> arm(Arm x) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("strategy", x.strategy());
      m.put("participants", x.participants());
      m.put("state", x.state());
      m.put("model_sha256", x.modelSha256());
      double s = 0;
      for (double v : x.perParticipantAccuracy()) {
        s += v;
      }
      m.put("mean_participant_accuracy", s / x.perParticipantAccuracy().length);
      m.put("curve", x.curve());
      return m;
    }

    private static Map<String, Object> test(Significance.Result r) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("test", r.test());
      m.put("p_value", r.pValue());
      m.put("mean_difference_a_minus_b", r.meanDifference());
      m.put("pairs", r.pairs());
      return m;
    }
  }

  private AbRun() {}

  /** Parses {@code A,B} into the two strategy specs (a strategy's own parameters use {@code :k=v}). */
  public static String[] parseStrategies(String spec) {
    String[] parts = spec == null ? new String[0] : spec.split(",(?=[a-zA-Z][\\w-]*(:|$))");
    if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
      throw new IllegalArgumentException("invalid --ab '" + spec + "': expected STRATEGY_A,STRATEGY_B, e.g. "
          + "fedavg,fedadam:eta=0.01");
    }
    return new String[] {parts[0].trim(), parts[1].trim()};
  }

  /** The two cohorts (participant indices) for {@code n} participants. */
  public static List<Set<Integer>> split(int n, Split how, long seed) {
    if (n < 2) {
      throw new IllegalArgumentException("an A/B run needs at least 2 participants, got " + n);
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (how == Split.RANDOM) {
      SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, 0, 0, 9));
      for (int i = n - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    Set<Integer> a = new TreeSet<>();
    Set<Integer> b = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      (how == Split.ALTERNATE ? (i % 2 == 0 ? a : b) : (i < (n + 1) / 2 ? a : b)).add(order[i]);
    }
    return List.of(a, b);
  }

  /**
   * Runs both arms side by side on the calling thread and tests the difference.
   *
   * @throws IllegalArgumentException for a bad strategy or configuration
   * @throws IllegalStateException when an arm does not finish within {@code timeout} or fails
   */
  public static Result run(SimulationConfig config, LearningOptions learning, String strategyA, String strategyB,
      Split how, Extensions extensions, Clock clock, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    return new Execution(config, learning, strategyA, strategyB, how, extensions, clock, AbListener.NONE)
        .execute(timeout);
  }

  /**
   * Starts the same run as {@link #run} on a background thread and returns at once; {@code listener} follows
   * it (plan, every event of both arms, result). The arms run until their rounds are done (or a stopping
   * rule ends them) or until {@link Experiment#stop()}; the result is the one {@link #run} returns for the
   * same arguments (bit-identical final models: observing does not change the run).
   *
   * @throws IllegalArgumentException for a bad strategy or fewer than two participants (nothing is started)
   */
  public static Experiment start(SimulationConfig config, LearningOptions learning, String strategyA,
      String strategyB, Split how, Extensions extensions, Clock clock, AbListener listener) {
    Execution x = new Execution(config, learning, strategyA, strategyB, how, extensions, clock,
        Objects.requireNonNull(listener, "listener"));
    Experiment e = new Experiment(x);
    Thread t = new Thread(e::runInBackground, "flotilla-ab-run");
    t.setDaemon(true);
    t.start();
    return e;
  }

  /**
   * A running A/B experiment: pause, resume or stop both arms together, and its result. Thread-safe; the
   * controls are no-ops once the run has ended.
   */
  public static final class Experiment {
    private final Execution execution;
    private final CompletableFuture<Result> result = new CompletableFuture<>();

    private Experiment(Execution execution) {
      this.execution = execution;
    }

    private void runInBackground() {
      Result r;
      try {
        r = execution.execute(null);
      } catch (Throwable e) {
        log.warn("A/B run failed: {}", e.toString(), e);
        result.completeExceptionally(e);
        execution.deliver(() -> execution.listener.failed(e));
        return;
      }
      execution.deliver(() -> execution.listener.finished(r));
      result.complete(r);
    }

    /** Lets both arms finish their current round, then holds them. */
    public void pause() {
      execution.control(Control.PAUSE);
    }

    /** Continues both arms after {@link #pause()}. */
    public void resume() {
      execution.control(Control.RESUME);
    }

    /**
     * Stops both arms (their current rounds are aborted); the result is then computed on the models they
     * reached, with state {@code stopped}.
     */
    public void stop() {
      execution.control(Control.STOP);
    }

    /** Completes with the result once both arms have ended, or exceptionally with what went wrong. */
    public CompletableFuture<Result> result() {
      return result;
    }

    public boolean isDone() {
      return result.isDone();
    }
  }

  private enum Control { PAUSE, RESUME, STOP }

  /** One run: builds the arms, runs them, evaluates both final models on every participant's data. */
  private static final class Execution {
    private final SimulationConfig config;
    private final LearningOptions learning;
    private final String[] strategies;
    private final Split how;
    private final Extensions extensions;
    private final Clock clock;
    private final AbListener listener;
    private final List<InProcessSimulation> sims = new ArrayList<>(); // guarded by this
    private boolean started; // guarded by this
    private boolean ended; // guarded by this
    private boolean stopRequested; // guarded by this
    private boolean pauseRequested; // guarded by this

    Execution(SimulationConfig config, LearningOptions learning, String strategyA, String strategyB, Split how,
        Extensions extensions, Clock clock, AbListener listener) {
      this.config = Objects.requireNonNull(config, "config");
      this.learning = Objects.requireNonNull(learning, "learning");
      this.how = Objects.requireNonNull(how, "split");
      this.extensions = Objects.requireNonNull(extensions, "extensions");
      this.clock = Objects.requireNonNull(clock, "clock");
      this.listener = listener;
      extensions.strategy(strategyA); // fail early on a bad spec
      extensions.strategy(strategyB);
      this.strategies = new String[] {strategyA, strategyB};
    }

    void deliver(Runnable call) {
      try {
        call.run();
      } catch (RuntimeException e) {
        log.warn("an A/B listener failed: {}", e.toString(), e);
      }
    }

    synchronized void control(Control c) {
      if (ended) {
        return;
      }
      switch (c) {
        case STOP -> stopRequested = true;
        case PAUSE -> pauseRequested = true;
        case RESUME -> pauseRequested = false;
        default -> throw new AssertionError(c);
      }
      if (!started) {
        return; // applied when the arms start
      }
      for (InProcessSimulation s : sims) {
        if (s.federation().state().isTerminal()) {
          continue; // this arm is already done
        }
        switch (c) {
          case STOP -> s.federation().stop();
          case PAUSE -> s.federation().pause();
          case RESUME -> s.federation().resume();
          default -> throw new AssertionError(c);
        }
      }
    }

    /** @param timeout per arm; null waits as long as it takes */
    Result execute(Duration timeout) throws InterruptedException {
      FederatedData data = InProcessSimulation.loadData(config);
      int n = data.participants();
      List<Set<Integer>> cohorts = split(n, how, config.seed());
      int width = Integer.toString(n - 1).length();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ids.add(String.format(Locale.ROOT, "p%0" + width + "d", i));
      }
      List<List<String>> members = List.of(cohorts.get(0).stream().map(ids::get).toList(),
          cohorts.get(1).stream().map(ids::get).toList());
      List<List<Map<String, Object>>> curves = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
      try {
        for (int k = 0; k < 2; k++) {
          SimulationConfig c = config.withStrategy(strategies[k]);
          InProcessSimulation sim = InProcessSimulation.createArm(c, learning, cohorts.get(k),
              "ab-" + (k == 0 ? "a" : "b"), extensions, clock);
          synchronized (this) {
            sims.add(sim);
          }
          List<Map<String, Object>> curve = curves.get(k);
          Side side = k == 0 ? Side.A : Side.B;
          sim.federation().subscribe(e -> {
            if (e instanceof FederationEvent.RoundCommitted rc) {
              Map<String, Object> row = new LinkedHashMap<>();
              row.put("round", rc.roundId());
              row.put("test_accuracy", rc.metrics().getOrDefault("test_accuracy", Double.NaN));
              row.put("test_loss", rc.metrics().getOrDefault("test_loss", Double.NaN));
              curve.add(row);
            }
            if (listener != AbListener.NONE) {
              deliver(() -> listener.event(side, e));
            }
          });
        }
        Plan plan = new Plan(strategies[0], strategies[1], members.get(0), members.get(1), config.rounds(), how,
            config.seed());
        deliver(() -> listener.started(plan));
        synchronized (this) {
          for (InProcessSimulation s : sims) {
            s.start();
          }
          started = true;
          for (InProcessSimulation s : sims) {
            if (stopRequested) {
              s.federation().stop();
            } else if (pauseRequested) {
              s.federation().pause();
            }
          }
        }
        for (InProcessSimulation s : sims) {
          if (timeout == null) {
            while (!s.await(Duration.ofMinutes(1))) {
              // keep waiting: a background run ends when its rounds are done or it is stopped
            }
          } else if (!s.await(timeout)) {
            throw new IllegalStateException("A/B arm " + s.federation().config().name() + " did not finish in "
                + timeout);
          }
        }
        List<Dataset> shards = data.participantTrain();
        double[][] acc = new double[2][n];
        Arm[] arms = new Arm[2];
        for (int k = 0; k < 2; k++) {
          InProcessSimulation s = sims.get(k);
          float[] params = s.federation().globalModel().copyParameters();
          for (int i = 0; i < n; i++) {
            Evaluation ev = s.model().evaluate(params, shards.get(i));
            acc[k][i] = ev.accuracy();
          }
          arms[k] = new Arm(strategies[k], members.get(k), List.copyOf(curves.get(k)),
              s.federation().globalModel().sha256(), s.federation().state().name().toLowerCase(Locale.ROOT), acc[k]);
          if (s.federation().state() == FederationState.FAILED) {
            throw new IllegalStateException("A/B arm " + arms[k].strategy() + " failed");
          }
        }
        return new Result(arms[0], arms[1], ids, Significance.wilcoxon(acc[0], acc[1]),
            Significance.pairedT(acc[0], acc[1]));
      } finally {
        List<InProcessSimulation> toClose;
        synchronized (this) {
          ended = true;
          toClose = List.copyOf(sims);
        }
        for (InProcessSimulation s : toClose) {
          s.close();
        }
      }
    }
  }
}
