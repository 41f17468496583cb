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
   * A participant's heartbeat (telemetry): its device health and what it says it is doing. Published once per
   * report on the coordinator thread (remote participants send one every {@code heartbeatInterval}, 5 s by
   * default; the in-process simulation one per participant between rounds); never stored, never audited, and
   * it changes nothing but the health that availability- and energy-aware selection reads. Heartbeats of
   * unknown participants are dropped. Consumers that draw them should keep only the newest per participant
   * (the console's event bridge does).
   *
   * @param roundId the round it is working on, 0 when idle or unknown
   * @param phase {@code idle}, {@code download}, {@code train} or {@code upload}
   */
  record ParticipantHeartbeat(long seq, Instant time, String participantId, Health health, long roundId,
      String phase) implements FederationEvent {}

  /**
   * How long a participant spent downloading, training and uploading in a round (telemetry, see
   * {@link PhaseTimings}), reported once its update was answered. Comes after or before that update's
   * UpdateAccepted/UpdateRejected (the verdict waits for cohort order; the report does not), so consumers
   * match the two by (round, participant). Never stored, never audited, never changes the model.
   */
  record UpdatePhases(long seq, Instant time, long roundId, String participantId, PhaseTimings timings)
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

  /**
   * An operator (or the participant itself, for a consent withdrawal) changed a participant's standing:
   * suspended, reinstated, revoked or withdrew consent. {@code from}/{@code to} are participant state names.
   */
  record ParticipantStateChanged(
      long seq, Instant time, String participantId, String from, String to, String action, String actor,
      String reason)
      implements FederationEvent {}

  /** A stopping rule decided that the federation has trained enough; the federation finishes next. */
  record StoppingRuleFired(long seq, Instant time, long roundId, String rule, String reason)
      implements FederationEvent {}

  /**
   * Runtime tuning was accepted: the new values apply from round {@code effectiveFromRound} (never the round
   * in progress). Keys are setting names ({@code strategy}, {@code per_round}, {@code deadline_ms},
   * {@code learning_rate}, {@code server_lr}, {@code local_epochs}, {@code mu}).
   */
  record ConfigChanged(
      long seq, Instant time, long effectiveFromRound, Map<String, String> oldValues, Map<String, String> newValues,
      String actor, String reason)
      implements FederationEvent {}

  /**
   * Training looks divergent ({@code kind}: {@code loss-rising}, {@code loss-variance} or {@code non-finite}).
   *
   * @param values the indicator values that tripped the alarm
   * @param reaction what the coordinator changed from the next round, or {@code none}
   */
  record DivergenceAlarm(
      long seq, Instant time, long roundId, String kind, String detail, Map<String, Double> values, String reaction)
      implements FederationEvent {}

  /**
   * One participant's drift indicators in one round (see {@link DriftIndicators}): label-histogram JS
   * divergence to the federation (bits), relative trends of its local loss and of its update norm against
   * their running averages, cosine of its update to the last aggregate step.
   */
  record ParticipantDrift(String participantId, double labelJs, double lossTrend, double normTrend, double cosine,
      boolean alarm) {}

  /**
   * Per-round drift indicators of every participant that contributed, computed without raw data (label
   * histogram Jensen–Shannon divergence against the federation, relative local-loss trend, cosine of the
   * update to the last aggregate step), for heat maps.
   */
  record DriftIndicators(long seq, Instant time, long roundId, List<ParticipantDrift> participants, double federationJs)
      implements FederationEvent {
    public DriftIndicators {
      participants = List.copyOf(participants);
    }
  }

  /**
   * A participant ({@code participantId}), or the whole federation ({@code participantId} null), shifted.
   *
   * @param indicator {@code label-js}, {@code loss-trend}, {@code norm-trend} or {@code fraction-alarmed}
   * @param value what was compared with {@code threshold}: for {@code label-js} the change of the label
   *     histogram's JS divergence (bits) since the participant's first report, for the trends the relative
   *     rise, for {@code fraction-alarmed} the fraction of contributors flagged
   */
  record DriftAlarm(
      long seq, Instant time, long roundId, String participantId, String indicator, double value, double threshold,
      String detail)
      implements FederationEvent {}

  /**
   * A calibration round finished: it trained nothing and made no model version. Holds the evaluation of the
   * current global model on every participant, the federated per-feature mean and variance (published to
   * participants as normalization) and the per-participant reweighting computed from label histograms.
   */
  record CalibrationCompleted(
      long seq,
      Instant time,
      long calibrationId,
      long modelVersion,
      List<String> answered,
      List<String> unsupported,
      Map<String, Map<String, Double>> evaluation,
      double[] featureMean,
      double[] featureVariance,
      Map<String, Double> reweighting,
      String actor)
      implements FederationEvent {}
}
