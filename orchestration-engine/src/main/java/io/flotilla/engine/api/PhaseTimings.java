package io.flotilla.engine.api;

/**
 * How long one participant spent in each phase of one round, as it measured them (or, for a simulated
 * participant, as its device profile models them): downloading the base model, training locally, uploading
 * its update. Telemetry for the console's timeline: never part of the model, the store or the audit log.
 * Immutable.
 *
 * @param downloadMillis from the instruction to the base model in hand
 * @param trainMillis local training
 * @param uploadMillis from the first byte of the update sent to the coordinator's answer
 */
public record PhaseTimings(long downloadMillis, long trainMillis, long uploadMillis) {
  public PhaseTimings {
    if (downloadMillis < 0 || trainMillis < 0 || uploadMillis < 0) {
      throw new IllegalArgumentException("phase timings must be >= 0 ms, were download=" + downloadMillis
          + " train=" + trainMillis + " upload=" + uploadMillis);
    }
  }

  /** Download + train + upload. */
  public long totalMillis() {
    return downloadMillis + trainMillis + uploadMillis;
  }
}
