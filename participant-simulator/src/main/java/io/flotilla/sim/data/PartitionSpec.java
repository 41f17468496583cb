package io.flotilla.sim.data;

/**
 * How a data set is divided among participants, as written on the command line ({@code --partition}):
 * {@code natural} (keep the data set's own per-device split, e.g. {@link SyntheticFedProx}'s devices),
 * {@code iid}, {@code dirichlet:ALPHA} or {@code shards:K}; see {@link Partitioner} for the algorithms.
 *
 * <p>Immutable value types; thread-safe.
 */
public sealed interface PartitionSpec {

    /** Keep the data set's own per-device split; there is nothing to compute. */
    record Natural() implements PartitionSpec {
        @Override
        public String toString() {
            return "natural";
        }
    }

    /** {@link Partitioner#iid}. */
    record Iid() implements PartitionSpec {
        @Override
        public String toString() {
            return "iid";
        }
    }

    /**
     * {@link Partitioner#dirichlet}.
     *
     * @param alpha concentration, &gt; 0 and finite
     */
    record Dirichlet(double alpha) implements PartitionSpec {
        /** @throws IllegalArgumentException unless alpha is positive and finite */
        public Dirichlet {
            if (!(alpha > 0) || Double.isInfinite(alpha)) {
                throw new IllegalArgumentException("Dirichlet alpha must be > 0 and finite, got " + alpha);
            }
        }

        @Override
        public String toString() {
            return "dirichlet:" + alpha;
        }
    }

    /**
     * {@link Partitioner#shards}.
     *
     * @param k labels per party, &ge; 1
     */
    record Shards(int k) implements PartitionSpec {
        /** @throws IllegalArgumentException if k &lt; 1 */
        public Shards {
            if (k < 1) {
                throw new IllegalArgumentException("labels per party k must be >= 1, got " + k);
            }
        }

        @Override
        public String toString() {
            return "shards:" + k;
        }
    }

    /**
     * Partitions samples with these labels among {@code parties}; one index array per party.
     *
     * @throws UnsupportedOperationException for {@link Natural}, which has no partition to compute
     * @throws IllegalArgumentException as the {@link Partitioner} method does
     */
    default int[][] partition(int[] labels, int classes, int parties, long seed) {
        if (this instanceof Iid) {
            return Partitioner.iid(labels.length, parties, seed);
        } else if (this instanceof Dirichlet d) {
            return Partitioner.dirichlet(labels, classes, parties, d.alpha(), seed);
        } else if (this instanceof Shards s) {
            return Partitioner.shards(labels, classes, parties, s.k(), seed);
        }
        throw new UnsupportedOperationException(
                "the natural partition keeps the data set's own split; there is nothing to compute");
    }

    /**
     * Parses {@code natural}, {@code iid}, {@code dirichlet:ALPHA} (ALPHA a positive decimal such as
     * {@code 0.5} or {@code 1e-1}) or {@code shards:K} (K a positive integer); case-insensitive, surrounding
     * blanks ignored. {@code toString()} gives the canonical form back.
     *
     * @throws IllegalArgumentException with a message like
     *     {@code invalid --partition 'dirichlet:x': ALPHA must be a positive number, e.g. dirichlet:0.5}
     */
    static PartitionSpec parse(String s) {
        return PartitionSpecParser.parse(s);
    }
}
