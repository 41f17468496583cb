package io.flotilla.engine.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.RoundAggregator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The running weighted sum on the parallel path (models of at least {@code PARALLEL_MIN} parameters). */
class MeanAccumulatorTest {
  private static final int P = MeanAccumulator.PARALLEL_MIN + 12_345; // not a multiple of any slice size

  private static float[][] deltas(int k, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] ds = new float[k][P];
    for (float[] d : ds) {
      for (int i = 0; i < P; i++) {
        d[i] = (float) (r.nextGaussian() * Math.exp(4 * r.nextGaussian())); // wide exponent range: rounding shows
      }
    }
    return ds;
  }

  private static float[] mean(float[][] ds, double[] w, int foldBatch, int threads) {
    MeanAccumulator acc = new MeanAccumulator(P, foldBatch, threads);
    for (int k = 0; k < ds.length; k++) {
      acc.add(ds[k], w[k]);
    }
    return acc.mean();
  }

  /** The definition, serially, element by element: Kahan-compensated float sum, then scale in double. */
  private static float[] reference(float[][] ds, double[] w) {
    float[] out = new float[P];
    double total = 0;
    for (double x : w) {
      total += x;
    }
    for (int i = 0; i < P; i++) {
      float s = 0;
      float c = 0;
      for (int k = 0; k < ds.length; k++) {
        float y = (float) w[k] * ds[k][i] - c;
        float t = s + y;
        c = (t - s) - y;
        s = t;
      }
      out[i] = (float) (((double) s - c) * (1.0 / total));
    }
    return out;
  }

  @Test
  void resultsAreBitIdenticalOnAnyThreadCountAndBatchSizeAndMatchTheSerialDefinition() {
    float[][] ds = deltas(7, 3);
    double[] w = {3, 1, 4, 1, 5, 9, 2.5};
    float[] expected = reference(ds, w);
    for (int threads : new int[] {1, 2, 3}) {
      for (int batch : new int[] {1, 3, 7, 100}) {
        assertThat(mean(ds, w, batch, threads)).as("threads=%d fold-batch=%d", threads, batch).isEqualTo(expected);
      }
    }
  }

  @Test
  void aReusedCompensationArrayWithStaleContentsGivesTheSameBits() {
    float[][] ds = deltas(5, 11);
    double[] w = {2, 7, 1, 8, 2.5};
    float[] expected = reference(ds, w);
    for (int threads : new int[] {1, 2}) {
      for (int batch : new int[] {1, 2, 5}) {
        float[] stale = new float[P];
        Arrays.fill(stale, Float.NaN);
        MeanAccumulator acc = new MeanAccumulator(P, batch, threads, stale);
        for (int k = 0; k < ds.length; k++) {
          acc.add(ds[k], w[k]);
        }
        assertThat(acc.mean()).as("threads=%d fold-batch=%d", threads, batch).isEqualTo(expected);
        assertThat(acc.releaseCompensation()).isSameAs(stale);
        assertThat(acc.releaseCompensation()).isNull();
      }
    }
    // Nothing folded (every coefficient zero) but weight carried: the mean is zero, not the stale contents.
    float[] stale = new float[P];
    Arrays.fill(stale, 3f);
    MeanAccumulator acc = new MeanAccumulator(P, 1, 2, stale);
    acc.add(ds[0], 0, 1);
    assertThat(acc.mean()).containsOnly(0f);
    // A spare of the wrong size is not used.
    MeanAccumulator other = new MeanAccumulator(P, 1, 2, new float[7]);
    assertThat(other.releaseCompensation()).hasSize(P);
  }

  @Test
  void fedAvgReusesItsCompensationArrayAcrossRoundsWithoutChangingResults() {
    float[][] ds = deltas(4, 5);
    ModelState global = Updates.model(deltas(1, 9)[0]);
    List<Update> round = new ArrayList<>();
    for (int k = 0; k < ds.length; k++) {
      round.add(Updates.update("p" + k, 10 + k, ds[k]));
    }
    float[] fresh = Updates.aggregate(new FedAvg(FedAvg.Weighting.SAMPLES), global, round);
    FedAvg reused = new FedAvg(FedAvg.Weighting.SAMPLES, 2);
    Updates.aggregate(reused, global, round.subList(0, 1)); // leaves its compensation array non-zero
    try (RoundAggregator abandoned = reused.begin(global)) { // closed without aggregating: array returned
      abandoned.accept(round.get(3));
    }
    for (int r = 0; r < 3; r++) {
      assertThat(Updates.aggregate(reused, global, round)).as("round %d", r).isEqualTo(fresh);
    }
    // Two rounds open at once each get their own arrays.
    RoundAggregator a = reused.begin(global);
    RoundAggregator b = reused.begin(global);
    round.forEach(a::accept);
    round.forEach(b::accept);
    assertThat(a.aggregate().orElseThrow()).isEqualTo(fresh);
    assertThat(b.aggregate().orElseThrow()).isEqualTo(fresh);
    assertThatThrownBy(() -> a.accept(round.get(0))).isInstanceOf(IllegalStateException.class);
  }

  /** The mean, then the server step {@code global + mean} in float, serially: what FedAvg computed before the fusion. */
  private static float[] referencePlus(float[] global, float[][] ds, double[] w) {
    float[] m = reference(ds, w);
    for (int i = 0; i < P; i++) {
      m[i] = global[i] + m[i];
    }
    return m;
  }

  @Test
  void theMeanPlusTheGlobalModelInOnePassHasTheBitsOfTheMeanThenTheServerStep() {
    float[][] ds = deltas(6, 21);
    double[] w = {1, 2, 3, 0.5, 7, 1};
    float[] g = deltas(1, 22)[0];
    ModelState global = Updates.model(g);
    float[] expected = referencePlus(g, ds, w);
    // batch 1 streams; 4 folds a group mid-round and the last two while finishing; 6 and 100 fold everything
    // while finishing (the first of them initialising the stale spare).
    for (int threads : new int[] {1, 2, 3}) {
      for (int batch : new int[] {1, 4, 6, 100}) {
        float[] stale = new float[P];
        Arrays.fill(stale, Float.NaN);
        MeanAccumulator acc = new MeanAccumulator(P, batch, threads, stale);
        for (int k = 0; k < ds.length; k++) {
          acc.add(ds[k], w[k]);
        }
        assertThat(acc.meanPlus(global)).as("threads=%d fold-batch=%d", threads, batch).isEqualTo(expected);
      }
    }
    MeanAccumulator none = new MeanAccumulator(P, 100, 2);
    none.add(ds[0], 0, 0);
    assertThat(none.meanPlus(global)).as("no weight: keep the model").isNull();
    MeanAccumulator zero = new MeanAccumulator(P, 100, 2, deltas(1, 23)[0]);
    zero.add(ds[0], 0, 1);
    assertThat(zero.meanPlus(global)).as("weight but a zero sum: the model plus zero").isEqualTo(referencePlus(g,
        new float[][] {new float[P]}, new double[] {1}));
  }

  @Test
  void strategiesWhoseStepAddsTheMeanGiveTheBitsOfTheUnfusedStep() {
    float[][] ds = deltas(5, 31);
    float[] g = deltas(1, 32)[0];
    ModelState global = Updates.model(g);
    List<Update> round = new ArrayList<>();
    double[] w = new double[ds.length];
    for (int k = 0; k < ds.length; k++) {
      round.add(Updates.update("p" + k, 10 + 3 * k, ds[k]));
      w[k] = 10 + 3 * k;
    }
    float[] expected = referencePlus(g, ds, w);
    for (int batch : new int[] {1, 2, 128}) {
      assertThat(Updates.aggregate(new FedAvg(FedAvg.Weighting.SAMPLES, batch), global, round))
          .as("fedavg fold-batch=%d", batch).isEqualTo(expected);
      assertThat(Updates.aggregate(new FedProx(FedAvg.Weighting.SAMPLES, batch, 0.5), global, round))
          .as("fedprox fold-batch=%d", batch).isEqualTo(expected);
    }
    // The unfused path of the same strategies (as central DP calls it) agrees.
    MeanAccumulator acc = new MeanAccumulator(P, 1, 2);
    for (int k = 0; k < ds.length; k++) {
      acc.add(ds[k], w[k]);
    }
    assertThat(new FedAvg(FedAvg.Weighting.SAMPLES).serverStep(global, acc.mean())).isEqualTo(expected);
  }

  private static int[] bits(float[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Float.floatToRawIntBits(a[i]);
    }
    return b;
  }

  @Test
  void oneOrTwoUpdatesAndOverflowingOnesKeepTheExactBitsOfTheSerialDefinition() {
    // The first fold's compensation is recomputed from the sum, not stored: check it where that could
    // differ (negative zeros, overflow to infinity, NaN), bit for bit (NaN sign and payload included).
    float[][] ds = deltas(3, 41);
    for (float[] d : ds) {
      d[0] = -0f;
      d[1] = 3e38f;
      d[2] = -3e38f;
      d[3] = Float.MAX_VALUE;
    }
    ds[1][4] = -3e38f;
    ds[0][5] = Float.NaN;
    float[] g = deltas(1, 42)[0];
    ModelState global = Updates.model(g);
    double[] w = {4, 2, 3};
    for (int k = 1; k <= 3; k++) {
      float[][] some = Arrays.copyOf(ds, k);
      double[] ws = Arrays.copyOf(w, k);
      for (int threads : new int[] {1, 2}) {
        for (int batch : new int[] {1, 2, 100}) {
          float[] stale = new float[P];
          Arrays.fill(stale, -7f);
          MeanAccumulator acc = new MeanAccumulator(P, batch, threads, stale);
          for (int j = 0; j < k; j++) {
            acc.add(some[j], ws[j]);
          }
          assertThat(bits(acc.meanPlus(global))).as("K=%d threads=%d fold-batch=%d", k, threads, batch)
              .isEqualTo(bits(referencePlus(g, some, ws)));
          MeanAccumulator plain = new MeanAccumulator(P, batch, threads, stale);
          for (int j = 0; j < k; j++) {
            plain.add(some[j], ws[j]);
          }
          assertThat(bits(plain.mean())).isEqualTo(bits(reference(some, ws)));
        }
      }
    }
  }

  @Test
  void theVectorKernelsGiveTheBitsOfTheScalarKernelsInEveryStateAndAtEveryTail() {
    // Only meaningful where VectorFold runs (the module is added and vectors are 512 bits wide); elsewhere
    // both accumulators run the scalar kernels and the comparison is trivially true, so say so.
    org.junit.jupiter.api.Assumptions.assumeTrue(VectorFold.Available.YES,
        "VectorFold is not available in this JVM (needs --add-modules jdk.incubator.vector and AVX-512)");
    float[][] ds = deltas(6, 77);
    for (float[] d : ds) { // special values in the vectorised part and in the scalar tail
      d[0] = -0f;
      d[17] = Float.NaN;
      d[P - 1] = -0f;
      d[P - 2] = 3e38f;
    }
    ds[2][33] = Float.POSITIVE_INFINITY;
    ds[3][P - 3] = Float.intBitsToFloat(0x7fc01234); // a NaN with a payload
    float[] g = deltas(1, 78)[0];
    ModelState global = Updates.model(g);
    double[] w = {4, 2, 3, 0.5, 7, 1e-3};
    for (int k = 1; k <= ds.length; k++) {
      for (int batch : new int[] {1, 2, 3, 100}) {
        for (int threads : new int[] {1, 2}) {
          for (boolean plus : new boolean[] {false, true}) {
            float[] scalar = run(ds, w, k, batch, threads, false, plus ? global : null);
            float[] vector = run(ds, w, k, batch, threads, true, plus ? global : null);
            assertThat(bits(vector)).as("K=%d fold-batch=%d threads=%d plus=%s", k, batch, threads, plus)
                .isEqualTo(bits(scalar));
          }
        }
      }
    }
    // More updates than VectorFold folds at once: folds of GROUP held updates (vector) and of more (scalar),
    // mixed with vector finishes of what is left.
    int many = 2 * VectorFold.GROUP + 3;
    float[][] more = deltas(many, 79);
    double[] wm = new double[many];
    for (int j = 0; j < many; j++) {
      wm[j] = 1 + j % 5;
    }
    for (int batch : new int[] {VectorFold.GROUP, VectorFold.GROUP + 1, 100}) {
      for (boolean plus : new boolean[] {false, true}) {
        assertThat(bits(run(more, wm, many, batch, 2, true, plus ? global : null)))
            .as("K=%d fold-batch=%d plus=%s", many, batch, plus)
            .isEqualTo(bits(run(more, wm, many, batch, 2, false, plus ? global : null)));
      }
    }
    assertThat(new MeanAccumulator(P, 1, 1, null, true).vectorKernels()).isTrue();
    assertThat(new MeanAccumulator(P, 1, 1, null, false).vectorKernels()).isFalse();
  }

  private static float[] run(float[][] ds, double[] w, int k, int batch, int threads, boolean vector, ModelState base) {
    float[] stale = new float[P];
    Arrays.fill(stale, Float.NaN);
    MeanAccumulator acc = new MeanAccumulator(P, batch, threads, stale, vector);
    for (int j = 0; j < k; j++) {
      acc.add(ds[j], w[j]);
    }
    return acc.meanPlus(base);
  }

  /** The plain summation's definition, serially: {@code s = 0 + (w₁·d₁ − 0)}, {@code s = s + w·d}, then scale. */
  private static float[] referencePlain(float[][] ds, double[] w, float[] base) {
    float[] out = new float[P];
    double total = 0;
    for (double x : w) {
      total += x;
    }
    for (int i = 0; i < P; i++) {
      float s = 0f + ((float) w[0] * ds[0][i] - 0f);
      for (int k = 1; k < ds.length; k++) {
        s = s + (float) w[k] * ds[k][i];
      }
      float m = (float) ((double) s * (1.0 / total));
      out[i] = base == null ? m : base[i] + m;
    }
    return out;
  }

  @Test
  void thePlainSumHasTheBitsOfItsDefinitionOnAnyThreadCountBatchSizeAndKernel() {
    for (int k : new int[] {1, 2, 6, 2 * VectorFold.GROUP + 3}) {
      float[][] ds = deltas(k, 90 + k);
      for (float[] d : ds) { // special values in the vectorised part and in the scalar tail
        d[0] = -0f;
        d[17] = Float.NaN;
        d[P - 1] = -0f;
        d[P - 2] = 3e38f; // two of these overflow: a plain sum gives infinity where the compensated one gives NaN
      }
      double[] w = new double[k];
      for (int j = 0; j < k; j++) {
        w[j] = 1 + j % 5 + 0.25 * j;
      }
      float[] g = deltas(1, 78)[0];
      ModelState global = Updates.model(g);
      int[] plain = bits(referencePlain(ds, w, null));
      int[] plus = bits(referencePlain(ds, w, g));
      for (int batch : new int[] {1, 2, 3, VectorFold.GROUP, VectorFold.GROUP + 1, 100}) {
        for (int threads : new int[] {1, 2, 3}) {
          for (boolean vector : new boolean[] {false, true}) {
            for (boolean withBase : new boolean[] {false, true}) {
              float[] stale = new float[P];
              Arrays.fill(stale, Float.NaN);
              MeanAccumulator acc = new MeanAccumulator(P, batch, threads, stale, vector, Summation.PLAIN);
              for (int j = 0; j < k; j++) {
                acc.add(ds[j], w[j]);
              }
              assertThat(acc.summation()).isEqualTo(Summation.PLAIN);
              assertThat(bits(withBase ? acc.meanPlus(global) : acc.mean()))
                  .as("K=%d fold-batch=%d threads=%d vector=%s base=%s", k, batch, threads, vector, withBase)
                  .isEqualTo(withBase ? plus : plain);
              assertThat(acc.releaseCompensation()).as("a plain sum has no compensation array").isNull();
            }
          }
        }
      }
      if (k >= 2) {
        assertThat(Float.isInfinite(referencePlain(ds, w, null)[P - 2])).isTrue();
      }
    }
  }

  @Test
  void smallModelsStayOnTheCallingThreadAndBadSettingsAreNamed() {
    MeanAccumulator small = new MeanAccumulator(10, 1, 2);
    small.add(new float[10], 1);
    assertThat(small.count()).isEqualTo(1);
    assertThatThrownBy(() -> new MeanAccumulator(P, 1, 0)).hasMessageContaining("threads");
    assertThatThrownBy(() -> new MeanAccumulator(P, 0, 2)).hasMessageContaining("fold batch");
  }
}
