package io.flotilla.engine.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorFold#run} against the Kahan definition written out per coordinate, from every starting state
 * (including one update folded before and more held, which {@link MeanAccumulator} does not produce today),
 * storing or finishing, with a tail the kernel leaves to the caller. Raw bits, −0 and NaN included.
 */
class VectorFoldTest {
  private static final int EMPTY = 0;
  private static final int SUM_ONLY = 1;
  private static final int BOTH = 2;
  private static final int N = 4 * VectorFold.STEP + 5; // a tail of 5 the kernel must not touch

  @BeforeEach
  void needsTheVectorApi() {
    Assumptions.assumeTrue(VectorFold.Available.YES,
        "VectorFold is not available in this JVM (needs --add-modules jdk.incubator.vector and AVX-512)");
  }

  private static float[][] data(int k, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] ds = new float[k][N];
    for (float[] d : ds) {
      for (int i = 0; i < N; i++) {
        d[i] = (float) (r.nextGaussian() * Math.exp(4 * r.nextGaussian()));
      }
      d[3] = -0f;
      d[40] = Float.NaN;
    }
    return ds;
  }

  @Test
  void everyStartingStateStoredOrFinishedHasTheBitsOfTheDefinition() {
    float[][] ds = data(5, 1);
    float[] ws = {3f, 0.5f, 7f, 1e-3f, 2f};
    float[] base = data(1, 2)[0];
    float[] s0 = data(1, 3)[0];
    float[] c0 = data(1, 4)[0];
    for (int c = 0; c < N; c++) {
      c0[c] *= 1e-7f; // a compensation is tiny next to its sum
    }
    for (int before = EMPTY; before <= BOTH; before++) {
      for (int g = before == EMPTY ? 1 : 0; g <= ds.length; g++) {
        for (boolean finish : new boolean[] {false, true}) {
          if (!finish && g == 0) {
            continue;
          }
          for (float[] b : new float[][] {null, base}) {
            if (!finish && b != null) {
              continue;
            }
            float[] s = s0.clone();
            float[] c = c0.clone();
            float[] es = s0.clone();
            float[] ec = c0.clone();
            int end = VectorFold.run(ds, ws, g, before, s, c, 0, N, finish, 0.125, b, 0, new float[2 * VectorFold.STEP]);
            reference(ds, ws, g, before, es, ec, end, finish, 0.125, b);
            String as = String.format("before=%d g=%d finish=%s base=%s", before, g, finish, b != null);
            assertThat(end).isEqualTo(4 * VectorFold.STEP);
            assertThat(bits(s)).as(as).isEqualTo(bits(es));
            assertThat(bits(c)).as(as).isEqualTo(bits(ec));
          }
        }
      }
    }
  }

  @Test
  void thePlainSumFromEitherStartingStateStoredOrFinishedHasTheBitsOfItsDefinition() {
    float[][] ds = data(5, 11);
    float[] ws = {3f, 0.5f, 7f, 1e-3f, 2f};
    ds[1][7] = 3e38f; // overflows to infinity in the sum: a plain sum keeps it (no compensation to turn it into NaN)
    ds[2][7] = 3e38f;
    float[] base = data(1, 12)[0];
    float[] s0 = data(1, 13)[0];
    for (int before = EMPTY; before <= SUM_ONLY; before++) {
      for (int g = before == EMPTY ? 1 : 0; g <= ds.length; g++) {
        for (boolean finish : new boolean[] {false, true}) {
          for (float[] b : finish ? new float[][] {null, base} : new float[][] {null}) {
            if (!finish && g == 0) {
              continue;
            }
            float[] s = s0.clone();
            float[] es = s0.clone();
            int end = VectorFold.runPlain(ds, ws, g, before, s, 0, N, finish, 0.125, b, 0);
            for (int i = 0; i < end; i++) {
              float sum = before == EMPTY ? 0f + (ws[0] * ds[0][i] - 0f) : es[i] + ws[0] * ds[0][i];
              for (int k = 1; k < g; k++) {
                sum = sum + ws[k] * ds[k][i];
              }
              if (g == 0) {
                sum = es[i];
              }
              float m = (float) ((double) sum * 0.125);
              es[i] = !finish ? sum : b == null ? m : b[i] + m;
            }
            String as = String.format("plain before=%d g=%d finish=%s base=%s", before, g, finish, b != null);
            assertThat(end).isEqualTo(4 * VectorFold.STEP);
            assertThat(bits(s)).as(as).isEqualTo(bits(es));
            if (before == EMPTY && g >= 3 && !finish) {
              assertThat(s[7]).as("an overflowing plain sum stays infinite").isEqualTo(Float.POSITIVE_INFINITY);
            }
          }
        }
      }
    }
  }

  /** The Kahan fold and finish per coordinate on {@code [0, end)}, as MeanAccumulator's scalar kernels. */
  private static void reference(float[][] ds, float[] ws, int g, int before, float[] s, float[] c, int end,
      boolean finish, double scale, float[] base) {
    for (int i = 0; i < end; i++) {
      float sum = before == EMPTY ? 0f : s[i];
      float comp = before == BOTH ? c[i] : (sum - 0f) - sum;
      int st = before;
      for (int k = 0; k < g; k++) {
        if (st == EMPTY) {
          float y = ws[k] * ds[k][i] - 0f;
          sum = 0f + y;
          comp = (sum - 0f) - sum;
          st = SUM_ONLY;
        } else {
          float y = ws[k] * ds[k][i] - comp;
          float t = sum + y;
          comp = (t - sum) - y;
          sum = t;
          st = BOTH;
        }
      }
      if (finish) {
        float m = (float) (((double) sum - comp) * scale);
        s[i] = base == null ? m : base[i] + m;
      } else {
        s[i] = sum;
        if (st == BOTH) {
          c[i] = comp;
        }
      }
    }
  }

  private static int[] bits(float[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Float.floatToRawIntBits(a[i]);
    }
    return b;
  }
}
