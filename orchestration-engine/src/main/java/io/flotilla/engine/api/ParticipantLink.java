package io.flotilla.engine.api;

/**
 * How the coordinator reaches one participant: in-process for the simulator, a gRPC session for remote
 * participants. Called on the coordinator thread, so implementations must return at once and do their
 * work elsewhere; the answer comes back through {@link Federation#submitUpdate} or
 * {@link Federation#reportFailure}.
 */
public interface ParticipantLink {
  /** Hands a task to the participant. Must not block. */
  void instruct(TrainingTask task);

  /** The round was closed or aborted: work on it may stop. Must not block. */
  default void cancel(long roundId) {}

  /**
   * Asks for a calibration (evaluation and feature statistics, no training); the answer goes to
   * {@link Federation#submitCalibration}. Must not block.
   *
   * @return false when this participant cannot calibrate (it is then listed as unsupported)
   */
  default boolean calibrate(CalibrationTask task) {
    return false;
  }

  /** Publishes a calibration's normalization and reweighting to the participant. Must not block. */
  default void applyCalibration(Calibration calibration) {}
}
