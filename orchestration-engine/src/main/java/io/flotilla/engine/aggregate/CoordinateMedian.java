package io.flotilla.engine.aggregate;

import java.nio.file.Path;
import java.util.Map;

/**
 * Coordinate-wise median of the updates (Yin, Chen, Ramchandran and Bartlett, "Byzantine-Robust
 * Distributed Learning: Towards Optimal Statistical Rates", ICML 2018, Definition 1): each coordinate of
 * the aggregate is the median of that coordinate over the round's updates; with an even count, the mean
 * of the two middle values (as numpy's {@code median}). Tolerates up to half of the updates being
 * arbitrary. Needs every update at once. Stateless across rounds.
 */
public final class CoordinateMedian extends CoordinateWise {
  public CoordinateMedian(long spillBytes, Path spillDir, int threads) {
    super(spillBytes, spillDir, threads);
  }

  @Override
  public String name() {
    return "median";
  }

  @Override
  protected Map<String, String> extraParameters() {
    return Map.of();
  }

  @Override
  SortingNetwork network(int k) {
    return SortingNetwork.selecting(k, (k - 1) / 2, k / 2); // the middle one or two
  }

  @Override
  void reduce(float[][] rows, int k, int width, float[] out, int outOff) {
    int mid = k / 2;
    if ((k & 1) == 1) {
      System.arraycopy(rows[mid], 0, out, outOff, width);
      return;
    }
    float[] a = rows[mid - 1];
    float[] b = rows[mid];
    for (int i = 0; i < width; i++) {
      out[outOff + i] = (float) (((double) a[i] + b[i]) * 0.5);
    }
  }
}
