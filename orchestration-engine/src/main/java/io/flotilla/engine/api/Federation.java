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

  /** A participant reports that it cannot deliver for the round (dropped, crashed, out of time). */
  void reportFailure(String participantId, long roundId, String reason);

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
