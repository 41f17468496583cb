package io.flotilla.engine.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the coordinator tells the outside world. Every event carries a monotonic sequence number
 * (gap-free per federation) and the coordinator clock's time. Events are immutable and published on the
 * coordinator thread; subscribers must hand them off quickly (the console batches them onto the FX
 * thread).
 */
public sealed interface FederationEvent {
  long seq();

  Instant time();

  /** The federation moved between life-cycle states. */
  record StateChanged(long seq, Instant time, FederationState from, FederationState to, String reason)
      implements FederationEvent {}

  /** A participant joined (or rejoined) the federation. */
  record ParticipantJoined(long seq, Instant time, String participantId, String deviceClass, long sampleCount)
      implements FederationEvent {}

  /** A round selected its cohort and is about to broadcast. */
  record RoundStarted(
      long seq, Instant time, long roundId, long baseVersion, List<String> selected, Instant deadline)
      implements FederationEvent {}

  /** A round moved from one phase to the next. */
  record RoundPhaseChanged(long seq, Instant time, long roundId, RoundPhase from, RoundPhase to)
      implements FederationEvent {}

  /** An update passed validation and was folded into the round's aggregate. */
  record UpdateAccepted(
      long seq,
      Instant time,
      long roundId,
      String participantId,
      long sampleCount,
      boolean partial,
      long trainingMillis,
      Map<String, Double> metrics)
      implements FederationEvent {}

  /** An update was refused; the federation state is unchanged by it. */
  record UpdateRejected(
      long seq, Instant time, long roundId, String participantId, RejectReason reason, String detail)
      implements FederationEvent {}

  /**
   * A participant was suspended: it is no longer selected (repeat offender under the trust policy).
   *
   * @param strikes updates rejected as suspicious so far
   * @param trust its trust score now
   */
  record ParticipantSuspended(long seq, Instant time, String participantId, int strikes, double trust, String reason)
      implements FederationEvent {}

  /** A selected participant did not deliver (dropped out, failed, timed out). */
  record ParticipantFailed(long seq, Instant time, long roundId, String participantId, String reason)
      implements FederationEvent {}

  /** A round produced a new global model version. */
  record RoundCommitted(
      long seq,
      Instant time,
      long roundId,
      long version,
      String modelSha256,
      int contributors,
      int selected,
      Map<String, Double> metrics,
      long durationMillis)
      implements FederationEvent {}

  /** A round ended without a new model. */
  record RoundAborted(long seq, Instant time, long roundId, String reason) implements FederationEvent {}

  /**
   * An operator rolled the global model back: {@code newVersion} holds the parameters of {@code toVersion}
   * and is now current (versions are never rewritten, so a rollback makes a new one).
   */
  record ModelRolledBack(
      long seq,
      Instant time,
      long fromVersion,
      long toVersion,
      long newVersion,
      String modelSha256,
      String actor,
      String reason)
      implements FederationEvent {}
}
