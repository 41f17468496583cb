package io.flotilla.engine.aggregate;

import io.flotilla.engine.model.ModelState;
import java.util.ArrayList;
import java.util.List;

/**
 * Running weighted sum of deltas, {@code Σ w_k·Δ_k}, in float32 with Kahan compensation (Kahan 1965;
 * Higham, "Accuracy and Stability of Numerical Algorithms", 2002, §4.3): two float arrays, so the state is
 * twice the model's size, the error stays near one rounding whatever the number of updates, and the final
 * mean is written in place (no third array). Deltas can be folded one at a time (pure streaming) or in
 * groups of up to {@code foldBatch}: a group is folded chunk by chunk so the running sum stays in cache
 * while the group's deltas stream through, which cuts memory traffic per update from about 5× to about 1×
 * the delta's size at the cost of holding the group (foldBatch × model) until it is folded.
 *
 * <p>Element {@code i} of the result depends only on element {@code i} of each delta, folded in the same
 * order, so results are bit-identical however the work is chunked or split between threads. Models of at
 * least {@link #PARALLEL_MIN} parameters are folded on {@code threads} threads, each over its own fixed
 * slice of the parameters (one fold is memory-bound: a second core adds read bandwidth). Not thread-safe:
 * one caller at a time; the helper threads only ever touch disjoint slices.
 *
 * <p>Allocation: the sum array becomes the result (it is handed to the caller), so it is new every round;
 * the compensation array can be handed in from the previous round ({@link #MeanAccumulator(int, int, int,
 * float[])}) and taken back with {@link #releaseCompensation}. A reused array holds stale values: the first
 * fold therefore <em>initialises</em> the sum ({@code s = 0 + y}, the float operation of folding into zeros)
 * instead of reading it, and the compensation of that fold, {@code (s − 0) − y}, is recomputed from the sum
 * where it is needed, so the stale array is first written by the second fold: same bits. On a large model this
 * saves a 4·P-byte allocation per round, which costs far more than its zeroing when the memory is fresh
 * (first-touch page faults: about 0.2 s per 40 MB on the project's VM; ADR 0016).
 *
 * <p>With {@link Summation#PLAIN} the same structure holds a plain float sum instead, {@code s = s + w·Δ} in
 * arrival order (the first fold written as the compensated one's, {@code 0 + (w·Δ − 0)}), and finishes it as
 * {@code (float) (s · scale)}: no compensation array, one array of state, and the same independence of
 * chunking, threads, fold-batch and kernels.
 */
final class MeanAccumulator {
  /**
   * Coordinates folded per chunk when folding a group: the chunk's running sum and compensation (2 × 64 KiB)
   * stay in the core's L2 cache while every delta of the group streams through, and each delta's piece is
   * long enough (64 KiB) for the hardware prefetcher to follow (2048, 8 KiB pieces, did not help).
   */
  private static final int CHUNK = 16 * 1024;
  /** Smallest model folded on several threads (below it, handing work over costs more than it saves). */
  static final int PARALLEL_MIN = 1 << 18;

  private final int size;
  private final int foldBatch;
  private final int threads;
  /** Whether the register-blocked Vector API kernels ({@link VectorFold}) run the grouped folds and the finish. */
  private final boolean vector;
  /** Kahan-compensated ({@link Summation#COMPENSATED}) or plain float sum. */
  private final boolean compensated;
  /** The last state a fold can lead to: {@link #BOTH} when compensated, {@link #SUM_ONLY} for a plain sum. */
  private final int full;
  private float[] sum;
  private float[] comp;
  private final List<float[]> pending = new ArrayList<>();
  private final List<Float> pendingWeights = new ArrayList<>();
  private double totalWeight;
  private int count;
  /**
   * How much of the Kahan state is in the arrays: {@link #EMPTY} nothing folded yet (both arrays may hold
   * stale values and are not read); {@link #SUM_ONLY} one delta folded, written to {@code sum} only;
   * {@link #BOTH} two or more. After the first fold the compensation is {@code (s − 0) − y} with
   * {@code s = 0 + y}, which equals {@code (s − 0) − s} bit for bit (s and y differ only for y = −0, where
   * both give +0, and a NaN y passes its bits to s), so it is recomputed from the sum instead of being
   * written and read back: one write and one read of 4·P bytes fewer per round.
   */
  private static final int EMPTY = 0;
  private static final int SUM_ONLY = 1;
  private static final int BOTH = 2;
  private int state = EMPTY;

  MeanAccumulator(int size, int foldBatch) {
    this(size, foldBatch, Segments.defaultThreads());
  }

  /** As {@link #MeanAccumulator(int, int)} on at most {@code threads} threads (results do not depend on it). */
  MeanAccumulator(int size, int foldBatch, int threads) {
    this(size, foldBatch, threads, null);
  }

  /**
   * As {@link #MeanAccumulator(int, int, int)}, reusing {@code spareComp} as the compensation array when it
   * has {@code size} elements (its contents are ignored); otherwise a new one is allocated.
   */
  MeanAccumulator(int size, int foldBatch, int threads, float[] spareComp) {
    this(size, foldBatch, threads, spareComp, true);
  }

  /**
   * As {@link #MeanAccumulator(int, int, int, float[])}; {@code vectorKernels} false keeps the scalar kernels
   * even where {@link VectorFold} is available (the results are the same bits; tests compare the two).
   */
  MeanAccumulator(int size, int foldBatch, int threads, float[] spareComp, boolean vectorKernels) {
    this(size, foldBatch, threads, spareComp, vectorKernels, Summation.COMPENSATED);
  }

  /**
   * As {@link #MeanAccumulator(int, int, int, float[], boolean)} with the given summation; a plain sum has no
   * compensation array ({@code spareComp} is ignored and {@link #releaseCompensation} returns null).
   */
  MeanAccumulator(int size, int foldBatch, int threads, float[] spareComp, boolean vectorKernels,
      Summation summation) {
    if (foldBatch < 1) {
      throw new IllegalArgumentException("fold batch must be >= 1, was " + foldBatch);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, was " + threads);
    }
    this.size = size;
    this.foldBatch = foldBatch;
    this.threads = size >= PARALLEL_MIN ? threads : 1;
    this.compensated = summation == Summation.COMPENSATED;
    this.full = compensated ? BOTH : SUM_ONLY;
    this.sum = new float[size];
    this.comp = !compensated ? null : spareComp != null && spareComp.length == size ? spareComp : new float[size];
    this.vector = vectorKernels && VectorFold.Available.YES;
  }

  /** The summation this accumulator runs. */
  Summation summation() {
    return compensated ? Summation.COMPENSATED : Summation.PLAIN;
  }

  /** Whether this accumulator runs the Vector API kernels. */
  boolean vectorKernels() {
    return vector;
  }

  /**
   * The compensation array, for reuse by a later accumulator of the same size; this accumulator must not
   * be used afterwards. Null if it was already released.
   */
  float[] releaseCompensation() {
    float[] c = comp;
    comp = null;
    sum = null;
    return c;
  }

  int size() {
    return size;
  }

  int count() {
    return count;
  }

  double totalWeight() {
    return totalWeight;
  }

  /**
   * Adds {@code weight · delta}; the array is only read (now or, when batching, before {@link #mean}).
   */
  void add(float[] delta, double weight) {
    add(delta, weight, weight);
  }

  /**
   * Adds {@code coefficient · delta} to the sum and {@code weight} to the total weight (they differ when
   * a delta is rescaled, e.g. clipped, but keeps its weight).
   */
  void add(float[] delta, double coefficient, double weight) {
    if (delta.length != size) {
      throw new IllegalArgumentException("delta has " + delta.length + " parameters, model has " + size);
    }
    if (!(weight >= 0) || !Double.isFinite(weight) || !Double.isFinite(coefficient)) {
      throw new IllegalArgumentException("weight must be finite and >= 0, was " + weight);
    }
    count++;
    totalWeight += weight;
    if (coefficient == 0) {
      return;
    }
    pending.add(delta);
    pendingWeights.add((float) coefficient);
    if (pending.size() >= foldBatch) {
      flush();
    }
  }

  private void flush() {
    int g = pending.size();
    if (g == 0) {
      return;
    }
    float[] ws = new float[g];
    float[][] ds = takePending(ws);
    int before = state;
    state = Math.min(full, before + g);
    parallel((index, lo, hi) -> {
      if (g == 1) {
        fold(ds[0], ws[0], lo, hi, before);
        return;
      }
      float[] scratch = vector && g <= VectorFold.GROUP ? new float[2 * VectorFold.STEP] : null;
      for (int from = lo; from < hi; from += CHUNK) {
        int to = Math.min(hi, from + CHUNK);
        int done = scratch == null ? from
            : compensated ? VectorFold.run(ds, ws, g, before, sum, comp, from, to, false, 0, null, 0, scratch)
            : VectorFold.runPlain(ds, ws, g, before, sum, from, to, false, 0, null, 0);
        for (int k = 0; k < g; k++) {
          fold(ds[k], ws[k], done, to, Math.min(full, before + k));
        }
      }
    });
  }

  /** Empties the held deltas: returns them in arrival order and writes their weights into {@code weights}. */
  private float[][] takePending(float[] weights) {
    float[][] ds = pending.toArray(new float[0][]);
    for (int k = 0; k < ds.length; k++) {
      weights[k] = pendingWeights.get(k);
    }
    pending.clear();
    pendingWeights.clear();
    return ds;
  }

  /** Folds {@code w · d} over {@code [from, to)} into a state that held {@code st} before this delta. */
  private void fold(float[] d, float w, int from, int to, int st) {
    if (!compensated) {
      if (st == EMPTY) {
        initRange(d, w, from, to);
      } else {
        plainRange(d, w, from, to);
      }
      return;
    }
    switch (st) {
      case EMPTY -> initRange(d, w, from, to);
      case SUM_ONLY -> secondRange(d, w, from, to);
      default -> foldRange(d, w, from, to);
    }
  }

  /**
   * {@link #foldRange} into a zero sum and compensation, without reading them (they may hold stale data);
   * the compensation, {@code (t − 0) − y}, is not written: {@link #secondRange} and {@link #finishRange}
   * recompute it from the sum.
   */
  private void initRange(float[] d, float w, int from, int to) {
    float[] s = sum;
    for (int i = from; i < to; i++) {
      float y = w * d[i] - 0f;
      s[i] = 0f + y;
    }
  }

  /** {@link #foldRange} after exactly one fold: the compensation is recomputed from the sum, not read. */
  private void secondRange(float[] d, float w, int from, int to) {
    float[] s = sum;
    float[] c = comp;
    for (int i = from; i < to; i++) {
      float c0 = (s[i] - 0f) - s[i];
      float y = w * d[i] - c0;
      float t = s[i] + y;
      c[i] = (t - s[i]) - y;
      s[i] = t;
    }
  }

  /**
   * Runs {@code task} over contiguous slices of {@code [0, size)} on up to {@code threads} threads; 8 slices
   * per thread, so a thread that gets less CPU (a shared machine) is not waited for.
   */
  private void parallel(Segments.Task task) {
    if (threads == 1) {
      task.run(0, 0, size);
    } else {
      Segments.run(size, 8 * threads, CHUNK, threads, task);
    }
  }

  /** The plain sum's fold: {@code s[i] = s[i] + w·d[i]} (float multiply, then float add). */
  private void plainRange(float[] d, float w, int from, int to) {
    float[] s = sum;
    for (int i = from; i < to; i++) {
      s[i] = s[i] + w * d[i];
    }
  }

  private void foldRange(float[] d, float w, int from, int to) {
    float[] s = sum;
    float[] c = comp;
    for (int i = from; i < to; i++) {
      float y = w * d[i] - c[i];
      float t = s[i] + y;
      c[i] = (t - s[i]) - y;
      s[i] = t;
    }
  }

  /**
   * The weighted mean {@code Σ w_k Δ_k / Σ w_k}, computed in place: the accumulator is spent afterwards.
   * Null when nothing carried weight.
   */
  float[] mean() {
    return meanPlus(null);
  }

  /**
   * {@code base + Σ w_k Δ_k / Σ w_k} element by element ({@code base[i] + (float) mean[i]}, the float
   * addition FedAvg's server step makes), or the plain mean when {@code base} is null; computed in place
   * in one pass, the accumulator is spent afterwards. Null when nothing carried weight.
   */
  float[] meanPlus(ModelState base) {
    if (count == 0 || !(totalWeight > 0)) {
      return null;
    }
    return finish(1.0 / totalWeight, base);
  }

  /** {@code scale · Σ w_k Δ_k}, in place; the accumulator is spent afterwards. */
  float[] scaledSum(double scale) {
    return finish(scale, null);
  }

  /**
   * Folds the updates still pending and finishes, chunk by chunk, in one pass: each chunk's Kahan sum is
   * turned into {@code (float) ((s − c) · scale)}, plus {@code base[i]} when a base is given, while the
   * chunk is still in cache. When every update is still pending (fold-batch ≥ K) the round reads each
   * update once and the base once, and writes the sum (the result) and the compensation once. Same float
   * operations in the same order as folding, then scaling, then adding: same bits.
   *
   * <p>Where {@link VectorFold} is available and at most {@link VectorFold#GROUP} updates are held, it runs
   * each chunk instead (all but a tail shorter than {@link VectorFold#STEP}): the sum and compensation stay
   * in registers across the held updates and are never stored, so the round reads each update and the base
   * once and writes only the result. The base is copied chunk by chunk into a scratch array (immutable
   * state the kernel cannot read in place). With more held updates the scalar kernels are faster (see
   * {@link VectorFold#GROUP}).
   *
   * <p>In the scalar kernels the compensation stays in the model-sized array, indexed like the sum: a
   * chunk-sized scratch array (indexed {@code i − from}) would save writing it back, but C2's superword
   * pass on JDK 17 does not vectorise a loop whose float arrays are indexed with different offsets (it
   * cannot rule out that they overlap), and the scalar loop measured 3× slower than the memory traffic it
   * saves.
   */
  private float[] finish(double scale, ModelState base) {
    int g = pending.size();
    float[] ws = new float[g];
    float[][] ds = takePending(ws);
    int before = state;
    // Nothing folded at all: the new sum array is zero, and (0 − 0) − 0 is the zero compensation of folding
    // nothing, so SUM_ONLY gives the right result without reading the (possibly stale) compensation array.
    int after = Math.max(SUM_ONLY, Math.min(full, before + g));
    state = full;
    float[] s = sum;
    float[] c = after == BOTH ? comp : null;
    parallel((index, lo, hi) -> {
      float[] scratch = vector && g <= VectorFold.GROUP ? new float[2 * VectorFold.STEP] : null;
      float[] baseChunk = scratch != null && base != null ? new float[CHUNK] : null;
      for (int from = lo; from < hi; from += CHUNK) {
        int to = Math.min(hi, from + CHUNK);
        int done = from;
        if (scratch != null) {
          if (baseChunk != null) {
            base.copyRange(from, baseChunk, 0, to - from);
          }
          done = compensated ? VectorFold.run(ds, ws, g, before, s, c, from, to, true, scale, baseChunk, from, scratch)
              : VectorFold.runPlain(ds, ws, g, before, s, from, to, true, scale, baseChunk, from);
        }
        for (int k = 0; k < g; k++) {
          fold(ds[k], ws[k], done, to, Math.min(full, before + k));
        }
        if (compensated) {
          finishRange(s, c, done, to, scale, base);
        } else {
          finishPlainRange(s, done, to, scale, base);
        }
      }
    });
    sum = null;
    return s;
  }

  /** {@code s[i] = (float) (s[i] · scale)}, then {@code + base[i]} in float when a base is given (plain sum). */
  private static void finishPlainRange(float[] s, int from, int to, double scale, ModelState base) {
    if (base == null) {
      for (int i = from; i < to; i++) {
        s[i] = (float) ((double) s[i] * scale);
      }
    } else {
      for (int i = from; i < to; i++) {
        s[i] = base.get(i) + (float) ((double) s[i] * scale);
      }
    }
  }

  /**
   * {@code s[i] = (float) ((s[i] − c[i]) · scale)}, then {@code + base[i]} in float when a base is given,
   * over {@code [from, to)}; {@code c} null when at most one delta was folded (compensation {@code (s − 0) − s}).
   */
  private static void finishRange(float[] s, float[] c, int from, int to, double scale, ModelState base) {
    if (c == null) {
      for (int i = from; i < to; i++) {
        float c0 = (s[i] - 0f) - s[i];
        float m = (float) (((double) s[i] - c0) * scale);
        s[i] = base == null ? m : base.get(i) + m;
      }
    } else if (base == null) {
      for (int i = from; i < to; i++) {
        s[i] = (float) (((double) s[i] - c[i]) * scale);
      }
    } else {
      for (int i = from; i < to; i++) {
        float m = (float) (((double) s[i] - c[i]) * scale);
        s[i] = base.get(i) + m;
      }
    }
  }
}
