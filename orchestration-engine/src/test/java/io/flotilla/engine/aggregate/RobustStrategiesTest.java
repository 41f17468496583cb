package io.flotilla.engine.aggregate;

import static io.flotilla.engine.aggregate.Updates.aggregate;
import static io.flotilla.engine.aggregate.Updates.update;
import static io.flotilla.engine.aggregate.Updates.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Median, trimmed mean and Krum against hand-computed values, edge cases and spilling. */
class RobustStrategiesTest {
  static final Extensions EXT = Extensions.load();

  static List<Update> scalars(float... values) {
    List<Update> ups = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      ups.add(update("p" + i, 1, values[i]));
    }
    return ups;
  }

  @Test
  void medianOddEvenAndTies() {
    AggregationStrategy m = EXT.strategy("median");
    assertThat(m.needsAllUpdates()).isTrue();
    assertThat(aggregate(m, zeros(1), scalars(5f, -1f, 100f))).containsExactly(5f);
    assertThat(aggregate(m, zeros(1), scalars(4f, 1f, 3f, 2f))).containsExactly(2.5f); // numpy: mean of middle two
    assertThat(aggregate(m, zeros(1), scalars(7f, 7f, 1f, 7f, 9f))).containsExactly(7f); // ties
    assertThat(aggregate(m, zeros(1), scalars(2f, 2f))).containsExactly(2f);
    assertThat(aggregate(m, zeros(1), scalars(-3f))).containsExactly(-3f); // one update
  }

  @Test
  void medianIsCoordinateWise() {
    // three updates of two coordinates: median of (1, 10, 5) and of (-1, 0, 8)
    List<Update> ups = List.of(update("a", 1, 1f, -1f), update("b", 1, 10f, 0f), update("c", 1, 5f, 8f));
    assertThat(aggregate(EXT.strategy("median"), Updates.model(1f, 1f), ups)).containsExactly(6f, 1f);
  }

  @Test
  void trimmedMeanByHand() {
    // beta 0.2 over 5 values drops floor(1.0) = 1 at each end: mean(2, 3, 4) = 3
    assertThat(aggregate(EXT.strategy("trimmed-mean:beta=0.2"), zeros(1), scalars(100f, 2f, 3f, -50f, 4f)))
        .containsExactly(3f);
    // beta 0.1 over 5 values trims nothing: the plain mean 11.8
    assertThat(aggregate(EXT.strategy("trimmed-mean:beta=0.1"), zeros(1), scalars(100f, 2f, 3f, -50f, 4f))[0])
        .isCloseTo(11.8f, offset(1e-5f));
    // beta 0.45 over 10 values drops 4 each side: mean of the middle two
    assertThat(aggregate(EXT.strategy("trimmed-mean:beta=0.45"), zeros(1),
        scalars(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f))).containsExactly(5.5f);
    assertThatThrownBy(() -> EXT.strategy("trimmed-mean:beta=0.5")).hasMessageContaining("beta");
  }

  @Test
  void krumPicksTheUpdateClosestToItsNeighbours() {
    // n = 5, f = 1: each score sums the n - f - 2 = 2 smallest squared distances.
    // (0,0), (1,0), (0,1), (1,1) form a unit square; (10,10) is an outlier.
    // Scores: corners each have two neighbours at 1 -> 2; the outlier's two nearest are 181, 181 -> 362.
    // Ties go to the earliest in cohort order, so Krum returns (0,0)... shifted here by (0.1, 0) to break ties.
    List<Update> ups = List.of(update("a", 1, 0f, 0f), update("b", 1, 1f, 0f), update("c", 1, 0.1f, 1f),
        update("d", 1, 1f, 1f), update("e", 1, 10f, 10f));
    float[] w = aggregate(EXT.strategy("krum:f=1"), zeros(2), ups);
    // distances^2: a-b 1, a-c 1.01, a-d 2, b-c 1.81, b-d 1, c-d 0.81: scores a 2.01, b 2, c 1.82, d 1.81
    assertThat(w).containsExactly(1f, 1f);
  }

  @Test
  void multiKrumAveragesTheBestM() {
    List<Update> ups = List.of(update("a", 1, 0f, 0f), update("b", 1, 1f, 0f), update("c", 1, 0.1f, 1f),
        update("d", 1, 1f, 1f), update("e", 1, 10f, 10f));
    float[] w = aggregate(EXT.strategy("multi-krum:f=1,m=2"), zeros(2), ups); // d (1.81) and c (1.82)
    assertThat(w[0]).isCloseTo(0.55f, offset(1e-6f));
    assertThat(w[1]).isCloseTo(1f, offset(1e-6f));
    float[] all = aggregate(EXT.strategy("multi-krum:f=1"), zeros(2), ups); // m = n - f = 4: drops e
    assertThat(all[0]).isCloseTo(0.525f, offset(1e-6f));
    assertThat(all[1]).isCloseTo(0.5f, offset(1e-6f));
  }

  @Test
  void krumWithFTooLargeFailsClearly() {
    AggregationStrategy k = EXT.strategy("krum:f=2");
    assertThat(k.minimumUpdates()).isEqualTo(7);
    RoundAggregator agg = k.begin(zeros(1));
    scalars(1f, 2f, 3f, 4f, 5f, 6f).forEach(agg::accept);
    assertThatThrownBy(agg::aggregate).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("f=2").hasMessageContaining("2f+3 = 7").hasMessageContaining("has 6");
    assertThatThrownBy(() -> EXT.strategy("krum:f=-1")).hasMessageContaining("'f'");
  }

  @Test
  void sortingNetworkSortsEveryColumnForEverySize() {
    SplittableRandom r = new SplittableRandom(1);
    for (int n = 1; n <= 70; n++) {
      SortingNetwork net = new SortingNetwork(n);
      int width = 37;
      float[][] rows = new float[n][width];
      for (float[] row : rows) {
        for (int i = 0; i < width; i++) {
          row[i] = r.nextInt(5) == 0 ? 3f : (float) r.nextGaussian(); // with ties
        }
      }
      float[][] expected = new float[width][n];
      for (int c = 0; c < width; c++) {
        for (int k = 0; k < n; k++) {
          expected[c][k] = rows[k][c];
        }
        Arrays.sort(expected[c]);
      }
      net.sortColumns(rows, width);
      for (int c = 0; c < width; c++) {
        for (int k = 0; k < n; k++) {
          assertThat(rows[k][c]).as("n=%d col=%d rank=%d", n, c, k).isEqualTo(expected[c][k]);
        }
      }
    }
    assertThat(new SortingNetwork(16).comparators()).isEqualTo(63); // Batcher: (p^2 - p + 4) 2^(p-2) - 1
  }

  @Test
  void krumDistancesMatchTheDefinitionForEveryCohortSizeAroundThePadding() {
    int p = 5_000; // not a multiple of the 256-coordinate block
    for (int n : new int[] {3, 15, 16, 17, 33}) {
      List<Update> ups = random(n, p, 100 + n);
      UpdateBuffer buffer = new UpdateBuffer(p, Long.MAX_VALUE, null);
      ups.forEach(u -> buffer.add(u.delta()));
      double[] dist = Krum.distances(buffer, 2);
      assertThat(Krum.distances(buffer, 1)).as("thread count changes the bits, n=%d", n).isEqualTo(dist);
      for (int i = 0; i < n; i++) {
        assertThat(dist[i * n + i]).isZero();
        for (int j = 0; j < n; j++) {
          double exact = 0;
          for (int c = 0; c < p; c++) {
            double d = (double) ups.get(i).delta()[c] - ups.get(j).delta()[c];
            exact += d * d;
          }
          assertThat(dist[i * n + j]).as("n=%d (%d, %d)", n, i, j).isCloseTo(exact, offset(exact * 1e-5));
        }
      }
      buffer.close();
    }
  }

  @Test
  void selectingNetworksPlaceTheRequestedRanksWithFewerComparators() {
    SplittableRandom r = new SplittableRandom(2);
    for (int n = 1; n <= 70; n++) {
      int[][] ranges = {{(n - 1) / 2, n / 2}, {n / 5, n - 1 - n / 5}, {0, 0}, {n - 1, n - 1}};
      for (int[] range : ranges) {
        SortingNetwork net = SortingNetwork.selecting(n, range[0], range[1]);
        assertThat(net.comparators()).isLessThanOrEqualTo(new SortingNetwork(n).comparators());
        int width = 19;
        float[][] rows = new float[n][width];
        for (float[] row : rows) {
          for (int i = 0; i < width; i++) {
            row[i] = r.nextInt(4) == 0 ? -1f : (float) r.nextGaussian(); // with ties
          }
        }
        float[][] sorted = new float[width][n];
        for (int c = 0; c < width; c++) {
          for (int k = 0; k < n; k++) {
            sorted[c][k] = rows[k][c];
          }
          Arrays.sort(sorted[c]);
        }
        net.sortColumns(rows, width);
        for (int c = 0; c < width; c++) {
          for (int k = range[0]; k <= range[1]; k++) {
            assertThat(rows[k][c]).as("n=%d ranks=%s col=%d rank=%d", n, Arrays.toString(range), c, k)
                .isEqualTo(sorted[c][k]);
          }
        }
      }
    }
    assertThat(SortingNetwork.selecting(100, 49, 50).comparators()).isEqualTo(898); // of 1,104
    assertThatThrownBy(() -> SortingNetwork.selecting(5, 3, 5)).hasMessageContaining("outside [0, 5)");
  }

  static List<Update> random(int k, int p, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Update> ups = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      float[] d = new float[p];
      for (int i = 0; i < p; i++) {
        d[i] = (float) r.nextGaussian();
      }
      ups.add(update("p" + j, 1, d));
    }
    return ups;
  }

  @Test
  void resultsDoNotDependOnThreadsAndMatchTheDefinition() {
    List<Update> ups = random(9, 10_000, 3);
    for (String s : List.of("median", "trimmed-mean:beta=0.2", "multi-krum:f=2,m=3")) {
      float[] one = aggregate(EXT.strategy(s + (s.contains(":") ? "," : ":") + "threads=1"), zeros(10_000), ups);
      float[] two = aggregate(EXT.strategy(s + (s.contains(":") ? "," : ":") + "threads=2"), zeros(10_000), ups);
      assertThat(two).as(s).isEqualTo(one);
    }
    float[] med = aggregate(EXT.strategy("median"), zeros(10_000), ups);
    for (int i = 0; i < 10_000; i += 997) {
      float[] col = new float[9];
      for (int k = 0; k < 9; k++) {
        col[k] = ups.get(k).delta()[i];
      }
      Arrays.sort(col);
      assertThat(med[i]).isEqualTo(col[4]);
    }
  }

  @Test
  void spillsPastTheLimitToAMappedFileAndGivesTheSameResult(@TempDir Path tmp) {
    int p = 300_000; // 1.2 MB per update
    List<Update> ups = random(7, p, 11);
    float[] inMemory = aggregate(EXT.strategy("median"), zeros(p), ups);
    UpdateBuffer buffer = new UpdateBuffer(p, 2L << 20, tmp); // room for one update on the heap
    ups.forEach(u -> buffer.add(u.delta()));
    assertThat(buffer.spilled()).isTrue();
    assertThat(buffer.heapBytes()).isLessThanOrEqualTo(2L << 20);
    assertThat(buffer.spilledBytes()).isEqualTo(6L * 4 * p);
    float[] spilled = new CoordinateMedian(2L << 20, tmp, 2).aggregateDelta(buffer);
    assertThat(spilled).isEqualTo(inMemory);
    float[] krumSpilled = new Krum("krum", 1, 1, 2L << 20, tmp, 2).aggregateDelta(buffer);
    assertThat(krumSpilled).isEqualTo(aggregate(EXT.strategy("krum:f=1"), zeros(p), ups));
    buffer.close();
    assertThat(Files.exists(buffer.spillFile())).isFalse(); // unlinked (at once on Unix, at close elsewhere)
  }

  @Test
  void aRobustRoundLeavesNoSpillFileBehind(@TempDir Path tmp) throws Exception {
    CoordinateMedian m = new CoordinateMedian(0, tmp, 1); // spill everything
    List<Update> ups = random(3, 1000, 2);
    RoundAggregator agg = m.begin(zeros(1000));
    ups.forEach(agg::accept);
    float[] w = agg.aggregate().orElseThrow();
    assertThat(w).isEqualTo(aggregate(EXT.strategy("median"), zeros(1000), ups));
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.count()).isZero();
    }
  }
}
