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
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An A/B comparison of two aggregation strategies (issue 7, ADR 0015): the participants are split into two
 * cohorts (a seeded random half each, or alternating indices), each cohort runs its own federation with one
 * strategy, side by side, on the same data partition and initial model. The report holds both learning
 * curves and a significance test on the final metric: each final model is evaluated on every participant's
 * local data, and the paired per-participant accuracies are compared with the Wilcoxon signed-rank test
 * (and a paired t-test). Deterministic under the seed: each arm is a deterministic simulation. Not
 * thread-safe; use once.
 */
public final class AbRun {
  /** How participants are split between the arms. */
  public enum Split { RANDOM, ALTERNATE }

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
      m.put("verdict", wilcoxon.pValue() < 0.05
          ? (wilcoxon.meanDifference() > 0 ? a.strategy() : b.strategy()) + " is better (p < 0.05)"
          : "no significant difference at 0.05");
      return m;
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
   * Runs both arms side by side and tests the difference.
   *
   * @throws IllegalArgumentException for a bad strategy or configuration
   */
  public static Result run(SimulationConfig config, LearningOptions learning, String strategyA, String strategyB,
      Split how, Extensions extensions, Clock clock, Duration timeout) throws InterruptedException {
    extensions.strategy(strategyA); // fail early on a bad spec
    extensions.strategy(strategyB);
    FederatedData data = InProcessSimulation.loadData(config);
    int n = data.participants();
    List<Set<Integer>> cohorts = split(n, how, config.seed());
    List<List<Map<String, Object>>> curves = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
    List<InProcessSimulation> sims = new ArrayList<>();
    try {
      String[] strategies = {strategyA, strategyB};
      for (int k = 0; k < 2; k++) {
        SimulationConfig c = config.withStrategy(strategies[k]);
        InProcessSimulation sim = InProcessSimulation.createArm(c, learning, cohorts.get(k), "ab-" + (k == 0 ? "a" : "b"),
            extensions, clock);
        List<Map<String, Object>> curve = curves.get(k);
        sim.federation().subscribe(e -> {
          if (e instanceof FederationEvent.RoundCommitted rc) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("round", rc.roundId());
            row.put("test_accuracy", rc.metrics().getOrDefault("test_accuracy", Double.NaN));
            row.put("test_loss", rc.metrics().getOrDefault("test_loss", Double.NaN));
            curve.add(row);
          }
        });
        sims.add(sim);
      }
      for (InProcessSimulation s : sims) {
        s.start();
      }
      for (InProcessSimulation s : sims) {
        if (!s.await(timeout)) {
          throw new IllegalStateException("A/B arm " + s.federation().config().name() + " did not finish in " + timeout);
        }
      }
      List<Dataset> shards = data.participantTrain();
      int width = Integer.toString(n - 1).length();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ids.add(String.format(Locale.ROOT, "p%0" + width + "d", i));
      }
      double[][] acc = new double[2][n];
      Arm[] arms = new Arm[2];
      for (int k = 0; k < 2; k++) {
        InProcessSimulation s = sims.get(k);
        float[] params = s.federation().globalModel().copyParameters();
        for (int i = 0; i < n; i++) {
          Evaluation ev = s.model().evaluate(params, shards.get(i));
          acc[k][i] = ev.accuracy();
        }
        List<String> members = cohorts.get(k).stream().map(ids::get).toList();
        arms[k] = new Arm(k == 0 ? strategyA : strategyB, members, List.copyOf(curves.get(k)),
            s.federation().globalModel().sha256(), s.federation().state().name().toLowerCase(Locale.ROOT), acc[k]);
        if (s.federation().state() == FederationState.FAILED) {
          throw new IllegalStateException("A/B arm " + arms[k].strategy() + " failed");
        }
      }
      return new Result(arms[0], arms[1], ids, Significance.wilcoxon(acc[0], acc[1]),
          Significance.pairedT(acc[0], acc[1]));
    } finally {
      for (InProcessSimulation s : sims) {
        s.close();
      }
    }
  }
}
