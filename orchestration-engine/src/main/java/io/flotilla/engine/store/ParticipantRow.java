package io.flotilla.engine.store;

import java.util.Objects;

/** A participant as persisted: what it declared, its standing, counters and trust. Immutable. */
public record ParticipantRow(
    String id,
    String deviceClass,
    long sampleCount,
    long[] labelHistogram,
    String state,
    long roundsSelected,
    long updatesAccepted,
    long failures,
    double trust,
    int strikes) {
  public ParticipantRow {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    labelHistogram = labelHistogram == null ? new long[0] : labelHistogram.clone();
  }

  @Override
  public long[] labelHistogram() {
    return labelHistogram.clone();
  }
}
