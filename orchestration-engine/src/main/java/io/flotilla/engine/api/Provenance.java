package io.flotilla.engine.api;

import java.util.Objects;

/**
 * Where an update came from: device class, how long local training took, how many samples it saw and the
 * label histogram of the participant's local data (counts only, never raw data). Immutable.
 */
public record Provenance(String deviceClass, long trainingMillis, long sampleCount, long[] labelHistogram) {
  public Provenance {
    Objects.requireNonNull(deviceClass, "deviceClass");
    if (trainingMillis < 0) {
      throw new IllegalArgumentException("trainingMillis must be >= 0");
    }
    if (sampleCount < 0) {
      throw new IllegalArgumentException("sampleCount must be >= 0");
    }
    labelHistogram = labelHistogram == null ? new long[0] : labelHistogram.clone();
  }

  @Override
  public long[] labelHistogram() {
    return labelHistogram.clone();
  }
}
