package io.flotilla.engine.aggregate;

import java.nio.file.Path;

/**
 * Shared engine of the coordinate-wise rules: for each block of coordinates, copies the block of every
 * update into its own row of a k × block tile (one array per row, so the JIT vectorises the network),
 * sorts each column with a {@link SortingNetwork}, and reduces each
 * sorted column to one value. Blocks are processed in parallel segments; every coordinate's result
 * depends only on that coordinate's values, so the result is the same on any number of threads.
 */
abstract class CoordinateWise extends RobustStrategy {
  CoordinateWise(long spillBytes, Path spillDir, int threads) {
    super(spillBytes, spillDir, threads);
  }

  /** Checks that the rule is defined for {@code k} updates. */
  void requireDefined(int k) {}

  /** The network that puts every rank {@link #reduce} reads in place, for {@code k} updates. */
  SortingNetwork network(int k) {
    return new SortingNetwork(k);
  }

  /** Reduces the sorted columns {@code [0, width)} of {@code rows} (k rows) into {@code out[outOff ...]}. */
  abstract void reduce(float[][] rows, int k, int width, float[] out, int outOff);

  static int blockWidth(int k) {
    // about 512 KiB of floats per tile: the tile stays in L2 and each comparator's pass over two rows is
    // long enough to amortise the loop set-up (1,024 columns at k = 100 measured ~15% faster than 512)
    int w = Math.max(64, (128 * 1024) / Math.max(1, k));
    w = Integer.highestOneBit(w);
    return Math.min(w, SEGMENT_ALIGN);
  }

  @Override
  float[] aggregateDelta(UpdateBuffer updates) {
    int k = updates.count();
    requireDefined(k);
    int p = updates.size();
    float[] out = new float[p];
    SortingNetwork net = network(k);
    int width = blockWidth(k);
    Segments.run(p, SEGMENTS, SEGMENT_ALIGN, threads(), (index, from, to) -> {
      float[][] rows = new float[k][width];
      for (int b = from; b < to; b += width) {
        int w = Math.min(width, to - b);
        for (int r = 0; r < k; r++) {
          updates.read(r, b, rows[r], 0, w);
        }
        net.sortColumns(rows, w);
        reduce(rows, k, w, out, b);
      }
    });
    return out;
  }
}
