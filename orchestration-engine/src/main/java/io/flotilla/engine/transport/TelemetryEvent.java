package io.flotilla.engine.transport;

import io.flotilla.engine.api.Health;
import java.time.Instant;

/**
 * What remote participants report besides updates: heartbeats with device health, and the wall-clock
 * phases (download, train, upload) of each round they worked on, from which the console draws a
 * per-participant timeline. Published by {@link CoordinatorServer} on transport threads; listeners must
 * not block. Immutable.
 */
public sealed interface TelemetryEvent {
  String participantId();

  Instant time();

  /** A heartbeat: health, and what the participant is doing. */
  record HeartbeatReceived(String participantId, Instant time, Health health, long roundId, String phase)
      implements TelemetryEvent {}

  /** A round's phase timings, as the participant measured them; {@code startedAt} on the participant clock. */
  record PhasesReported(String participantId, Instant time, long roundId, Instant startedAt, long downloadMillis,
      long trainMillis, long uploadMillis) implements TelemetryEvent {}

  /** A session opened or closed (with the reason). */
  record SessionChanged(String participantId, Instant time, boolean open, String reason) implements TelemetryEvent {}

  /** A participant's evaluation of a global model version on its local data. */
  record EvaluationReported(String participantId, Instant time, long requestId, long modelVersion, long samples,
      double loss, double accuracy, String error) implements TelemetryEvent {}
}
