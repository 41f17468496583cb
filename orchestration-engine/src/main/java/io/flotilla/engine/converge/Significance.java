package io.flotilla.engine.converge;

import org.apache.commons.math3.stat.inference.TTest;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;

/**
 * Significance tests for comparing two strategies (A/B) on per-participant evaluations, through Apache
 * Commons Math: the paired Wilcoxon signed-rank test (Wilcoxon 1945; exact p-value up to 30 pairs, normal
 * approximation above) and the paired t-test. Stateless.
 */
public final class Significance {
  private Significance() {}

  /** A test's result: name, statistic-free two-sided p-value, mean difference (a − b) and pair count. */
  public record Result(String test, double pValue, double meanDifference, int pairs) {}

  public static Result wilcoxon(double[] a, double[] b) {
    check(a, b);
    boolean allEqual = true;
    for (int i = 0; i < a.length; i++) {
      allEqual &= a[i] == b[i];
    }
    double p = allEqual ? 1.0 : new WilcoxonSignedRankTest().wilcoxonSignedRankTest(a, b, a.length <= 30);
    return new Result("wilcoxon-signed-rank", p, meanDiff(a, b), a.length);
  }

  public static Result pairedT(double[] a, double[] b) {
    check(a, b);
    double p = a.length < 2 ? 1.0 : new TTest().pairedTTest(a, b);
    return new Result("paired-t", Double.isNaN(p) ? 1.0 : p, meanDiff(a, b), a.length);
  }

  private static double meanDiff(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] - b[i];
    }
    return a.length == 0 ? Double.NaN : s / a.length;
  }

  private static void check(double[] a, double[] b) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException("paired tests need two equally long, non-empty samples, got "
          + a.length + " and " + b.length);
    }
  }
}
