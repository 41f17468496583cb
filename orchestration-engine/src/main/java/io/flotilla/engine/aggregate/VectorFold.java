package io.flotilla.engine.aggregate;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MeanAccumulator}'s fold and finish written with the Vector API ({@code jdk.incubator.vector}),
 * register-blocked: for each 32 coordinates (two 16-float vectors) the running Kahan sum and compensation
 * stay in vector registers while every held update is folded in, and are then widened to double, scaled
 * and rounded back in the same pass. A fold-batch round thus reads each update once and writes only the
 * result, where the scalar kernels (which HotSpot's auto-vectoriser compiles one update at a time, and
 * whose float ↔ double conversions it does not vectorise before JDK 20) store and reload the sum and
 * compensation per update.
 *
 * <p>Same IEEE operations on each coordinate in the same order as the scalar kernels (lane-wise float
 * multiply, subtract and add; exact float → double widening; double subtract and multiply; round to
 * nearest float), so the results are bit-identical to them ({@code VectorFoldTest} and
 * {@code MeanAccumulatorTest} compare raw bits, NaN, infinities and −0 included). Used only where it is
 * fast: 512-bit vectors (AVX-512), where each half of a 16-float vector widens to one eight-lane double
 * vector. Measured on the project's machine (JDK 17, AMD EPYC with AVX-512), K = 10 × 10M on two threads
 * without allocation: 16-float vectors 13–15 ms, 8-float vectors 15–17 ms, a block of 1,024 coordinates
 * kept in an L1 scratch instead of registers 25–27 ms; with 128- or 256-bit double vectors the conversions
 * were not compiled to single instructions and the round took 37–65 ms, so {@link MeanAccumulator} keeps
 * its scalar kernels on narrower hardware.
 *
 * <p>{@link #runPlain} is the same pass for {@link Summation#PLAIN}: one float sum per coordinate in registers,
 * no compensation, the same finish without its subtraction (bit-identical to MeanAccumulator's plain kernels).
 *
 * <p>Loaded only when the JVM was started with {@code --add-modules jdk.incubator.vector} (the
 * {@code flotilla} launcher, the tests and the benchmarks do so); see {@link Available}.
 */
final class VectorFold {
  /** The fold's vectors: sixteen floats. */
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_512;
  private static final int L = 16;
  /** The upper eight lanes of a fold vector. */
  private static final VectorMask<Float> HIGH = VectorMask.fromLong(F, 0xff00L);
  /** Coordinates per step: two independent vectors, so two dependency chains overlap. */
  static final int STEP = 2 * L;
  /**
   * Most held updates {@link MeanAccumulator} folds with these kernels. Every held update is a separate
   * memory stream during the pass, and past a dozen or so the hardware prefetchers fall behind: at K = 100
   * × 10M (fold-batch 128, two threads) one pass over all updates took 622 ms, passes over groups of 4, 8,
   * 16 and 32 (the state stored in the chunk's arrays between groups) 205, 208, 262 and 435 ms, and the
   * scalar kernels, which stream one update at a time over a cache-resident chunk, 189 ms. K = 10 × 10M:
   * 18.4 ms here against 22.2 ms scalar.
   */
  static final int GROUP = 16;

  private static final int EMPTY = 0;
  private static final int SUM_ONLY = 1;
  private static final int BOTH = 2;

  private VectorFold() {}

  /** True when sixteen-float and eight-double vectors are native (the JVM uses 512-bit vectors). */
  static boolean fast() {
    return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 512 && F.length() == L && D.length() == L / 2;
  }

  /**
   * Folds {@code ws[k] · ds[k]} for {@code k < g}, in order, into a Kahan state that was {@code before}
   * ({@link MeanAccumulator}'s EMPTY, SUM_ONLY or BOTH) over {@code [from, end)}, where {@code end} is the
   * largest point {@code from + n·STEP ≤ to}, and returns {@code end}; the caller runs the scalar kernels
   * on {@code [end, to)}. With {@code finish} false the state is stored back (the sum, and the compensation
   * when two or more updates have been folded, as the scalar kernels do). With {@code finish} true the
   * state is not stored: {@code s[i]} becomes {@code (float) ((sum − comp) · scale)}, plus
   * {@code base[i − baseFrom]} in float when {@code base} is not null. {@code scratch} holds at least
   * {@code 2·STEP} floats (the state on its way from the fold to the finish or the arrays).
   */
  static int run(float[][] ds, float[] ws, int g, int before, float[] s, float[] c, int from, int to,
      boolean finish, double scale, float[] base, int baseFrom, float[] scratch) {
    int end = from + (to - from) / STEP * STEP;
    // One loop per starting state, so that no vector value is merged from two branches: HotSpot 17 keeps
    // such a value in a heap object (measured 4-8x slower), while loop-carried values stay in registers.
    if (before == EMPTY && g > 0) {
      fromEmpty(ds, ws, g, s, c, from, end, finish, scale, base, baseFrom, scratch);
    } else if (before == BOTH) {
      fromBoth(ds, ws, g, s, c, from, end, finish, scale, base, baseFrom, scratch);
    } else {
      fromSum(ds, ws, g, s, c, from, end, finish, scale, base, baseFrom, scratch);
    }
    return end;
  }

  /** Nothing folded yet: the first update initialises the sum ({@code 0 + (w·d − 0)}); arrays not read. */
  private static void fromEmpty(float[][] ds, float[] ws, int g, float[] s, float[] c, int from,
      int end, boolean finish, double scale, float[] base, int baseFrom, float[] scratch) {
    FloatVector zero = FloatVector.zero(F);
    FloatVector w0 = FloatVector.broadcast(F, ws[0]);
    float[] d0 = ds[0];
    for (int i = from; i < end; i += STEP) {
      FloatVector sa = zero.add(w0.mul(FloatVector.fromArray(F, d0, i)).sub(zero));
      FloatVector sb = zero.add(w0.mul(FloatVector.fromArray(F, d0, i + L)).sub(zero));
      // the compensation after one fold, (s − 0) − y, is (s − 0) − s (MeanAccumulator's SUM_ONLY)
      FloatVector ca = sa.sub(zero).sub(sa);
      FloatVector cb = sb.sub(zero).sub(sb);
      for (int k = 1; k < g; k++) {
        FloatVector w = FloatVector.broadcast(F, ws[k]);
        FloatVector ya = w.mul(FloatVector.fromArray(F, ds[k], i)).sub(ca);
        FloatVector yb = w.mul(FloatVector.fromArray(F, ds[k], i + L)).sub(cb);
        FloatVector ta = sa.add(ya);
        FloatVector tb = sb.add(yb);
        ca = ta.sub(sa).sub(ya);
        cb = tb.sub(sb).sub(yb);
        sa = ta;
        sb = tb;
      }
      sa.intoArray(scratch, 0);
      sb.intoArray(scratch, L);
      ca.intoArray(scratch, STEP);
      cb.intoArray(scratch, STEP + L);
      end(scratch, g > 1, s, c, i, finish, scale, base, baseFrom);
    }
  }

  /** One update folded before: the sum is read, the compensation recomputed from it. */
  private static void fromSum(float[][] ds, float[] ws, int g, float[] s, float[] c, int from,
      int end, boolean finish, double scale, float[] base, int baseFrom, float[] scratch) {
    FloatVector zero = FloatVector.zero(F);
    for (int i = from; i < end; i += STEP) {
      FloatVector sa = FloatVector.fromArray(F, s, i);
      FloatVector sb = FloatVector.fromArray(F, s, i + L);
      FloatVector ca = sa.sub(zero).sub(sa);
      FloatVector cb = sb.sub(zero).sub(sb);
      for (int k = 0; k < g; k++) {
        FloatVector w = FloatVector.broadcast(F, ws[k]);
        FloatVector ya = w.mul(FloatVector.fromArray(F, ds[k], i)).sub(ca);
        FloatVector yb = w.mul(FloatVector.fromArray(F, ds[k], i + L)).sub(cb);
        FloatVector ta = sa.add(ya);
        FloatVector tb = sb.add(yb);
        ca = ta.sub(sa).sub(ya);
        cb = tb.sub(sb).sub(yb);
        sa = ta;
        sb = tb;
      }
      sa.intoArray(scratch, 0);
      sb.intoArray(scratch, L);
      ca.intoArray(scratch, STEP);
      cb.intoArray(scratch, STEP + L);
      end(scratch, g > 0, s, c, i, finish, scale, base, baseFrom);
    }
  }

  /** Two or more updates folded before: sum and compensation are read. */
  private static void fromBoth(float[][] ds, float[] ws, int g, float[] s, float[] c, int from,
      int end, boolean finish, double scale, float[] base, int baseFrom, float[] scratch) {
    for (int i = from; i < end; i += STEP) {
      FloatVector sa = FloatVector.fromArray(F, s, i);
      FloatVector sb = FloatVector.fromArray(F, s, i + L);
      FloatVector ca = FloatVector.fromArray(F, c, i);
      FloatVector cb = FloatVector.fromArray(F, c, i + L);
      for (int k = 0; k < g; k++) {
        FloatVector w = FloatVector.broadcast(F, ws[k]);
        FloatVector ya = w.mul(FloatVector.fromArray(F, ds[k], i)).sub(ca);
        FloatVector yb = w.mul(FloatVector.fromArray(F, ds[k], i + L)).sub(cb);
        FloatVector ta = sa.add(ya);
        FloatVector tb = sb.add(yb);
        ca = ta.sub(sa).sub(ya);
        cb = tb.sub(sb).sub(yb);
        sa = ta;
        sb = tb;
      }
      sa.intoArray(scratch, 0);
      sb.intoArray(scratch, L);
      ca.intoArray(scratch, STEP);
      cb.intoArray(scratch, STEP + L);
      end(scratch, true, s, c, i, finish, scale, base, baseFrom);
    }
  }

  /**
   * {@link #run} for {@link Summation#PLAIN}: folds {@code ws[k] · ds[k]} for {@code k < g}, in order, into a
   * plain float sum over {@code [from, end)} and returns {@code end} (as {@link #run}). {@code before} is
   * EMPTY (the sum array is not read; the first fold is {@code 0 + (w·d − 0)}) or SUM_ONLY ({@code s} is
   * read); each further fold is {@code s + w·d}. With {@code finish} false the sum is stored in {@code s};
   * with {@code finish} true {@code s[i]} becomes {@code (float) (sum · scale)}, preceded by
   * {@code base[i − baseFrom] +} in float when {@code base} is not null. No compensation, so nothing goes
   * through a scratch array: each step is written out in the loop.
   */
  static int runPlain(float[][] ds, float[] ws, int g, int before, float[] s, int from, int to, boolean finish,
      double scale, float[] base, int baseFrom) {
    int end = from + (to - from) / STEP * STEP;
    if (before == EMPTY && g > 0) {
      plainFromEmpty(ds, ws, g, s, from, end, finish, scale, base, baseFrom);
    } else {
      plainFromSum(ds, ws, g, s, from, end, finish, scale, base, baseFrom);
    }
    return end;
  }

  private static void plainFromEmpty(float[][] ds, float[] ws, int g, float[] s, int from, int end,
      boolean finish, double scale, float[] base, int baseFrom) {
    FloatVector zero = FloatVector.zero(F);
    FloatVector w0 = FloatVector.broadcast(F, ws[0]);
    float[] d0 = ds[0];
    DoubleVector sc = DoubleVector.broadcast(D, scale);
    for (int i = from; i < end; i += STEP) {
      FloatVector sa = zero.add(w0.mul(FloatVector.fromArray(F, d0, i)).sub(zero));
      FloatVector sb = zero.add(w0.mul(FloatVector.fromArray(F, d0, i + L)).sub(zero));
      for (int k = 1; k < g; k++) {
        FloatVector w = FloatVector.broadcast(F, ws[k]);
        float[] d = ds[k];
        sa = sa.add(w.mul(FloatVector.fromArray(F, d, i)));
        sb = sb.add(w.mul(FloatVector.fromArray(F, d, i + L)));
      }
      if (!finish) {
        sa.intoArray(s, i);
        sb.intoArray(s, i + L);
        continue;
      }
      // (written out twice, not in a helper: a vector passed to a method HotSpot compiled on its own is boxed)
      FloatVector ma = ((FloatVector) ((DoubleVector) sa.convertShape(VectorOperators.F2D, D, 0)).mul(sc)
          .convertShape(VectorOperators.D2F, F, 0))
          .blend((FloatVector) ((DoubleVector) sa.convertShape(VectorOperators.F2D, D, 1)).mul(sc)
              .convertShape(VectorOperators.D2F, F, -1), HIGH);
      FloatVector mb = ((FloatVector) ((DoubleVector) sb.convertShape(VectorOperators.F2D, D, 0)).mul(sc)
          .convertShape(VectorOperators.D2F, F, 0))
          .blend((FloatVector) ((DoubleVector) sb.convertShape(VectorOperators.F2D, D, 1)).mul(sc)
              .convertShape(VectorOperators.D2F, F, -1), HIGH);
      // stored from each branch, so that no vector value is merged from two (see run)
      if (base != null) {
        FloatVector.fromArray(F, base, i - baseFrom).add(ma).intoArray(s, i);
        FloatVector.fromArray(F, base, i + L - baseFrom).add(mb).intoArray(s, i + L);
      } else {
        ma.intoArray(s, i);
        mb.intoArray(s, i + L);
      }
    }
  }

  private static void plainFromSum(float[][] ds, float[] ws, int g, float[] s, int from, int end,
      boolean finish, double scale, float[] base, int baseFrom) {
    DoubleVector sc = DoubleVector.broadcast(D, scale);
    for (int i = from; i < end; i += STEP) {
      FloatVector sa = FloatVector.fromArray(F, s, i);
      FloatVector sb = FloatVector.fromArray(F, s, i + L);
      for (int k = 0; k < g; k++) {
        FloatVector w = FloatVector.broadcast(F, ws[k]);
        float[] d = ds[k];
        sa = sa.add(w.mul(FloatVector.fromArray(F, d, i)));
        sb = sb.add(w.mul(FloatVector.fromArray(F, d, i + L)));
      }
      if (!finish) {
        sa.intoArray(s, i);
        sb.intoArray(s, i + L);
        continue;
      }
      FloatVector ma = ((FloatVector) ((DoubleVector) sa.convertShape(VectorOperators.F2D, D, 0)).mul(sc)
          .convertShape(VectorOperators.D2F, F, 0))
          .blend((FloatVector) ((DoubleVector) sa.convertShape(VectorOperators.F2D, D, 1)).mul(sc)
              .convertShape(VectorOperators.D2F, F, -1), HIGH);
      FloatVector mb = ((FloatVector) ((DoubleVector) sb.convertShape(VectorOperators.F2D, D, 0)).mul(sc)
          .convertShape(VectorOperators.D2F, F, 0))
          .blend((FloatVector) ((DoubleVector) sb.convertShape(VectorOperators.F2D, D, 1)).mul(sc)
              .convertShape(VectorOperators.D2F, F, -1), HIGH);
      // stored from each branch, so that no vector value is merged from two (see run)
      if (base != null) {
        FloatVector.fromArray(F, base, i - baseFrom).add(ma).intoArray(s, i);
        FloatVector.fromArray(F, base, i + L - baseFrom).add(mb).intoArray(s, i + L);
      } else {
        ma.intoArray(s, i);
        mb.intoArray(s, i + L);
      }
    }
  }

  /**
   * Stores the state of coordinates {@code [i, i + STEP)}, which the fold left in {@code scratch} (sum, then
   * compensation), to {@code s} and, when {@code both} (two or more updates are in it), {@code c}; or
   * finishes it into {@code s}. Takes the state through memory, not as vector arguments: a vector passed to
   * a method HotSpot does not inline is boxed on the heap (measured 2-3x slower).
   */
  private static void end(float[] scratch, boolean both, float[] s, float[] c, int i, boolean finish,
      double scale, float[] base, int baseFrom) {
    if (!finish) {
      FloatVector.fromArray(F, scratch, 0).intoArray(s, i);
      FloatVector.fromArray(F, scratch, L).intoArray(s, i + L);
      if (both) {
        FloatVector.fromArray(F, scratch, STEP).intoArray(c, i);
        FloatVector.fromArray(F, scratch, STEP + L).intoArray(c, i + L);
      }
      return;
    }
    // All in 512-bit shapes: sixteen floats widen to two eight-lane double vectors (parts 0 and 1), which
    // narrow back into the low and high halves of one float vector. (A 256-bit float vector anywhere in the
    // process makes the Vector API's shared store sites polymorphic, and HotSpot 17 then stores the fold's
    // vectors element by element: K = 100 ran 3x slower.)
    DoubleVector sc = DoubleVector.broadcast(D, scale);
    for (int h = 0; h < STEP; h += L) {
      FloatVector sum = FloatVector.fromArray(F, scratch, h);
      FloatVector comp = FloatVector.fromArray(F, scratch, STEP + h);
      // (written out, not in a helper: a vector passed to or returned from a method HotSpot compiled on its
      // own is boxed on the heap, which made JMH's K = 10 × 10M round 2x slower)
      DoubleVector lo = ((DoubleVector) sum.convertShape(VectorOperators.F2D, D, 0))
          .sub((DoubleVector) comp.convertShape(VectorOperators.F2D, D, 0)).mul(sc);
      DoubleVector hi = ((DoubleVector) sum.convertShape(VectorOperators.F2D, D, 1))
          .sub((DoubleVector) comp.convertShape(VectorOperators.F2D, D, 1)).mul(sc);
      FloatVector m = ((FloatVector) lo.convertShape(VectorOperators.D2F, F, 0))
          .blend((FloatVector) hi.convertShape(VectorOperators.D2F, F, -1), HIGH);
      if (base != null) {
        m = FloatVector.fromArray(F, base, i + h - baseFrom).add(m);
      }
      m.intoArray(s, i + h);
    }
  }

  /**
   * Whether {@link VectorFold} can be used in this JVM: the incubator module is present, eight-lane double
   * vectors are native, and {@code -Dflotilla.vectorFold=false} was not given. Kept free of any reference
   * to {@code jdk.incubator.vector}, so it loads in every JVM.
   */
  static final class Available {
    static final boolean YES = check();

    private Available() {}

    private static boolean check() {
      if (!Boolean.parseBoolean(System.getProperty("flotilla.vectorFold", "true"))) {
        return false;
      }
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        return false;
      }
      try {
        return VectorFold.fast();
      } catch (LinkageError e) {
        return false;
      }
    }
  }
}
