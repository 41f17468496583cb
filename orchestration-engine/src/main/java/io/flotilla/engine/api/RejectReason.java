package io.flotilla.engine.api;

/** Why an update was not used. Stable codes: the console, the audit log and the wire protocol use them. */
public enum RejectReason {
  UNKNOWN_PARTICIPANT,
  NOT_SELECTED,
  WRONG_ROUND,
  STALE_BASE_VERSION,
  BAD_NONCE,
  DUPLICATE,
  SHAPE_MISMATCH,
  NON_FINITE,
  INVALID_SAMPLE_COUNT,
  PARTIAL_WORK_DROPPED,
  LATE,
  /** The update's norm is an outlier against recent accepted norms (scaling attack, free rider). */
  SUSPICIOUS_NORM,
  /** The update points away from the federation's recent direction (sign flipping). */
  SUSPICIOUS_DIRECTION;

  /** True for the reasons that count against a participant's trust score. */
  public boolean isSuspicious() {
    return this == SUSPICIOUS_NORM || this == SUSPICIOUS_DIRECTION || this == NON_FINITE;
  }
}
