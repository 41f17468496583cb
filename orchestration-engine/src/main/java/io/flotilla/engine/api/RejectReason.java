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
  LATE
}
