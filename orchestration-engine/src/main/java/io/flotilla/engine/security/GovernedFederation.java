package io.flotilla.engine.security;

import io.flotilla.engine.api.Calibration;
import io.flotilla.engine.api.CalibrationReport;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationSnapshot;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.Health;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.Subscription;
import io.flotilla.engine.api.Tuning;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.api.UpdateOutcome;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Federation} facade as one operator may use it: every operator command is checked against the
 * operator's {@link Role} and, with a trust layer, recorded in the audit log allowed or denied:
 *
 * <pre>
 *   start, pause, resume, stop      CONTROL      operator, admin
 *   tune                            TUNE         operator, admin
 *   calibrate                       CALIBRATE    operator, admin
 *   rollback                        ROLLBACK     operator, admin
 *   suspend, reinstate              SUSPEND      operator, admin
 *   revoke, withdrawConsent         REVOKE       admin
 *   approve/rejectEnrollment        APPROVE_ENROLLMENT  operator, admin
 * </pre>
 *
 * Observers may watch only. A refusal is a {@link TrustException} (PERMISSION_DENIED) naming the operator,
 * role and action; it is thrown by the void commands and returned as a failed future by the others, and it
 * changes nothing. The facade's operator is the actor of every command (an {@code actor} argument is
 * ignored). Suspension, reinstatement, revocation and consent withdrawal also act on the trust layer
 * (certificates, standing) when the participant is enrolled there; a participant without certificates (a
 * simulated one) is acted on in the coordinator only. Participant-side calls (join, updates, calibration
 * reports, failures, health) and reads pass straight through.
 *
 * <p>{@link #checkOnly} makes one for a federation that keeps no store: roles are still checked, refusals are
 * logged but nothing is audited, and there is no enrollment queue. Thread-safe as the delegate is.
 */
public final class GovernedFederation implements Federation {
  private static final Logger log = LoggerFactory.getLogger(GovernedFederation.class);

  private final Federation delegate;
  private final FederationTrust trust;
  private final String actor;
  private final Role role;

  /** An audited facade: checks and decisions go through {@code trust} (and its store's audit log). */
  public GovernedFederation(Federation delegate, FederationTrust trust, String actor, Role role) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.trust = Objects.requireNonNull(trust, "trust");
    this.actor = Objects.requireNonNull(actor, "actor");
    this.role = Objects.requireNonNull(role, "role");
  }

  private GovernedFederation(Federation delegate, String actor, Role role) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.trust = null;
    this.actor = Objects.requireNonNull(actor, "actor");
    this.role = Objects.requireNonNull(role, "role");
  }

  /**
   * A facade for a federation without a store (no trust layer): the role is checked and refusals are
   * logged, but nothing is audited; enrollment approval is unavailable.
   */
  public static GovernedFederation checkOnly(Federation delegate, String actor, Role role) {
    return new GovernedFederation(delegate, actor, role);
  }

  public String actor() {
    return actor;
  }

  public Role role() {
    return role;
  }

  /** Whether decisions are recorded in an audit log (false for {@link #checkOnly}). */
  public boolean audited() {
    return trust != null;
  }

  /**
   * Checks (and, with a trust layer, audits) an action the facade has no method for, such as issuing a
   * token in the console.
   *
   * @throws TrustException PERMISSION_DENIED
   */
  public void authorize(Role.Action action, String subject) {
    if (trust != null) {
      trust.authorize(actor, role, action, subject);
      return;
    }
    String act = action.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    if (!role.allows(action)) {
      String msg = "'" + actor + "' (role " + role.label() + ") may not " + act
          + (subject == null ? "" : " (" + subject + ")");
      log.warn("operator command refused (no store, not audited): {}", msg);
      throw new TrustException(TrustException.Reason.PERMISSION_DENIED, msg);
    }
    log.debug("operator command allowed (no store, not audited): '{}' {} ({})", actor, act, subject);
  }

  /** Any failure, the refusal included, becomes the returned future's; nothing runs after a refusal. */
  private <T> CompletableFuture<T> checked(Role.Action action, String subject, Supplier<CompletableFuture<T>> then) {
    try {
      authorize(action, subject);
      return then.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Applies a standing change in the trust layer when {@code pid} has certificates there. */
  private void onTrustLayer(String pid, Consumer<FederationTrust> change) {
    if (trust != null && enrolled(pid)) {
      change.accept(trust);
    }
  }

  private boolean enrolled(String pid) {
    return trust.store().tx("looking up the certificates of " + pid, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM certificates WHERE subject = ?")) {
        ps.setString(1, pid);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1) > 0;
        }
      }
    });
  }

  // ------------------------------------------------------------------ operator commands

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
      onTrustLayer(participantId, t -> t.suspend(participantId, actor, reason));
      return delegate.suspend(participantId, actor, reason);
    });
  }

  @Override
  public CompletableFuture<Void> reinstate(String participantId, String actorIgnored, String reason) {
    return checked(Role.Action.SUSPEND, participantId, () -> {
      onTrustLayer(participantId, t -> t.reinstate(participantId, actor, reason));
      return delegate.reinstate(participantId, actor, reason);
    });
  }

  @Override
  public CompletableFuture<Void> revoke(String participantId, String actorIgnored, String reason) {
    return checked(Role.Action.REVOKE, participantId, () -> {
      onTrustLayer(participantId, t -> t.revoke(participantId, actor, reason));
      return delegate.revoke(participantId, actor, reason);
    });
  }

  /**
   * Records a participant's consent withdrawal on its behalf (a participant withdraws its own over its
   * mutual-TLS session instead). Like revocation it bars the participant for good, so it needs REVOKE.
   */
  @Override
  public CompletableFuture<Void> withdrawConsent(String participantId, String reason) {
    return checked(Role.Action.REVOKE, "consent of " + participantId, () -> {
      onTrustLayer(participantId, t -> t.withdrawConsent(participantId, reason));
      return delegate.withdrawConsent(participantId, reason);
    });
  }

  @Override
  public CompletableFuture<Long> tune(Tuning tuning, String actorIgnored, String reason) {
    return checked(Role.Action.TUNE, "tuning " + (tuning == null ? "(none)" : tuning.asMap()),
        () -> delegate.tune(tuning, actor, reason));
  }

  @Override
  public CompletableFuture<Calibration> calibrate(String actorIgnored, String reason) {
    return checked(Role.Action.CALIBRATE, "calibration", () -> delegate.calibrate(actor, reason));
  }

  /**
   * Approves a pending enrollment (role-checked, audited).
   *
   * @throws IllegalStateException for a {@link #checkOnly} facade (no enrollment queue)
   */
  public EnrollmentRecord approveEnrollment(long id) {
    authorize(Role.Action.APPROVE_ENROLLMENT, "enrollment " + id);
    return requireTrust().approve(id, actor);
  }

  /**
   * Rejects a pending enrollment (role-checked, audited).
   *
   * @throws IllegalStateException for a {@link #checkOnly} facade (no enrollment queue)
   */
  public EnrollmentRecord rejectEnrollment(long id, String reason) {
    authorize(Role.Action.APPROVE_ENROLLMENT, "enrollment " + id);
    return requireTrust().reject(id, actor, reason);
  }

  private FederationTrust requireTrust() {
    if (trust == null) {
      throw new IllegalStateException("this federation keeps no store, so it has no enrollment queue");
    }
    return trust;
  }

  // ------------------------------------------------------------------ pass-through

  @Override
  public FederationConfig config() {
    return delegate.config();
  }

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
  public void submitCalibration(CalibrationReport report) {
    delegate.submitCalibration(report);
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
  public void reportHeartbeat(String participantId, Health health, long roundId, String phase) {
    delegate.reportHeartbeat(participantId, health, roundId, phase);
  }

  @Override
  public void reportPhases(String participantId, long roundId, io.flotilla.engine.api.PhaseTimings timings) {
    delegate.reportPhases(participantId, roundId, timings);
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
