package io.flotilla.engine.api;

import java.util.Map;
import java.util.Objects;

/**
 * A participant's answer to a {@link TrainingTask}: the change it proposes to the global model ({@code delta}
 * = local weights − base weights), bound to the round, base version and nonce it was issued for, with the
 * sample count that weighs it, how many of the requested local epochs were completed, local metrics and
 * provenance. The engine never mutates {@code delta}; producers must not mutate it after submitting.
 */
public record Update(
    String participantId,
    long roundId,
    long baseVersion,
    long nonce,
    float[] delta,
    long sampleCount,
    int completedEpochs,
    int requestedEpochs,
    Map<String, Double> metrics,
    Provenance provenance) {

  public Update {
    Objects.requireNonNull(participantId, "participantId");
    Objects.requireNonNull(delta, "delta");
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    Objects.requireNonNull(provenance, "provenance");
  }

  /** True when the participant did less local work than it was asked for (a straggler's partial work). */
  public boolean isPartial() {
    return completedEpochs < requestedEpochs;
  }
}
