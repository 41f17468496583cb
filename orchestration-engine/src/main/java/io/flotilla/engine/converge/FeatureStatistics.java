package io.flotilla.engine.converge;

/**
 * Exact federated mean and variance per feature from participants' sufficient statistics (count, mean,
 * M2 = sum of squared deviations from the local mean), combined pairwise with the parallel update of
 * Chan, Golub and LeVeque (1979): {@code M2 = M2_a + M2_b + delta^2 * n_a n_b / n}. Numerically stable and
 * equal to the pooled data's statistics up to rounding. Not thread-safe.
 */
public final class FeatureStatistics {
  private long count;
  private double[] mean;
  private double[] m2;

  /** Folds one participant's statistics in. */
  public void add(long n, double[] localMean, double[] localM2) {
    if (n <= 0) {
      return;
    }
    if (mean == null) {
      mean = localMean.clone();
      m2 = localM2.clone();
      count = n;
      return;
    }
    if (localMean.length != mean.length || localM2.length != mean.length) {
      throw new IllegalArgumentException("feature statistics have " + localMean.length + " features, expected "
          + mean.length);
    }
    long total = count + n;
    for (int j = 0; j < mean.length; j++) {
      double delta = localMean[j] - mean[j];
      mean[j] += delta * n / total;
      m2[j] += localM2[j] + delta * delta * ((double) count * n / total);
    }
    count = total;
  }

  public long count() {
    return count;
  }

  public double[] mean() {
    return mean == null ? new double[0] : mean.clone();
  }

  /** Population variance (divided by n) per feature. */
  public double[] variance() {
    if (mean == null) {
      return new double[0];
    }
    double[] v = new double[m2.length];
    for (int j = 0; j < v.length; j++) {
      v[j] = m2[j] / count;
    }
    return v;
  }

  /** A participant's local statistics: {@code [mean..., m2...]} of {@code rows × features} row-major data. */
  public static double[][] local(float[] x, int rows, int features) {
    double[] mean = new double[features];
    double[] m2 = new double[features];
    for (int i = 0; i < rows; i++) { // Welford (1962), one pass
      for (int j = 0; j < features; j++) {
        double v = x[i * features + j];
        double d = v - mean[j];
        mean[j] += d / (i + 1);
        m2[j] += d * (v - mean[j]);
      }
    }
    return new double[][] {mean, m2};
  }
}
