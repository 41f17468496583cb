package io.flotilla.sim.data;

import java.util.List;
import java.util.Objects;

/**
 * The data of one simulated federation: each participant's training shard, in participant order, and a
 * held-out test set on which the global model is evaluated.
 *
 * <p>Immutable ({@link Dataset} is immutable and the list is copied); safe to share between threads.
 *
 * @param participantTrain training shard of participant {@code i} at index {@code i}; shards may be empty
 * @param test held-out test set
 * @param description human-readable provenance, e.g. {@code "synthetic(1,1) FedProx, 30 devices, seed 7"}
 */
public record FederatedData(List<Dataset> participantTrain, Dataset test, String description) {

    /**
     * @throws IllegalArgumentException if there are no participants or the shards and the test set disagree
     *     on features or classes
     */
    public FederatedData {
        participantTrain = List.copyOf(participantTrain);
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(description, "description");
        if (participantTrain.isEmpty()) {
            throw new IllegalArgumentException("a federation needs at least one participant shard");
        }
        for (int i = 0; i < participantTrain.size(); i++) {
            Dataset d = participantTrain.get(i);
            if (d.features() != test.features() || d.classes() != test.classes()) {
                throw new IllegalArgumentException("participant " + i + " shard has " + d.features()
                        + " features and " + d.classes() + " classes, but the test set has " + test.features()
                        + " and " + test.classes());
            }
        }
    }

    /** Number of participants. */
    public int participants() {
        return participantTrain.size();
    }

    /** Total number of training samples over all participants. */
    public long totalTrainSamples() {
        long n = 0;
        for (Dataset d : participantTrain) {
            n += d.size();
        }
        return n;
    }
}
