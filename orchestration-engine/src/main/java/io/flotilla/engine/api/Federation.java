package io.flotilla.engine.api;

import io.flotilla.engine.model.ModelState;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The facade through which the console, the command line, the simulator and tests drive a federation.
 * All methods are thread-safe and non-blocking: commands are queued for the coordinator thread, answers
 * come back as futures or events. Create one with {@link FederationBuilder}.
 */
public interface Federation extends AutoCloseable {

  FederationConfig config();

  /** Starts the round schedule (from CREATED), or resumes it (from PAUSED). */
  void start();

  /** Lets the current round finish, then starts no new one until {@link #resume()}. */
  void pause();

  void resume();

  /** Aborts the current round and stops the federation for good. */
  void stop();

  /** Registers (or re-registers) a participant reached through {@code link}. */
  CompletableFuture<Void> join(ParticipantInfo info, ParticipantLink link);

  /** Delivers a participant's update; the outcome arrives as an UpdateAccepted/UpdateRejected event. */
  void submitUpdate(Update update);

  /**
   * Delivers a participant's update and answers with the coordinator's verdict, completed on the
   * coordinator thread when the update is accepted or rejected (the same decision as the
   * UpdateAccepted/UpdateRejected event). The future fails with
   * {@link java.util.concurrent.RejectedExecutionException} when the command queue is full or the
   * federation is closed. This default correlates events by participant and round; the coordinator
   * overrides it with an exact implementation.
   */
  default CompletableFuture<UpdateOutcome> submit(Update update) {
    CompletableFuture<UpdateOutcome> f = new CompletableFuture<>();
    Subscription[] sub = new Subscription[1];
    sub[0] = subscribe(e -> {
      if (e instanceof FederationEvent.UpdateAccepted a && a.participantId().equals(update.participantId())
          && a.roundId() == update.roundId()) {
        f.complete(UpdateOutcome.accepted(a.participantId(), a.roundId()));
      } else if (e instanceof FederationEvent.UpdateRejected r
          && r.participantId().equals(update.participantId()) && r.roundId() == update.roundId()) {
        f.complete(UpdateOutcome.rejected(r.participantId(), r.roundId(), r.reason(), r.detail()));
      }
    });
    f.whenComplete((o, err) -> sub[0].close());
    try {
      submitUpdate(update);
    } catch (RuntimeException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  /** A participant reports that it cannot deliver for the round (dropped, crashed, out of time). */
  void reportFailure(String participantId, long roundId, String reason);

  /**
   * A participant's heartbeat: its battery, load and memory, which availability- and energy-aware
   * selection uses. Unknown participants are ignored.
   */
  void reportHealth(String participantId, Health health);

  /**
   * A heartbeat with what the participant is doing ({@code roundId}, 0 when idle; {@code phase}: idle,
   * download, train, upload): as {@link #reportHealth}, and the coordinator publishes it as a
   * {@link FederationEvent.ParticipantHeartbeat} (telemetry: never stored or audited). Unknown participants
   * are ignored.
   */
  default void reportHeartbeat(String participantId, Health health, long roundId, String phase) {
    reportHealth(participantId, health);
  }

  /**
   * A participant's phase timings for a round it worked on; the coordinator publishes them as a
   * {@link FederationEvent.UpdatePhases} (telemetry: never stored, audited or used by the model). Unknown
   * participants are ignored. This default drops them (a federation that draws no timeline).
   */
  default void reportPhases(String participantId, long roundId, PhaseTimings timings) {}

  /**
   * Rolls the global model back to {@code toVersion} (an operator action, audited with {@code reason}): a
   * new version holding that version's parameters and strategy state becomes current, between rounds (a
   * round in progress finishes first). Completes with the new version number, or fails naming why
   * (no store, unknown or purged version, corrupt blob); nothing changes on failure.
   */
  default CompletableFuture<Long> rollback(long toVersion, String reason) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException("this federation keeps no model history (no store)"));
  }

  /**
   * Operator command: the participant is not selected again until {@link #reinstate}; an update it has in
   * flight for the current round is refused. Audited with {@code actor} and {@code reason}; emits
   * ParticipantSuspended. Fails (changing nothing) for an unknown or revoked participant.
   */
  default CompletableFuture<Void> suspend(String participantId, String actor, String reason) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("suspend is not supported here"));
  }

  /** Operator command: a suspended participant may be selected again. Audited. */
  default CompletableFuture<Void> reinstate(String participantId, String actor, String reason) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("reinstate is not supported here"));
  }

  /**
   * Operator command: the participant is removed for good (its certificate, where there is one, is revoked by
   * the security layer); its in-flight update is refused and it is never selected again. Audited.
   */
  default CompletableFuture<Void> revoke(String participantId, String actor, String reason) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("revoke is not supported here"));
  }

  /**
   * The participant withdraws its consent: it is never selected again, its in-flight update is refused, and
   * the withdrawal is audited with the participant as actor.
   */
  default CompletableFuture<Void> withdrawConsent(String participantId, String reason) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException("consent withdrawal is not supported here"));
  }

  /**
   * Runtime tuning (an operator action, audited with {@code actor} and {@code reason}): the new values apply
   * from the next round, never the round in progress. Completes with the id of the first round that uses
   * them; fails (changing nothing) on an empty or invalid request or after the federation ended.
   */
  default CompletableFuture<Long> tune(Tuning tuning, String actor, String reason) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("tuning is not supported here"));
  }

  /**
   * Runs a calibration round between training rounds: every connected participant evaluates the current
   * global model and reports feature statistics and its label histogram; nothing is trained and no model
   * version is made. Completes with the combined result (also stored and emitted as CalibrationCompleted).
   */
  default CompletableFuture<Calibration> calibrate(String actor, String reason) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("calibration is not supported here"));
  }

  /** A participant's answer to a calibration request; ignored when it does not match one in progress. */
  default void submitCalibration(CalibrationReport report) {}

  /** Subscribes to events; the listener runs on the coordinator thread and must not block. */
  Subscription subscribe(Consumer<FederationEvent> listener);

  /** A snapshot taken on the coordinator thread. */
  CompletableFuture<FederationSnapshot> snapshot();

  /** The current global model. Never blocks on the coordinator (reads a published reference). */
  ModelState globalModel();

  FederationState state();

  /** Waits until the federation reaches a terminal state; returns false on timeout. */
  boolean awaitTermination(Duration timeout) throws InterruptedException;

  /** Stops the federation if running and releases its threads. Idempotent. */
  @Override
  void close();
}
