package io.flotilla.sim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartitionerTest {

    private static final int CLASSES = 10;
    private static final int PARTIES = 10;

    /** 10,000 samples, 1,000 per class, in shuffled order like a real data set. */
    private static int[] balancedLabels() {
        int[] labels = new int[10_000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % CLASSES;
        }
        Distributions.shuffle(new SplittableRandom(99), labels);
        return labels;
    }

    private static void assertDisjoint(int[][] parts, int n, boolean covering) {
        BitSet seen = new BitSet(n);
        int total = 0;
        for (int[] part : parts) {
            for (int i : part) {
                assertThat(i).isBetween(0, n - 1);
                assertThat(seen.get(i)).as("index %d assigned twice", i).isFalse();
                seen.set(i);
            }
            total += part.length;
        }
        if (covering) {
            assertThat(total).isEqualTo(n);
        }
    }

    private static double meanMaxLabelShare(int[][] parts, int[] labels) {
        double sum = 0;
        for (int[] part : parts) {
            long[] h = new long[CLASSES];
            for (int i : part) {
                h[labels[i]]++;
            }
            sum += (double) Arrays.stream(h).max().orElseThrow() / part.length;
        }
        return sum / parts.length;
    }

    @Test
    void iidIsBalancedDisjointAndCovering() {
        int[][] parts = Partitioner.iid(1003, 10, 1);
        for (int j = 0; j < 10; j++) {
            assertThat(parts[j]).hasSize(j < 3 ? 101 : 100);
        }
        assertDisjoint(parts, 1003, true);
        assertThat(meanMaxLabelShare(Partitioner.iid(10_000, PARTIES, 1), balancedLabels())).isLessThan(0.2);
    }

    @Test
    void dirichletSmallAlphaIsSkewedAndLargeAlphaNearUniform() {
        int[] labels = balancedLabels();
        double skewed = 0;
        double uniform = 0;
        for (long seed = 0; seed < 5; seed++) {
            skewed += meanMaxLabelShare(Partitioner.dirichlet(labels, CLASSES, PARTIES, 0.1, seed), labels) / 5;
            uniform += meanMaxLabelShare(Partitioner.dirichlet(labels, CLASSES, PARTIES, 100, seed), labels) / 5;
        }
        assertThat(skewed).isGreaterThan(0.5); // measured ≈ 0.62
        assertThat(uniform).isLessThan(0.2); // measured ≈ 0.11; perfectly uniform is 0.1
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.1, 0.5, 1, 100})
    void dirichletGivesEveryPartyTenSamplesAndCoversAll(double alpha) {
        int[] labels = balancedLabels();
        for (long seed = 0; seed < 3; seed++) {
            int[][] parts = Partitioner.dirichlet(labels, CLASSES, PARTIES, alpha, seed);
            assertThat(parts).hasNumberOfRows(PARTIES);
            for (int[] part : parts) {
                assertThat(part.length).isGreaterThanOrEqualTo(10);
            }
            assertDisjoint(parts, labels.length, true);
        }
    }

    @Test
    void dirichletWorksWithFewSamplesAndManyParties() {
        int[] labels = Arrays.copyOf(balancedLabels(), 2000);
        int[][] parts = Partitioner.dirichlet(labels, CLASSES, 50, 0.5, 1);
        for (int[] part : parts) {
            assertThat(part.length).isGreaterThanOrEqualTo(10);
        }
        assertDisjoint(parts, 2000, true);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 10})
    void shardsGiveEachPartyExactlyKLabelsIncludingItsOwn(int k) {
        int[] labels = balancedLabels();
        int[][] parts = Partitioner.shards(labels, CLASSES, PARTIES, k, 5);
        for (int i = 0; i < PARTIES; i++) {
            long[] h = new long[CLASSES];
            for (int idx : parts[i]) {
                h[labels[idx]]++;
            }
            assertThat(h[i % CLASSES]).as("party %d holds label %d", i, i % CLASSES).isPositive();
            assertThat(Arrays.stream(h).filter(c -> c > 0).count()).isEqualTo(k);
        }
        // with 10 parties every label has a holder (party i holds i), so every sample is assigned
        assertDisjoint(parts, labels.length, true);
    }

    @Test
    void shardsSplitEachLabelEquallyAmongHolders() {
        int[] labels = balancedLabels();
        int[][] parts = Partitioner.shards(labels, CLASSES, 20, 1, 5);
        // k = 1 and 20 parties: each label has exactly two holders (parties i and i + 10), 500 samples each
        for (int[] part : parts) {
            assertThat(part).hasSize(500);
        }
        int[][] few = Partitioner.shards(labels, CLASSES, 3, 1, 5);
        assertDisjoint(few, labels.length, false); // labels 3..9 have no holder and are left out
        assertThat(Arrays.stream(few).mapToInt(p -> p.length).sum()).isEqualTo(3000);
    }

    @Test
    void sameSeedSamePartitionOtherSeedDifferent() {
        int[] labels = balancedLabels();
        assertThat(Partitioner.iid(1000, 7, 4)).isDeepEqualTo(Partitioner.iid(1000, 7, 4));
        assertThat(Arrays.deepEquals(Partitioner.iid(1000, 7, 4), Partitioner.iid(1000, 7, 5))).isFalse();
        assertThat(Partitioner.dirichlet(labels, CLASSES, PARTIES, 0.5, 4))
                .isDeepEqualTo(Partitioner.dirichlet(labels, CLASSES, PARTIES, 0.5, 4));
        assertThat(Arrays.deepEquals(Partitioner.dirichlet(labels, CLASSES, PARTIES, 0.5, 4), Partitioner.dirichlet(labels, CLASSES, PARTIES, 0.5, 5))).isFalse();
        assertThat(Partitioner.shards(labels, CLASSES, PARTIES, 2, 4))
                .isDeepEqualTo(Partitioner.shards(labels, CLASSES, PARTIES, 2, 4));
        assertThat(Arrays.deepEquals(Partitioner.shards(labels, CLASSES, PARTIES, 2, 4), Partitioner.shards(labels, CLASSES, PARTIES, 2, 5))).isFalse();
    }

    @Test
    void rejectsBadArguments() {
        int[] labels = balancedLabels();
        assertThatThrownBy(() -> Partitioner.iid(10, 0, 1)).hasMessageContaining("parties");
        assertThatThrownBy(() -> Partitioner.dirichlet(labels, CLASSES, PARTIES, 0, 1)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> Partitioner.dirichlet(new int[50], CLASSES, PARTIES, 1, 1))
                .hasMessageContaining("at least 10 samples per party");
        assertThatThrownBy(() -> Partitioner.shards(labels, CLASSES, PARTIES, 11, 1)).hasMessageContaining("k must");
        assertThatThrownBy(() -> Partitioner.shards(new int[] {10}, CLASSES, PARTIES, 1, 1))
                .hasMessageContaining("label 10");
    }
}
