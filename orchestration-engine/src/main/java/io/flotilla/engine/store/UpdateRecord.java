package io.flotilla.engine.store;

import java.time.Instant;
import java.util.Map;

/**
 * Metadata of one update as it arrived (never its parameters): accepted or the reason it was not.
 * Immutable.
 */
public record UpdateRecord(
    String participantId,
    long roundId,
    long baseVersion,
    Instant receivedAt,
    long sampleCount,
    int completedEpochs,
    int requestedEpochs,
    boolean accepted,
    String rejectReason,
    String detail,
    long trainingMillis,
    String deviceClass,
    Map<String, Double> metrics) {
  public UpdateRecord {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }
}
