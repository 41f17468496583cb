package io.flotilla.console.app;

import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationSnapshot;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.Health;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.Subscription;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A forwarding {@link Federation} for tests of the operator actions: everything goes to a real federation
 * except suspend / reinstate / revoke, which are recorded ({@link #calls}) and answered by {@link #failWith}
 * (null: success). The coordinator implements those commands on another branch; until then this double
 * stands in for it. Thread-safe.
 */
public final class RecordingOperatorFederation implements Federation {
  /** One recorded operator command. */
  public record Call(String command, String participantId, String actor, String reason) {}

  public final List<Call> calls = new CopyOnWriteArrayList<>();
  /** The failure the next commands complete with; null for success. */
  public volatile RuntimeException failWith;
  private final Federation delegate;

  public RecordingOperatorFederation(Federation delegate) {
    this.delegate = delegate;
  }

  private CompletableFuture<Void> record(String command, String id, String actor, String reason) {
    calls.add(new Call(command, id, actor, reason));
    RuntimeException f = failWith;
    return f == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(f);
  }

  @Override
  public CompletableFuture<Void> suspend(String participantId, String actor, String reason) {
    return record("suspend", participantId, actor, reason);
  }

  @Override
  public CompletableFuture<Void> reinstate(String participantId, String actor, String reason) {
    return record("reinstate", participantId, actor, reason);
  }

  @Override
  public CompletableFuture<Void> revoke(String participantId, String actor, String reason) {
    return record("revoke", participantId, actor, reason);
  }

  @Override public FederationConfig config() { return delegate.config(); }
  @Override public void start() { delegate.start(); }
  @Override public void pause() { delegate.pause(); }
  @Override public void resume() { delegate.resume(); }
  @Override public void stop() { delegate.stop(); }
  @Override public CompletableFuture<Void> join(ParticipantInfo info, ParticipantLink link) { return delegate.join(info, link); }
  @Override public void submitUpdate(Update update) { delegate.submitUpdate(update); }
  @Override public CompletableFuture<io.flotilla.engine.api.UpdateOutcome> submit(Update update) {
    return delegate.submit(update);
  }
  @Override public CompletableFuture<Void> withdrawConsent(String participantId, String reason) {
    return delegate.withdrawConsent(participantId, reason);
  }
  @Override public void reportFailure(String participantId, long roundId, String reason) {
    delegate.reportFailure(participantId, roundId, reason);
  }
  @Override public void reportHealth(String participantId, Health health) { delegate.reportHealth(participantId, health); }
  @Override public CompletableFuture<Long> rollback(long toVersion, String reason) { return delegate.rollback(toVersion, reason); }
  @Override public Subscription subscribe(Consumer<FederationEvent> listener) { return delegate.subscribe(listener); }
  @Override public CompletableFuture<FederationSnapshot> snapshot() { return delegate.snapshot(); }
  @Override public ModelState globalModel() { return delegate.globalModel(); }
  @Override public FederationState state() { return delegate.state(); }
  @Override public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return delegate.awaitTermination(timeout);
  }
  @Override public void close() { delegate.close(); }
}
