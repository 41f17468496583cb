package io.flotilla.console.app.enrollments;

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
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.security.FederationTrust;
import io.flotilla.engine.security.GovernedFederation;
import io.flotilla.engine.security.Role;
import io.flotilla.engine.security.TrustException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federation as the console's operator may use it. Every operator command (start, pause, resume, stop,
 * roll back, suspend, reinstate, revoke, tune, calibrate) is checked against the operator's role with
 * {@link GovernedFederation#authorize} (allowed and denied both audited) when there is a trust layer, or
 * with {@link Role#allows} alone (logged) when the federation keeps no store. A refusal is a
 * {@link TrustException} (PERMISSION_DENIED) naming the operator, role and action, thrown for the void
 * commands and returned as a failed future for the others; nothing is changed. Suspension and revocation
 * also act on the trust layer for enrolled participants (certificates, standing); simulated participants have
 * no certificate and are acted on in the coordinator only. The operator's name is the actor of every command.
 * Participant-side calls and reads pass straight through. Thread-safe as the delegate is.
 */
public final class RoleCheckedFederation implements Federation {
  private static final Logger log = LoggerFactory.getLogger(RoleCheckedFederation.class);

  private final Federation delegate;
  private final OperatorIdentity operator;
  private final FederationTrust trust;
  private final GovernedFederation governed;

  /** @param trust the trust layer (role checks audited), or null when the federation keeps no store */
  public RoleCheckedFederation(Federation delegate, OperatorIdentity operator, FederationTrust trust) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.operator = Objects.requireNonNull(operator, "operator");
    this.trust = trust;
    this.governed = trust == null ? null : new GovernedFederation(delegate, trust, operator.name(), operator.role());
  }

  public OperatorIdentity operator() {
    return operator;
  }

  /** The engine's governed facade (enrollment approval), or null without a trust layer. */
  public GovernedFederation governed() {
    return governed;
  }

  /** The federation without role checks (for reads only). */
  public Federation unchecked() {
    return delegate;
  }

  /**
   * Checks that the operator may do {@code action} on {@code subject}; audited when there is a trust layer.
   *
   * @throws TrustException PERMISSION_DENIED
   */
  public void authorize(Role.Action action, String subject) {
    if (governed != null) {
      governed.authorize(action, subject);
      return;
    }
    if (!operator.role().allows(action)) {
      String act = action.name().toLowerCase(Locale.ROOT).replace('_', ' ');
      String msg = "'" + operator.name() + "' (role " + operator.role().label() + ") may not " + act
          + (subject == null ? "" : " (" + subject + ")");
      log.warn("operator command refused: {}", msg);
      throw new TrustException(TrustException.Reason.PERMISSION_DENIED, msg);
    }
  }

  private <T> CompletableFuture<T> checked(Role.Action action, String subject, Supplier<CompletableFuture<T>> then) {
    try {
      authorize(action, subject);
      return then.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Applies a standing change in the trust layer when {@code pid} is enrolled (has certificates). */
  private void onTrustLayer(String pid, Runnable change) {
    if (trust == null) {
      return;
    }
    try {
      change.run();
    } catch (IllegalArgumentException e) {
      if (!String.valueOf(e.getMessage()).startsWith("no enrolled participant")) {
        throw e;
      }
    }
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
      onTrustLayer(participantId, () -> trust.suspend(participantId, operator.name(), reason));
      return delegate.suspend(participantId, operator.name(), reason);
    });
  }

  @Override
  public CompletableFuture<Void> reinstate(String participantId, String actorIgnored, String reason) {
    return checked(Role.Action.SUSPEND, participantId, () -> {
      onTrustLayer(participantId, () -> trust.reinstate(participantId, operator.name(), reason));
      return delegate.reinstate(participantId, operator.name(), reason);
    });
  }

  @Override
  public CompletableFuture<Void> revoke(String participantId, String actorIgnored, String reason) {
    return checked(Role.Action.REVOKE, participantId, () -> {
      onTrustLayer(participantId, () -> trust.revoke(participantId, operator.name(), reason));
      return delegate.revoke(participantId, operator.name(), reason);
    });
  }

  @Override
  public CompletableFuture<Long> tune(Tuning tuning, String actorIgnored, String reason) {
    return checked(Role.Action.TUNE, "tuning " + tuning.asMap(),
        () -> delegate.tune(tuning, operator.name(), reason));
  }

  /** Calibration is a control action (the role enum has no action of its own for it). */
  @Override
  public CompletableFuture<Calibration> calibrate(String actorIgnored, String reason) {
    return checked(Role.Action.CONTROL, "calibration", () -> delegate.calibrate(operator.name(), reason));
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
  public void submitCalibration(CalibrationReport report) {
    delegate.submitCalibration(report);
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
