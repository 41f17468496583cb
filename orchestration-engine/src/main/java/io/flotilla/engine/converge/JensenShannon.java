package io.flotilla.engine.converge;

/**
 * Jensen–Shannon divergence of two label histograms in bits (Lin 1991, eq. 4.1): symmetric, bounded by 1,
 * zero for identical distributions. Histograms of different lengths are padded with zeros. Stateless.
 */
public final class JensenShannon {
  private JensenShannon() {}

  public static double divergence(long[] a, long[] b) {
    int n = Math.max(a.length, b.length);
    double sa = 0;
    double sb = 0;
    for (long v : a) {
      sa += v;
    }
    for (long v : b) {
      sb += v;
    }
    if (sa <= 0 || sb <= 0) {
      return Double.NaN;
    }
    double js = 0;
    for (int i = 0; i < n; i++) {
      double p = i < a.length ? a[i] / sa : 0;
      double q = i < b.length ? b[i] / sb : 0;
      double m = (p + q) / 2;
      if (p > 0) {
        js += 0.5 * p * Math.log(p / m);
      }
      if (q > 0) {
        js += 0.5 * q * Math.log(q / m);
      }
    }
    return Math.max(0, js / Math.log(2));
  }
}
