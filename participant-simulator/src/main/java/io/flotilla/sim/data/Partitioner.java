package io.flotilla.sim.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Splits a pooled data set among federated parties as the NIID-Bench benchmark does: Li, Diao, Chen, He,
 * "Federated Learning on Non-IID Data Silos: An Experimental Study", ICDE 2022 (§III and their
 * {@code partition_data}). Each method returns one array of sample indices per party; within a party the
 * indices are in <strong>random order</strong> (shuffled with the same seed), and no index appears twice.
 * The same arguments always give the same partition.
 *
 * <p>Stateless; thread-safe.
 */
public final class Partitioner {

    /** NIID-Bench's {@code min_require_size}: every Dirichlet party ends up with at least this many samples. */
    public static final int MIN_DIRICHLET_PARTY_SIZE = 10;
    /** Redraws allowed before {@link #dirichlet} gives up (NIID-Bench loops forever). */
    static final int MAX_DIRICHLET_ATTEMPTS = 10_000;

    private Partitioner() {}

    /**
     * Homogeneous split (NIID-Bench {@code homo}): a random permutation of {@code 0..n-1} cut into
     * {@code parties} contiguous pieces whose sizes differ by at most one (the first {@code n mod parties}
     * are one larger, as {@code numpy.array_split}).
     *
     * @throws IllegalArgumentException if {@code n < 0} or {@code parties < 1}
     */
    public static int[][] iid(int n, int parties, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        checkParties(parties);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Distributions.shuffle(rng, perm);
        int[][] out = new int[parties][];
        int from = 0;
        for (int j = 0; j < parties; j++) {
            int len = n / parties + (j < n % parties ? 1 : 0);
            out[j] = Arrays.copyOfRange(perm, from, from + len);
            from += len;
        }
        return out;
    }

    /**
     * Dirichlet label skew, NIID-Bench {@code noniid-labeldir} (after Yurochkin et al., ICML 2019): for each
     * class in turn, shuffle its samples, draw party proportions {@code p ~ Dir(alpha · 1_parties)}, set
     * {@code p_j = 0} for every party already holding at least {@code total / parties} samples, renormalise,
     * and cut the class at {@code int(cumsum(p) · classSize)}; redraw everything until every party has at
     * least {@link #MIN_DIRICHLET_PARTY_SIZE} samples. Small alpha (0.1) gives parties dominated by one or
     * two labels; large alpha (100) approaches IID. Covers every index.
     *
     * @param labels label of each sample, in {@code [0, classes)}
     * @param alpha concentration β of the paper, &gt; 0
     * @throws IllegalArgumentException on bad arguments, if there are fewer than 10 samples per party, or if
     *     no valid draw was found in {@value #MAX_DIRICHLET_ATTEMPTS} attempts (alpha too small for the
     *     number of parties)
     */
    public static int[][] dirichlet(int[] labels, int classes, int parties, double alpha, long seed) {
        int[][] byClass = indicesByClass(labels, classes);
        checkParties(parties);
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("Dirichlet alpha must be > 0 and finite, got " + alpha);
        }
        long total = labels.length;
        if (total < (long) MIN_DIRICHLET_PARTY_SIZE * parties) {
            throw new IllegalArgumentException("Dirichlet partition needs at least " + MIN_DIRICHLET_PARTY_SIZE
                    + " samples per party: " + total + " samples cannot fill " + parties + " parties");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int attempt = 0; attempt < MAX_DIRICHLET_ATTEMPTS; attempt++) {
            IntList[] batch = newLists(parties);
            for (int k = 0; k < classes; k++) {
                int[] idx = byClass[k].clone();
                Distributions.shuffle(rng, idx);
                double[] p = Distributions.dirichlet(rng, alpha, parties);
                double sum = 0;
                for (int j = 0; j < parties; j++) {
                    // "balance": parties that already hold their fair share get nothing more
                    if ((long) batch[j].size * parties >= total) {
                        p[j] = 0;
                    }
                    sum += p[j];
                }
                if (idx.length == 0 || sum == 0) {
                    continue;
                }
                double cum = 0;
                int from = 0;
                for (int j = 0; j < parties; j++) {
                    int to;
                    if (j == parties - 1) {
                        to = idx.length;
                    } else {
                        cum += p[j] / sum;
                        to = Math.max(from, Math.min(idx.length, (int) (cum * idx.length)));
                    }
                    batch[j].addAll(idx, from, to);
                    from = to;
                }
            }
            int min = Integer.MAX_VALUE;
            for (IntList l : batch) {
                min = Math.min(min, l.size);
            }
            if (min >= MIN_DIRICHLET_PARTY_SIZE) {
                return finish(batch, rng);
            }
        }
        throw new IllegalArgumentException("no Dirichlet(" + alpha + ") partition over " + parties
                + " parties gave every party " + MIN_DIRICHLET_PARTY_SIZE + " samples in " + MAX_DIRICHLET_ATTEMPTS
                + " draws; use a larger alpha or fewer parties");
    }

    /**
     * Quantity-based label imbalance, NIID-Bench {@code noniid-#label k} ("#C = k"): party {@code i} holds
     * label {@code i mod classes} plus {@code k − 1} other distinct labels drawn uniformly at random; each
     * label's samples are shuffled and split as equally as possible ({@code numpy.array_split}) among the
     * parties holding it. Samples of a label no party holds are left out (only possible when
     * {@code parties < classes}).
     *
     * @param k labels per party, in {@code [1, classes]}
     * @throws IllegalArgumentException on bad arguments
     */
    public static int[][] shards(int[] labels, int classes, int parties, int k, long seed) {
        int[][] byClass = indicesByClass(labels, classes);
        checkParties(parties);
        if (k < 1 || k > classes) {
            throw new IllegalArgumentException("labels per party k must be in [1, " + classes + "], got " + k);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        boolean[][] holds = new boolean[parties][classes];
        int[] holders = new int[classes];
        for (int i = 0; i < parties; i++) {
            int own = i % classes;
            holds[i][own] = true;
            holders[own]++;
            int have = 1;
            while (have < k) {
                int label = rng.nextInt(classes);
                if (!holds[i][label]) {
                    holds[i][label] = true;
                    holders[label]++;
                    have++;
                }
            }
        }
        IntList[] batch = newLists(parties);
        for (int label = 0; label < classes; label++) {
            if (holders[label] == 0) {
                continue;
            }
            int[] idx = byClass[label].clone();
            Distributions.shuffle(rng, idx);
            int piece = 0;
            int from = 0;
            for (int i = 0; i < parties; i++) {
                if (holds[i][label]) {
                    int len = idx.length / holders[label] + (piece < idx.length % holders[label] ? 1 : 0);
                    batch[i].addAll(idx, from, from + len);
                    from += len;
                    piece++;
                }
            }
        }
        return finish(batch, rng);
    }

    private static void checkParties(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be >= 1, got " + parties);
        }
    }

    private static int[][] indicesByClass(int[] labels, int classes) {
        Objects.requireNonNull(labels, "labels");
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        int[] counts = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " of sample " + i + " is outside [0, " + classes + ")");
            }
            counts[labels[i]]++;
        }
        int[][] byClass = new int[classes][];
        for (int c = 0; c < classes; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][fill[labels[i]]++] = i;
        }
        return byClass;
    }

    private static IntList[] newLists(int parties) {
        IntList[] lists = new IntList[parties];
        for (int j = 0; j < parties; j++) {
            lists[j] = new IntList();
        }
        return lists;
    }

    private static int[][] finish(IntList[] batch, SplittableRandom rng) {
        int[][] out = new int[batch.length][];
        for (int j = 0; j < batch.length; j++) {
            out[j] = Arrays.copyOf(batch[j].data, batch[j].size);
            Distributions.shuffle(rng, out[j]);
        }
        return out;
    }

    /** Growable int array; avoids boxing a list per party. */
    private static final class IntList {
        int[] data = new int[16];
        int size;

        void addAll(int[] src, int from, int to) {
            int len = to - from;
            if (size + len > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, size + len));
            }
            System.arraycopy(src, from, data, size, len);
            size += len;
        }
    }
}
