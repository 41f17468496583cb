package io.flotilla.engine.api;

import java.util.Objects;

/**
 * The coordinator's verdict on one submitted {@link Update}: accepted into the round's aggregate, or
 * rejected with a stable {@link RejectReason} and a human-readable detail. The typed answer that the wire
 * protocol's upload acknowledgement carries. Immutable.
 *
 * @param reason null when accepted
 * @param detail empty when accepted
 */
public record UpdateOutcome(String participantId, long roundId, boolean accepted, RejectReason reason, String detail) {
  public UpdateOutcome {
    Objects.requireNonNull(participantId, "participantId");
    if (accepted && reason != null) {
      throw new IllegalArgumentException("an accepted update has no reject reason");
    }
    if (!accepted && reason == null) {
      throw new IllegalArgumentException("a rejected update needs a reason");
    }
    detail = detail == null ? "" : detail;
  }

  public static UpdateOutcome accepted(String participantId, long roundId) {
    return new UpdateOutcome(participantId, roundId, true, null, "");
  }

  public static UpdateOutcome rejected(String participantId, long roundId, RejectReason reason, String detail) {
    return new UpdateOutcome(participantId, roundId, false, reason, detail);
  }
}
