package io.flotilla.console.app.enrollments;

import io.flotilla.engine.security.FederationTrust;
import io.flotilla.engine.security.FederationTrust.IssuedToken;
import io.flotilla.engine.security.GovernancePolicy;
import io.flotilla.engine.security.GovernedFederation;
import io.flotilla.engine.security.OnboardingBundle;
import io.flotilla.engine.security.Role;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Enrollments page's state and actions: the pending queue, approve / reject with a reason, one-time
 * token creation with its onboarding bundle, and the auto-approval policy. Every action is role-checked
 * and audited through the engine's {@link GovernedFederation} (its commands and {@code authorize});
 * store and CA work runs on the {@code io} executor, results are published on the {@code ui} executor.
 * A refused or invalid action leaves the queue and the policy as they were and says why in
 * {@link #messageProperty()}. Thread-safety: call from the UI thread.
 */
public final class EnrollmentsViewModel {
  private static final Logger log = LoggerFactory.getLogger(EnrollmentsViewModel.class);
  private static final Duration REFRESH = Duration.ofSeconds(2);

  private final Executor ui;
  private final Executor io;
  private final ObservableList<EnrollmentRow> pending = FXCollections.observableArrayList();
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
  private final ReadOnlyStringWrapper origin = new ReadOnlyStringWrapper("No trust store: this federation keeps "
      + "no history, so it has no enrollment queue.");
  private final ReadOnlyBooleanWrapper available = new ReadOnlyBooleanWrapper(false);
  private final ReadOnlyBooleanWrapper autoApprove = new ReadOnlyBooleanWrapper(false);
  private final ReadOnlyObjectWrapper<IssuedToken> lastToken = new ReadOnlyObjectWrapper<>();
  private FederationTrust trust;
  private GovernedFederation federation;
  private volatile boolean active;
  private long lastRefreshNanos;

  public EnrollmentsViewModel(Executor ui, Executor io) {
    this.ui = Objects.requireNonNull(ui, "ui");
    this.io = Objects.requireNonNull(io, "io");
  }

  /** Connects the page to the console's trust layer and governed federation, and loads the queue. */
  public void attach(ConsoleTrust consoleTrust, GovernedFederation fed) {
    this.trust = consoleTrust.trust();
    this.federation = Objects.requireNonNull(fed, "fed");
    available.set(true);
    origin.set(consoleTrust.origin() + " · acting as " + OperatorIdentity.of(fed).describe());
    refresh();
  }

  /** Whether the page is on screen (it then re-reads the queue every two seconds). */
  public void active(boolean on) {
    active = on;
    if (on) {
      refresh();
    }
  }

  /** Once a second from the console's ticker. */
  public void tick() {
    long now = System.nanoTime();
    if (active && now - lastRefreshNanos >= REFRESH.toNanos()) {
      refresh();
    }
  }

  /** Re-reads the pending queue and the policy. */
  public void refresh() {
    if (trust == null) {
      return;
    }
    lastRefreshNanos = System.nanoTime();
    FederationTrust t = trust;
    CompletableFuture.supplyAsync(() -> new Snapshot(t.enrollments("PENDING").stream().map(EnrollmentRow::of)
        .toList(), t.policy().autoApprove()), io).whenComplete((s, e) -> ui.execute(() -> {
          if (e != null) {
            log.warn("cannot read the enrollment queue", e);
            message.set("Cannot read the enrollment queue: " + cause(e).getMessage());
            return;
          }
          if (!pending.equals(s.rows())) {
            pending.setAll(s.rows());
          }
          autoApprove.set(s.autoApprove());
        }));
  }

  private record Snapshot(List<EnrollmentRow> rows, boolean autoApprove) {}

  /** Approves request {@code id}: the CA issues its certificate; the participant may then join. */
  public CompletableFuture<EnrollmentRecord> approve(long id) {
    return act(() -> {
      requireTrust();
      return federation.approveEnrollment(id);
    }, r -> "Approved enrollment " + id + " of " + r.participantId() + ": it can now join",
        "Could not approve enrollment " + id);
  }

  /** Rejects request {@code id}; a reason is required (it is audited and returned to the requester). */
  public CompletableFuture<EnrollmentRecord> reject(long id, String reason) {
    if (reason == null || reason.isBlank()) {
      return refuse("Rejecting enrollment " + id + " needs a reason");
    }
    return act(() -> {
      requireTrust();
      return federation.rejectEnrollment(id, reason.trim());
    }, r -> "Rejected enrollment " + id + " of " + r.participantId(), "Could not reject enrollment " + id);
  }

  /**
   * Creates a one-time token for a new participant or operator (admins only).
   *
   * @param name the identity it must enroll as, or blank for any
   */
  public CompletableFuture<IssuedToken> createToken(Duration ttl, Role role, String name) {
    return act(() -> {
      requireTrust();
      federation.authorize(Role.Action.ISSUE_TOKEN, name == null || name.isBlank() ? "(any name)" : name.trim());
      return trust.createToken(role, name == null ? null : name.trim(), ttl, federation.actor());
    }, tok -> {
      lastToken.set(tok);
      return "Token for " + (tok.participantName() == null ? "any name" : tok.participantName()) + " ("
          + tok.role().label() + ") valid until " + tok.expiresAt() + "; export its bundle now: it is shown once";
    }, "Could not create a token");
  }

  /**
   * The onboarding bundle of the last token created here, for a participant that will reach the coordinator
   * at {@code coordinator} (host:port).
   *
   * @throws IllegalArgumentException when no token was created or the address is missing
   */
  public OnboardingBundle bundle(String coordinator) {
    IssuedToken tok = lastToken.get();
    if (tok == null) {
      throw new IllegalArgumentException("create a token first: the bundle carries it");
    }
    if (coordinator == null || !coordinator.trim().matches("[^\\s:]+:[0-9]{1,5}")) {
      throw new IllegalArgumentException("the bundle needs the coordinator's address as HOST:PORT, got '"
          + (coordinator == null ? "" : coordinator) + "'");
    }
    return new OnboardingBundle(OnboardingBundle.FORMAT, coordinator.trim(), trust.store().federation(),
        trust.ca().certificatePem(), tok.token(), tok.role().label(), tok.participantName(),
        tok.expiresAt().toString());
  }

  /** Writes the last token's onboarding bundle to {@code file} (owner-readable only). */
  public CompletableFuture<Path> exportBundle(String coordinator, Path file) {
    OnboardingBundle b;
    try {
      b = bundle(coordinator);
    } catch (IllegalArgumentException e) {
      return refuse(e.getMessage());
    }
    return act(() -> {
      try {
        b.write(file);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot write " + file + ": " + e.getMessage(), e);
      }
      return file;
    }, f -> "Onboarding bundle written to " + f + " (a secret until used or expired)", "Could not export the bundle");
  }

  /** Turns the auto-approval policy on or off (admins only; off by default). */
  public CompletableFuture<GovernancePolicy> autoApprove(boolean on) {
    return act(() -> {
      requireTrust();
      federation.authorize(Role.Action.SET_POLICY, "auto-approve " + (on ? "on" : "off"));
      GovernancePolicy p = trust.policy();
      GovernancePolicy next = new GovernancePolicy(p.deviceClasses(), p.regions(), p.requireConsent(), on);
      trust.setPolicy(next, federation.actor());
      return next;
    }, p -> p.autoApprove()
        ? "Auto-approval is ON: every request that passes the policy is approved without an operator"
        : "Auto-approval is off: requests wait for an operator", "Could not change the auto-approval policy");
  }

  private void requireTrust() {
    if (trust == null || federation == null) {
      throw new IllegalStateException("this federation has no trust store (start the console with history)");
    }
  }

  private <T> CompletableFuture<T> refuse(String why) {
    log.warn("enrollment action refused: {}", why);
    message.set(why);
    return CompletableFuture.failedFuture(new IllegalArgumentException(why));
  }

  private <T> CompletableFuture<T> act(Supplier<T> work, java.util.function.Function<T, String> done, String failed) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture.supplyAsync(work, io).whenComplete((v, e) -> ui.execute(() -> {
      if (e != null) {
        Throwable c = cause(e);
        log.warn("{}: {}", failed, c.getMessage());
        message.set(failed + ": " + c.getMessage());
        result.completeExceptionally(c);
      } else {
        message.set(done.apply(v));
        result.complete(v);
      }
      refresh();
    }));
    return result;
  }

  private static Throwable cause(Throwable e) {
    return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  /** The trust layer the page works on (null before a session with a store); tests enroll through it. */
  public FederationTrust trust() {
    return trust;
  }

  public ObservableList<EnrollmentRow> pending() {
    return pending;
  }

  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty originProperty() {
    return origin.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty availableProperty() {
    return available.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty autoApproveProperty() {
    return autoApprove.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<IssuedToken> lastTokenProperty() {
    return lastToken.getReadOnlyProperty();
  }
}
