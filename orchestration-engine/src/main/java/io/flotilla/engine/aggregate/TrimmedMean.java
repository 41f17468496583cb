package io.flotilla.engine.aggregate;

import java.nio.file.Path;
import java.util.Map;

/**
 * Coordinate-wise trimmed mean (Yin, Chen, Ramchandran and Bartlett, "Byzantine-Robust Distributed
 * Learning: Towards Optimal Statistical Rates", ICML 2018, Definition 2): for each coordinate, drop the
 * {@code ⌊β·K⌋} largest and {@code ⌊β·K⌋} smallest of the K values and average the rest. β must be below
 * 1/2; β = 0 is the plain (unweighted) mean. Needs every update at once. Stateless across rounds.
 */
public final class TrimmedMean extends CoordinateWise {
  private final double beta;

  public TrimmedMean(double beta, long spillBytes, Path spillDir, int threads) {
    super(spillBytes, spillDir, threads);
    if (!(beta >= 0 && beta < 0.5)) {
      throw new IllegalArgumentException("'trimmed-mean' parameter 'beta' must be in [0, 0.5), got " + beta);
    }
    this.beta = beta;
  }

  @Override
  public String name() {
    return "trimmed-mean";
  }

  @Override
  protected Map<String, String> extraParameters() {
    return Map.of("beta", Double.toString(beta));
  }

  /** Values trimmed from each end for {@code k} updates. */
  int trimmed(int k) {
    return (int) Math.floor(beta * k);
  }

  @Override
  SortingNetwork network(int k) {
    int t = trimmed(k);
    return SortingNetwork.selecting(k, t, k - t - 1); // the kept ranks, each in place (summed in rank order)
  }

  @Override
  void reduce(float[][] rows, int k, int width, float[] out, int outOff) {
    int t = trimmed(k);
    int kept = k - 2 * t;
    double[] acc = new double[width];
    for (int r = t; r < k - t; r++) {
      float[] row = rows[r];
      for (int i = 0; i < width; i++) {
        acc[i] += row[i];
      }
    }
    double inv = 1.0 / kept;
    for (int i = 0; i < width; i++) {
      out[outOff + i] = (float) (acc[i] * inv);
    }
  }
}
