package io.flotilla.bench;

import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Where a fold-batch FedAvg round of K held updates spends its time, pass by pass, on two threads over
 * halves of the parameters, chunk by chunk as {@code MeanAccumulator} does, into a result array that is
 * already touched: a plain float sum ({@code global + Σ Δ}, the floor), the Kahan fold alone, the Kahan
 * fold plus the engine's finish in double ({@code (float) ((s − c) · scale) + global}), and the same finish
 * in float (fewer conversions, but two roundings: not what the engine does). Loops copied from the engine's
 * kernels so they can be timed apart; the numbers explain the K = 10 row of docs/RESULTS.md (run 8).
 * Usage: {@code java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp benchmarks.jar
 * io.flotilla.bench.FedAvgPassesCheck [K] [P] [rounds]}.
 */
public final class FedAvgPassesCheck {
  private static final int CHUNK = 16 * 1024;
  private static final String[] VARIANTS = {"plain sum", "Kahan fold", "fold + double finish", "fold + float finish"};

  private final int k;
  private final int p;
  private final float[][] updates;
  private final float[] weights;
  private final float[] global;
  private final float[] sum;
  private final float[] comp;

  private FedAvgPassesCheck(int k, int p) {
    this.k = k;
    this.p = p;
    updates = Inputs.updates(k, p, 42).stream().map(u -> u.delta()).toArray(float[][]::new);
    weights = new float[k];
    for (int j = 0; j < k; j++) {
      weights[j] = 1f + j;
    }
    global = Inputs.model(p).copyParameters();
    sum = new float[p];
    comp = new float[p];
  }

  public static void main(String[] args) throws Exception {
    int k = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int p = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 12;
    if (k < 1 || p < 2 * CHUNK || rounds < 1) {
      throw new IllegalArgumentException("need K >= 1, P >= " + 2 * CHUNK + " and rounds >= 1; got K=" + k
          + ", P=" + p + ", rounds=" + rounds);
    }
    FedAvgPassesCheck c = new FedAvgPassesCheck(k, p);
    ExecutorService helper = Executors.newSingleThreadExecutor();
    try {
      for (int round = 0; round < rounds; round++) {
        StringBuilder line = new StringBuilder();
        for (int v = 0; v < VARIANTS.length; v++) {
          int variant = v;
          int half = (p / 2 / CHUNK) * CHUNK;
          long t0 = System.nanoTime();
          Future<?> upper = helper.submit(() -> c.run(variant, half, p));
          c.run(variant, 0, half);
          upper.get();
          line.append(String.format(Locale.ROOT, "%s %.1f ms; ", VARIANTS[v], (System.nanoTime() - t0) / 1e6));
        }
        System.out.println(line);
      }
    } finally {
      helper.shutdownNow();
    }
  }

  private void run(int variant, int lo, int hi) {
    double scale = 1.0 / (k * (k + 1) / 2.0);
    for (int from = lo; from < hi; from += CHUNK) {
      int to = Math.min(hi, from + CHUNK);
      if (variant == 0) {
        plain(from, to);
        continue;
      }
      first(updates[0], weights[0], from, to);
      for (int j = 1; j < k; j++) {
        fold(updates[j], weights[j], from, to);
      }
      if (variant == 2) {
        finishDouble(from, to, scale);
      } else if (variant == 3) {
        finishFloat(from, to, (float) scale);
      }
    }
  }

  private void plain(int from, int to) {
    float[] s = sum;
    float[] g = global;
    float[] d0 = updates[0];
    for (int i = from; i < to; i++) {
      s[i] = g[i] + d0[i];
    }
    for (int j = 1; j < k; j++) {
      float[] d = updates[j];
      for (int i = from; i < to; i++) {
        s[i] += d[i];
      }
    }
  }

  private void first(float[] d, float w, int from, int to) {
    float[] s = sum;
    float[] c = comp;
    for (int i = from; i < to; i++) {
      s[i] = w * d[i];
      c[i] = 0f;
    }
  }

  private void fold(float[] d, float w, int from, int to) {
    float[] s = sum;
    float[] c = comp;
    for (int i = from; i < to; i++) {
      float y = w * d[i] - c[i];
      float t = s[i] + y;
      c[i] = (t - s[i]) - y;
      s[i] = t;
    }
  }

  private void finishDouble(int from, int to, double scale) {
    float[] s = sum;
    float[] c = comp;
    float[] g = global;
    for (int i = from; i < to; i++) {
      float m = (float) (((double) s[i] - c[i]) * scale);
      s[i] = g[i] + m;
    }
  }

  private void finishFloat(int from, int to, float scale) {
    float[] s = sum;
    float[] c = comp;
    float[] g = global;
    for (int i = from; i < to; i++) {
      float m = (s[i] - c[i]) * scale;
      s[i] = g[i] + m;
    }
  }
}
