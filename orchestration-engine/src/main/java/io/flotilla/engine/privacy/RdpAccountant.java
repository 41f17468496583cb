package io.flotilla.engine.privacy;

import java.util.Arrays;

/**
 * Rényi differential privacy accountant for the sampled Gaussian mechanism (Mironov, Talwar and Zhang,
 * "Rényi Differential Privacy of the Sampled Gaussian Mechanism", 2019, §3.3, integer orders): one step
 * with sampling rate q and noise multiplier σ has, at integer order α,
 *
 * <pre>
 *   RDP(α) = (1 / (α − 1)) · log Σ_{k=0..α} C(α, k) · (1 − q)^(α−k) · q^k · exp((k² − k) / (2σ²))
 * </pre>
 *
 * (the Gaussian mechanism's α/(2σ²) when q = 1). RDP composes by addition over steps, and converts to
 * (ε, δ)-DP by {@code ε = min_α RDP(α) + log(1/δ)/(α − 1)} (Mironov, "Rényi Differential Privacy", CSF
 * 2017, Proposition 3). Orders 2..64 and a few larger ones are tracked, as TensorFlow Privacy does for its
 * integer orders. Not thread-safe.
 */
public final class RdpAccountant {
  /** The orders tracked. */
  static final int[] ORDERS = orders();

  private final double[] rdp = new double[ORDERS.length];
  private long steps;

  private static int[] orders() {
    int[] o = new int[63 + 4];
    for (int a = 2; a <= 64; a++) {
      o[a - 2] = a;
    }
    o[63] = 128;
    o[64] = 256;
    o[65] = 512;
    o[66] = 1024;
    return o;
  }

  /** RDP of one step of the sampled Gaussian mechanism at integer order {@code alpha}. */
  public static double rdpStep(double q, double sigma, int alpha) {
    if (alpha < 2) {
      throw new IllegalArgumentException("integer orders start at 2, got " + alpha);
    }
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("sampling rate must be in [0, 1], was " + q);
    }
    if (q == 0) {
      return 0;
    }
    if (sigma == 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (q == 1) {
      return alpha / (2 * sigma * sigma);
    }
    double logA = Double.NEGATIVE_INFINITY;
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    for (int k = 0; k <= alpha; k++) {
      double term = logBinomial(alpha, k) + k * logQ + (alpha - k) * log1mQ
          + ((double) k * k - k) / (2 * sigma * sigma);
      logA = logAddExp(logA, term);
    }
    return logA / (alpha - 1);
  }

  /** Adds {@code count} steps with sampling rate {@code q} and noise multiplier {@code sigma}. */
  public void compose(double q, double sigma, long count) {
    for (int i = 0; i < ORDERS.length; i++) {
      rdp[i] += count * rdpStep(q, sigma, ORDERS[i]);
    }
    steps += count;
  }

  public long steps() {
    return steps;
  }

  /** The smallest ε such that the steps so far are (ε, δ)-DP. */
  public double epsilon(double delta) {
    return epsilon(rdp, delta);
  }

  /** ε after one more step with {@code q}, {@code sigma}, without recording it. */
  public double epsilonAfter(double q, double sigma, double delta) {
    double[] next = Arrays.copyOf(rdp, rdp.length);
    for (int i = 0; i < ORDERS.length; i++) {
      next[i] += rdpStep(q, sigma, ORDERS[i]);
    }
    return epsilon(next, delta);
  }

  static double epsilon(double[] rdp, double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), was " + delta);
    }
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < ORDERS.length; i++) {
      double e = rdp[i] + Math.log(1 / delta) / (ORDERS[i] - 1);
      if (e < best) {
        best = e;
      }
    }
    return Math.max(0, best);
  }

  private static final double[] LOG_FACTORIAL = logFactorials(1025);

  private static double[] logFactorials(int n) {
    double[] f = new double[n + 1];
    for (int i = 2; i <= n; i++) {
      f[i] = f[i - 1] + Math.log(i);
    }
    return f;
  }

  static double logBinomial(int n, int k) {
    return LOG_FACTORIAL[n] - LOG_FACTORIAL[k] - LOG_FACTORIAL[n - k];
  }

  static double logAddExp(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double m = Math.max(a, b);
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  }
}
