package io.flotilla.engine.converge;

import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.engine.spi.StoppingRule;
import io.flotilla.engine.spi.StoppingRuleProvider;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

/**
 * Provides {@code no-improvement:metric=test_loss,window=5,alpha=0.05}: a statistical test of no improvement.
 * After each round the last {@code window} values are compared with the {@code window} before them by a
 * one-sided Mann–Whitney U test (Mann and Whitney 1947; normal approximation, Apache Commons Math) of "the
 * recent window is better"; when its p-value exceeds {@code alpha} the improvement is no longer significant
 * and the federation stops. Robust to noisy curves where a plateau rule with a small threshold never fires.
 * Instances keep the curve; confined to the coordinator thread.
 */
public final class NoImprovementRuleProvider implements StoppingRuleProvider {
  @Override
  public String name() {
    return "no-improvement";
  }

  @Override
  public String description() {
    return "stop when a one-sided Mann-Whitney test finds no significant improvement between the last two windows";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(
        ParamSpec.ofString("metric", "test_loss", "metric name (losses should fall, others rise)"),
        ParamSpec.ofInt("window", 5, "rounds per window (two windows are compared)"),
        ParamSpec.ofDouble("alpha", 0.05, "significance level"));
  }

  @Override
  public StoppingRule create(ExtensionParams p) {
    String metric = p.getString("metric");
    int window = p.getInt("window");
    double alpha = p.getDouble("alpha");
    if (window < 3 || !(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("'no-improvement' needs window >= 3 and alpha in (0, 1), got window="
          + window + ", alpha=" + alpha);
    }
    return new NoImprovement(metric, window, alpha);
  }

  static final class NoImprovement extends MetricHistoryRule {
    private final int window;
    private final double alpha;

    NoImprovement(String metric, int window, double alpha) {
      super(metric);
      this.window = window;
      this.alpha = alpha;
    }

    @Override
    public String name() {
      return "no-improvement:metric=" + metric + ",window=" + window + ",alpha=" + alpha;
    }

    @Override
    protected Optional<String> judge(List<Double> scores) {
      int n = scores.size();
      if (n < 2 * window) {
        return Optional.empty();
      }
      double[] older = new double[window];
      double[] recent = new double[window];
      for (int i = 0; i < window; i++) {
        older[i] = scores.get(n - 2 * window + i);
        recent[i] = scores.get(n - window + i);
      }
      double p = oneSidedGreater(recent, older);
      if (p > alpha) {
        return Optional.of(String.format(Locale.ROOT,
            "no significant improvement of %s over the last %d rounds (one-sided Mann-Whitney p = %.3f > %s)",
            metric, window, p, alpha));
      }
      return Optional.empty();
    }
  }

  /**
   * One-sided p-value of "x tends to be larger than y": Commons Math gives the two-sided p of the normal
   * approximation; halve it in the direction of the observed effect.
   */
  static double oneSidedGreater(double[] x, double[] y) {
    double twoSided = new MannWhitneyUTest().mannWhitneyUTest(x, y);
    double u = 0; // U statistic of x: pairs where x beats y (ties count half)
    for (double a : x) {
      for (double b : y) {
        u += a > b ? 1 : a == b ? 0.5 : 0;
      }
    }
    boolean xLarger = u > x.length * (double) y.length / 2;
    return xLarger ? twoSided / 2 : 1 - twoSided / 2;
  }
}
