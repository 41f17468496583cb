package io.flotilla.engine.security;

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
import io.flotilla.engine.api.UpdateOutcome;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The {@link Federation} facade as one operator may use it: every operator command is checked against
 * the operator's {@link Role} and recorded in the audit log, allowed or denied (observers may watch but
 * not approve, tune, pause/stop, roll back, suspend or revoke). Suspension and revocation also act on the
 * trust layer (certificates, sessions). Participant-side calls (join, updates, failures, health) and
 * reads pass straight through. Thread-safe as the delegate is.
 */
public final class GovernedFederation implements Federation {
  private final Federation delegate;
  private final FederationTrust trust;
  private final String actor;
  private final Role role;

  public GovernedFederation(Federation delegate, FederationTrust trust, String actor, Role role) {
    this.delegate = Objects.requireNonNull(delegate);
    this.trust = Objects.requireNonNull(trust);
    this.actor = Objects.requireNonNull(actor);
    this.role = Objects.requireNonNull(role);
  }

  public String actor() {
    return actor;
  }

  public Role role() {
    return role;
  }

  /**
   * Checks (and audits) an action the facade has no method for, such as tuning a parameter in the console.
   *
   * @throws TrustException PERMISSION_DENIED
   */
  public void authorize(Role.Action action, String subject) {
    trust.authorize(actor, role, action, subject);
  }

  private <T> CompletableFuture<T> checked(Role.Action action, String subject,
      java.util.function.Supplier<CompletableFuture<T>> then) {
    try {
      trust.authorize(actor, role, action, subject);
    } catch (TrustException e) {
      return CompletableFuture.failedFuture(e);
    }
    return then.get();
  }

  @Override
  public FederationConfig config() {
    return delegate.config();
  }

  @Override
  public void start() {
    authorize(Role.Action.CONTROL, "start");
    delegate.start();
  }

  @Override
  public void pause() {
    authorize(Role.Action.CONTROL, "pause");
    delegate.pause();
  }

  @Override
  public void resume() {
    authorize(Role.Action.CONTROL, "resume");
    delegate.resume();
  }

  @Override
  public void stop() {
    authorize(Role.Action.CONTROL, "stop");
    delegate.stop();
  }

  @Override
  public CompletableFuture<Long> rollback(long toVersion, String reason) {
    return checked(Role.Action.ROLLBACK, "version " + toVersion, () -> delegate.rollback(toVersion, reason));
  }

  @Override
  public CompletableFuture<Void> suspend(String participantId, String actorIgnored, String reason) {
    return checked(Role.Action.SUSPEND, participantId, () -> {
      trust.suspend(participantId, actor, reason);
      return delegate.suspend(participantId, actor, reason);
    });
  }

  @Override
  public CompletableFuture<Void> reinstate(String participantId, String actorIgnored, String reason) {
    return checked(Role.Action.SUSPEND, participantId, () -> {
      trust.reinstate(participantId, actor, reason);
      return delegate.reinstate(participantId, actor, reason);
    });
  }

  @Override
  public CompletableFuture<Void> revoke(String participantId, String actorIgnored, String reason) {
    return checked(Role.Action.REVOKE, participantId, () -> {
      trust.revoke(participantId, actor, reason);
      return delegate.revoke(participantId, actor, reason);
    });
  }

  /** Approves a pending enrollment (role-checked, audited). */
  public EnrollmentRecord approveEnrollment(long id) {
    authorize(Role.Action.APPROVE_ENROLLMENT, "enrollment " + id);
    return trust.approve(id, actor);
  }

  /** Rejects a pending enrollment (role-checked, audited). */
  public EnrollmentRecord rejectEnrollment(long id, String reason) {
    authorize(Role.Action.APPROVE_ENROLLMENT, "enrollment " + id);
    return trust.reject(id, actor, reason);
  }

  // ------------------------------------------------------------------ pass-through

  @Override
  public CompletableFuture<Void> join(ParticipantInfo info, ParticipantLink link) {
    return delegate.join(info, link);
  }

  @Override
  public void submitUpdate(Update update) {
    delegate.submitUpdate(update);
  }

  @Override
  public CompletableFuture<UpdateOutcome> submit(Update update) {
    return delegate.submit(update);
  }

  @Override
  public void reportFailure(String participantId, long roundId, String reason) {
    delegate.reportFailure(participantId, roundId, reason);
  }

  @Override
  public void reportHealth(String participantId, Health health) {
    delegate.reportHealth(participantId, health);
  }

  @Override
  public CompletableFuture<Void> withdrawConsent(String participantId, String reason) {
    return delegate.withdrawConsent(participantId, reason);
  }

  @Override
  public Subscription subscribe(Consumer<FederationEvent> listener) {
    return delegate.subscribe(listener);
  }

  @Override
  public CompletableFuture<FederationSnapshot> snapshot() {
    return delegate.snapshot();
  }

  @Override
  public ModelState globalModel() {
    return delegate.globalModel();
  }

  @Override
  public FederationState state() {
    return delegate.state();
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return delegate.awaitTermination(timeout);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
