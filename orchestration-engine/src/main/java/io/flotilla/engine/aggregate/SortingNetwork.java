package io.flotilla.engine.aggregate;

/**
 * Batcher's odd–even merge sorting network (Batcher, "Sorting networks and their applications", AFIPS
 * 1968; Knuth, TAOCP vol. 3, §5.3.4) for {@code n} inputs, padded to the next power of two with +∞ and
 * pruned of the comparators that touch padding (they cannot move a real value). Applied to {@code n} rows
 * of a block, it sorts every column at once with element-wise min/max and no data-dependent branches:
 * the engine of the coordinate-wise median and trimmed mean. Each row is its own array: HotSpot 17's
 * superword pass vectorises the min/max loop over two distinct arrays, but not over two rows at different
 * offsets of one array (it cannot rule out overlap), which measured about 8× slower at n = 100.
 * Immutable and thread-safe.
 */
final class SortingNetwork {
  private final int n;
  private final int[] lo;
  private final int[] hi;

  SortingNetwork(int n) {
    this(n, 0, n - 1);
  }

  /**
   * The network for {@code n} inputs that puts the correct values at ranks {@code [fromRank, toRank]}
   * only: the comparators none of whose outputs can reach those ranks are dropped (found by walking the
   * network backwards). For the median of 100 inputs that keeps 898 of 1,104 comparators. Values at other
   * ranks are a permutation of the rest, in no particular order.
   */
  static SortingNetwork selecting(int n, int fromRank, int toRank) {
    if (fromRank < 0 || toRank >= n || fromRank > toRank) {
      throw new IllegalArgumentException("ranks [" + fromRank + ", " + toRank + "] outside [0, " + n + ")");
    }
    return new SortingNetwork(n, fromRank, toRank);
  }

  private SortingNetwork(int n, int fromRank, int toRank) {
    if (n < 1) {
      throw new IllegalArgumentException("a sorting network needs at least one input");
    }
    this.n = n;
    int p2 = 1;
    while (p2 < n) {
      p2 <<= 1;
    }
    java.util.List<int[]> cs = new java.util.ArrayList<>();
    for (int p = 1; p < p2; p <<= 1) {
      for (int k = p; k >= 1; k >>= 1) {
        for (int j = k % p; j <= p2 - 1 - k; j += 2 * k) {
          for (int i = 0; i <= Math.min(k - 1, p2 - j - k - 1); i++) {
            int a = i + j;
            int b = i + j + k;
            if (a / (2 * p) == b / (2 * p) && b < n) {
              cs.add(new int[] {a, b});
            }
          }
        }
      }
    }
    boolean[] needed = new boolean[n];
    for (int r = fromRank; r <= toRank; r++) {
      needed[r] = true;
    }
    java.util.ArrayDeque<int[]> kept = new java.util.ArrayDeque<>();
    for (int c = cs.size() - 1; c >= 0; c--) {
      int[] ab = cs.get(c);
      if (needed[ab[0]] || needed[ab[1]]) {
        needed[ab[0]] = true;
        needed[ab[1]] = true;
        kept.addFirst(ab);
      }
    }
    lo = new int[kept.size()];
    hi = new int[kept.size()];
    int c = 0;
    for (int[] ab : kept) {
      lo[c] = ab[0];
      hi[c] = ab[1];
      c++;
    }
  }

  int inputs() {
    return n;
  }

  int comparators() {
    return lo.length;
  }

  /** Sorts each of the first {@code width} columns of {@code rows} ({@code n} rows) ascending. */
  void sortColumns(float[][] rows, int width) {
    for (int c = 0; c < lo.length; c++) {
      float[] a = rows[lo[c]];
      float[] b = rows[hi[c]];
      for (int i = 0; i < width; i++) {
        float x = a[i];
        float y = b[i];
        a[i] = Math.min(x, y);
        b[i] = Math.max(x, y);
      }
    }
  }
}
