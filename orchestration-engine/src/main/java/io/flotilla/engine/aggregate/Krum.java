package io.flotilla.engine.aggregate;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Krum and Multi-Krum (Blanchard, El Mhamdi, Guerraoui and Stainer, "Machine Learning with Adversaries:
 * Byzantine Tolerant Gradient Descent", NeurIPS 2017, §4): with n updates of which at most f are
 * Byzantine, each update i gets the score {@code Σ_{j ∈ N(i)} ‖Δ_i − Δ_j‖²} over its {@code n − f − 2}
 * nearest other updates; Krum returns the update with the lowest score and Multi-Krum the plain mean of
 * the {@code m} lowest-scoring ones ({@code m = 0} means {@code n − f}, the paper's suggestion). Defined only for {@code n ≥ 2f + 3}. Ties go to the earlier update
 * in cohort order.
 *
 * <p>Pairwise squared distances are accumulated block by block from a coordinate-major copy of each block
 * (the inner loop runs over updates, one array per coordinate, and vectorises), directly from differences
 * (no ‖a‖² + ‖b‖² − 2a·b, which cancels for close updates), in float within a block and double across blocks,
 * over a fixed set of coordinate segments summed in order, so scores are reproducible on any number of
 * threads. Cost O(n²·P) time, O(n²) extra memory besides the buffered updates. Stateless across rounds.
 */
public final class Krum extends RobustStrategy {
  private final int f;
  private final int m;
  private final String name;

  public Krum(String name, int f, int m, long spillBytes, Path spillDir, int threads) {
    super(spillBytes, spillDir, threads);
    if (f < 0) {
      throw new IllegalArgumentException("'" + name + "' parameter 'f' must be >= 0, got " + f);
    }
    if (m < 0) {
      throw new IllegalArgumentException("'" + name + "' parameter 'm' must be >= 0, got " + m);
    }
    this.name = name;
    this.f = f;
    this.m = m;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int minimumUpdates() {
    return Math.max(2 * f + 3, m);
  }

  @Override
  protected Map<String, String> extraParameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("f", Integer.toString(f));
    p.put("m", Integer.toString(m));
    return p;
  }

  @Override
  float[] aggregateDelta(UpdateBuffer updates) {
    int n = updates.count();
    if (n < 2 * f + 3) {
      throw new IllegalStateException("'" + name + "' with f=" + f + " needs at least 2f+3 = " + (2 * f + 3)
          + " updates, the round has " + n);
    }
    if (m > n) {
      throw new IllegalStateException("'" + name + "' with m=" + m + " needs at least m updates, the round has " + n);
    }
    double[] dist = distances(updates, threads());
    int[] chosen = select(dist, n, f, m == 0 ? n - f : m);
    return mean(updates, chosen);
  }

  /** Squared distances {@code dist[i*n + j]} for all pairs (symmetric, zero diagonal). */
  static double[] distances(UpdateBuffer updates, int threads) {
    int n = updates.count();
    int p = updates.size();
    int width = 256;
    // rows padded to a multiple of 16 floats; row i's loop starts at the multiple of 16 at or below i + 1,
    // so the JIT's vector loop covers nearly all of it (its scalar pre/post loops dominated short rows)
    int padded = (n + 15) & ~15;
    int[] bounds = Segments.bounds(p, SEGMENTS, SEGMENT_ALIGN);
    double[][] partial = new double[bounds.length - 1][];
    Segments.run(p, SEGMENTS, SEGMENT_ALIGN, threads, (index, from, to) -> {
      double[] total = new double[n * n];
      float[] row = new float[width];
      float[][] cols = new float[width][padded]; // coordinate-major: cols[c][j]; columns >= n stay 0
      float[][] block = new float[n][padded];
      for (int b = from; b < to; b += width) {
        int w = Math.min(width, to - b);
        for (int j = 0; j < n; j++) {
          updates.read(j, b, row, 0, w);
          for (int c = 0; c < w; c++) {
            cols[c][j] = row[c];
          }
        }
        for (float[] r : block) {
          Arrays.fill(r, 0f);
        }
        for (int c = 0; c < w; c++) {
          float[] col = cols[c];
          for (int i = 0; i < n - 1; i++) {
            float a = col[i];
            float[] acc = block[i];
            for (int j = (i + 1) & ~15; j < padded; j++) { // entries j <= i or j >= n are never read
              float d = a - col[j];
              acc[j] += d * d;
            }
          }
        }
        for (int i = 0; i < n - 1; i++) {
          float[] acc = block[i];
          for (int j = i + 1; j < n; j++) {
            total[i * n + j] += acc[j];
          }
        }
      }
      partial[index] = total;
    });
    double[] dist = new double[n * n];
    for (double[] part : partial) {
      for (int i = 0; i < dist.length; i++) {
        dist[i] += part[i];
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        dist[j * n + i] = dist[i * n + j];
      }
    }
    return dist;
  }

  /** Krum scores: sum of the {@code n − f − 2} smallest distances to other updates. */
  static double[] scores(double[] dist, int n, int f) {
    int closest = n - f - 2;
    double[] score = new double[n];
    double[] others = new double[n - 1];
    for (int i = 0; i < n; i++) {
      int o = 0;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          others[o++] = dist[i * n + j];
        }
      }
      Arrays.sort(others);
      double s = 0;
      for (int t = 0; t < closest; t++) {
        s += others[t];
      }
      score[i] = s;
    }
    return score;
  }

  /** Indices of the {@code m} lowest scores, ties to the lower index, in ascending index order. */
  static int[] select(double[] dist, int n, int f, int m) {
    double[] score = scores(dist, n, f);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> score[a] != score[b] ? Double.compare(score[a], score[b]) : Integer.compare(a, b));
    int[] chosen = new int[m];
    for (int t = 0; t < m; t++) {
      chosen[t] = order[t];
    }
    Arrays.sort(chosen);
    return chosen;
  }

  private float[] mean(UpdateBuffer updates, int[] chosen) {
    int p = updates.size();
    float[] out = new float[p];
    Segments.run(p, SEGMENTS, SEGMENT_ALIGN, threads(), (index, from, to) -> {
      int width = 4096;
      float[] row = new float[width];
      double[] acc = new double[width];
      for (int b = from; b < to; b += width) {
        int w = Math.min(width, to - b);
        Arrays.fill(acc, 0, w, 0);
        for (int k : chosen) {
          updates.read(k, b, row, 0, w);
          for (int i = 0; i < w; i++) {
            acc[i] += row[i];
          }
        }
        for (int i = 0; i < w; i++) {
          out[b + i] = (float) (acc[i] / chosen.length);
        }
      }
    });
    return out;
  }
}
