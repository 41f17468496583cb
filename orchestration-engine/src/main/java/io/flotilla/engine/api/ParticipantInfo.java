package io.flotilla.engine.api;

import java.util.Objects;

/** What a participant declares about itself when it joins. Immutable. */
public record ParticipantInfo(String id, String deviceClass, long sampleCount, long[] labelHistogram) {
  public ParticipantInfo {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("participant id must not be blank");
    }
    deviceClass = deviceClass == null ? "unknown" : deviceClass;
    labelHistogram = labelHistogram == null ? new long[0] : labelHistogram.clone();
  }

  @Override
  public long[] labelHistogram() {
    return labelHistogram.clone();
  }
}
