package io.flotilla.engine.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.Calibration;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.Tuning;
import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import io.flotilla.engine.store.JdbcFederationStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Role checks on the facade: denied actions change nothing and are audited, as are allowed ones. */
class GovernedFederationTest {
  static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;
  JdbcFederationStore store;
  FederationTrust trust;
  Federation federation;

  @BeforeEach
  void setUp() {
    store = JdbcFederationStore.open("jdbc:h2:mem:governed" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "",
        dir.resolve("m"), Clock.systemUTC());
    trust = new FederationTrust(CertificateAuthority.create("CA", Clock.systemUTC(), RANDOM), new TrustStore(store, "g"),
        Clock.systemUTC(), RANDOM, Duration.ofHours(1), Duration.ofDays(1));
    federation = new FederationBuilder().initialModel(ModelState.of(ParameterLayout.of(new TensorSpec("w", 2)),
        new float[2], 0)).config(FederationConfig.builder().name("g").rounds(1).perRound(1).minUpdates(1).build()).build();
  }

  @AfterEach
  void tearDown() {
    federation.close();
    store.close();
  }

  AuditEntry lastAudit() {
    List<AuditEntry> a = store.audit(1);
    return a.get(a.size() - 1);
  }

  @Test
  void anObserverCannotApprovePauseStopRollBackSuspendOrRevoke() throws Exception {
    EnrollmentRecord pending = trust.enroll(trust.createToken(Role.PARTICIPANT, "p1", Duration.ofHours(1), "ops").token(),
        CertificateAuthority.csr(CertificateAuthority.generateKeyPair(RANDOM), "p1"), "phone", "eu", true, null);
    GovernedFederation observer = new GovernedFederation(federation, trust, "olga", Role.OBSERVER);

    assertThatThrownBy(() -> observer.approveEnrollment(pending.id()))
        .isInstanceOfSatisfying(TrustException.class, e -> {
          assertThat(e.reason()).isEqualTo(TrustException.Reason.PERMISSION_DENIED);
          assertThat(e.getMessage()).isEqualTo("'olga' (role observer) may not approve enrollment (enrollment "
              + pending.id() + ")");
        });
    assertThat(lastAudit().action()).isEqualTo("operator.denied");
    assertThat(lastAudit().actor()).isEqualTo("olga");
    assertThat(trust.store().enrollment(pending.id()).status()).isEqualTo("PENDING");

    assertThatThrownBy(observer::start).hasMessageContaining("may not control");
    assertThatThrownBy(observer::stop).hasMessageContaining("may not control");
    assertThat(federation.state()).isEqualTo(FederationState.CREATED);
    assertThatThrownBy(() -> observer.rollback(0, "x").get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("may not rollback");
    assertThatThrownBy(() -> observer.suspend("p1", "olga", "x").get(5, TimeUnit.SECONDS))
        .hasMessageContaining("may not suspend");
    assertThatThrownBy(() -> observer.revoke("p1", "olga", "x").get(5, TimeUnit.SECONDS))
        .hasMessageContaining("may not revoke");
    assertThatThrownBy(() -> observer.authorize(Role.Action.TUNE, "learning rate")).hasMessageContaining("may not tune");
    assertThat(trust.store().count("participant_standing")).isZero();
    assertThat(store.audit(0)).filteredOn(e -> e.action().equals("operator.denied")).hasSize(7);
    assertThat(store.verifyAudit().isOk()).isTrue();
  }

  @Test
  void anOperatorMayApproveAndPauseButNotRevokeAndEachDecisionIsAudited() {
    EnrollmentRecord pending = trust.enroll(trust.createToken(Role.PARTICIPANT, "p1", Duration.ofHours(1), "ops").token(),
        CertificateAuthority.csr(CertificateAuthority.generateKeyPair(RANDOM), "p1"), "phone", "eu", true, null);
    GovernedFederation op = new GovernedFederation(federation, trust, "oscar", Role.OPERATOR);
    assertThat(op.approveEnrollment(pending.id()).status()).isEqualTo("APPROVED");
    assertThat(store.audit(0)).extracting(AuditEntry::action).contains("operator.allowed", "enrollment.approved");
    op.start();
    op.pause();
    assertThatThrownBy(() -> op.revoke("p1", "oscar", "x").join()).hasMessageContaining("may not revoke");
    assertThat(trust.standing("p1")).isNull();
    GovernedFederation admin = new GovernedFederation(federation, trust, "ada", Role.ADMIN);
    admin.revoke("p1", "ada", "compromised"); // the coordinator part may be unsupported here; the certificate is revoked
    assertThat(trust.standing("p1")).isEqualTo(FederationTrust.REVOKED);
    assertThat(trust.store().revokedSerials()).hasSize(1);
  }

  @Test
  void tuneAndCalibrateAreRoleCheckedAuditedAndActedOnAsTheFacadesOperator() throws Exception {
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    federation.subscribe(events::add);
    GovernedFederation observer = new GovernedFederation(federation, trust, "olga", Role.OBSERVER);
    assertThatThrownBy(() -> observer.tune(Tuning.none().withPerRound(3), "olga", "more").get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TrustException.class)
        .hasMessageContaining("'olga' (role observer) may not tune (tuning {per_round=3})");
    assertThatThrownBy(() -> observer.calibrate("olga", "drift?").get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TrustException.class).hasMessageContaining("may not calibrate (calibration)");
    assertThat(store.audit(0)).filteredOn(e -> e.action().equals("operator.denied")).hasSize(2)
        .allSatisfy(e -> assertThat(e.actor()).isEqualTo("olga"));

    GovernedFederation op = new GovernedFederation(federation, trust, "oscar", Role.OPERATOR);
    op.tune(Tuning.none().withPerRound(3), "not-oscar", "more participants").get(5, TimeUnit.SECONDS);
    Calibration calibration = op.calibrate("not-oscar", "check drift").get(5, TimeUnit.SECONDS);
    assertThat(calibration.answered()).isEmpty(); // nobody is connected: an empty but real calibration round

    // the denials changed nothing: exactly one tuning and one calibration happened, both as oscar
    assertThat(events).filteredOn(FederationEvent.ConfigChanged.class::isInstance).singleElement()
        .satisfies(e -> {
          FederationEvent.ConfigChanged c = (FederationEvent.ConfigChanged) e;
          assertThat(c.actor()).isEqualTo("oscar");
          assertThat(c.newValues()).containsEntry("per_round", "3");
        });
    assertThat(events).filteredOn(FederationEvent.CalibrationCompleted.class::isInstance).singleElement()
        .extracting(e -> ((FederationEvent.CalibrationCompleted) e).actor()).isEqualTo("oscar");
    assertThat(store.audit(0)).filteredOn(e -> e.action().equals("operator.allowed"))
        .extracting(AuditEntry::actor, e -> e.detail().contains("\"tune\"") || e.detail().contains("\"calibrate\""))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("oscar", true),
            org.assertj.core.groups.Tuple.tuple("oscar", true));
    assertThat(store.verifyAudit().isOk()).isTrue();
  }

  // ------------------------------------------------------------------ every method, every role

  /** An operator command of the facade, the role action that guards it, and a call to it. */
  record Command(String method, Role.Action action, Function<Federation, Object> call) {}

  /** Every operator command; "someone" is the actor argument, which the facade must replace by its own. */
  static final List<Command> OPERATOR_COMMANDS = List.of(
      new Command("start", Role.Action.CONTROL, f -> {
        f.start();
        return null;
      }),
      new Command("pause", Role.Action.CONTROL, f -> {
        f.pause();
        return null;
      }),
      new Command("resume", Role.Action.CONTROL, f -> {
        f.resume();
        return null;
      }),
      new Command("stop", Role.Action.CONTROL, f -> {
        f.stop();
        return null;
      }),
      new Command("rollback", Role.Action.ROLLBACK, f -> f.rollback(3, "bad round")),
      new Command("suspend", Role.Action.SUSPEND, f -> f.suspend("sim-1", "someone", "flaky")),
      new Command("reinstate", Role.Action.SUSPEND, f -> f.reinstate("sim-1", "someone", "fixed")),
      new Command("revoke", Role.Action.REVOKE, f -> f.revoke("sim-1", "someone", "stolen phone")),
      new Command("withdrawConsent", Role.Action.REVOKE, f -> f.withdrawConsent("sim-1", "asked by email")),
      new Command("tune", Role.Action.TUNE, f -> f.tune(Tuning.none().withPerRound(3), "someone", "faster")),
      new Command("calibrate", Role.Action.CALIBRATE, f -> f.calibrate("someone", "check drift")));

  /** Participant-side calls and reads: no role check, straight to the delegate. */
  static final Set<String> PASS_THROUGH = Set.of("config", "join", "submitUpdate", "submit", "submitCalibration",
      "reportFailure", "reportHealth", "reportHeartbeat", "reportPhases", "subscribe", "snapshot", "globalModel",
      "state", "awaitTermination", "close");

  @Test
  void noMethodOfTheFacadeFallsToTheInterfacesDefault() {
    List<String> notOverridden = new ArrayList<>();
    for (Method m : Federation.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      try {
        GovernedFederation.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
      } catch (NoSuchMethodException e) {
        notOverridden.add(m + (m.isDefault() ? " (default)" : ""));
      }
    }
    assertThat(notOverridden).as("Federation methods GovernedFederation inherits instead of overriding").isEmpty();
  }

  @Test
  void everyMethodOfTheFacadeIsEitherAGuardedCommandOrAPassThrough() {
    Set<String> all = Arrays.stream(Federation.class.getMethods()).filter(m -> !Modifier.isStatic(m.getModifiers()))
        .map(Method::getName).collect(Collectors.toSet());
    Set<String> classified = new HashSet<>(PASS_THROUGH);
    OPERATOR_COMMANDS.forEach(c -> classified.add(c.method()));
    assertThat(classified).as("a new Federation method needs a role decision (here and in GovernedFederation)")
        .isEqualTo(all);
  }

  @Test
  void eachCommandReachesTheFederationExactlyWhenTheRoleAllowsItAndEveryDecisionIsAudited() {
    for (Role role : List.of(Role.OBSERVER, Role.OPERATOR, Role.ADMIN)) {
      for (Command c : OPERATOR_COMMANDS) {
        String what = role.label() + " " + c.method();
        Recording rec = new Recording();
        int before = store.audit(0).size();
        Throwable failure = outcome(c.call(), new GovernedFederation(rec.federation, trust, "ann", role));
        List<AuditEntry> added = store.audit(0).subList(before, store.audit(0).size());
        assertThat(added).as(what).singleElement().satisfies(e -> {
          assertThat(e.actor()).isEqualTo("ann");
          assertThat(e.detail()).contains("\"" + c.action().name().toLowerCase(java.util.Locale.ROOT) + "\"");
        });
        if (role.allows(c.action())) {
          assertThat(failure).as(what).isNull();
          assertThat(added.get(0).action()).as(what).isEqualTo("operator.allowed");
          assertThat(rec.calls).as(what).containsExactly(c.method());
          assertThat(rec.args).as(what + ": the facade's operator acts").doesNotContain("someone");
        } else {
          assertDenied(failure, role, what);
          assertThat(added.get(0).action()).as(what).isEqualTo("operator.denied");
          assertThat(rec.calls).as(what).isEmpty();
        }
      }
    }
    assertThat(store.verifyAudit().isOk()).isTrue();
  }

  @Test
  void withoutAStoreTheRolesAreCheckedTheSameWayAndNothingIsAudited() {
    int before = store.audit(0).size();
    for (Role role : List.of(Role.OBSERVER, Role.OPERATOR, Role.ADMIN)) {
      for (Command c : OPERATOR_COMMANDS) {
        String what = role.label() + " " + c.method();
        Recording rec = new Recording();
        GovernedFederation gov = GovernedFederation.checkOnly(rec.federation, "ann", role);
        assertThat(gov.audited()).isFalse();
        Throwable failure = outcome(c.call(), gov);
        if (role.allows(c.action())) {
          assertThat(failure).as(what).isNull();
          assertThat(rec.calls).as(what).containsExactly(c.method());
        } else {
          assertDenied(failure, role, what);
          assertThat(rec.calls).as(what).isEmpty();
        }
      }
    }
    GovernedFederation admin = GovernedFederation.checkOnly(new Recording().federation, "ada", Role.ADMIN);
    assertThatThrownBy(() -> admin.approveEnrollment(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no enrollment queue");
    assertThat(store.audit(0)).hasSize(before);
  }

  @Test
  void participantCallsAndReadsPassStraightThroughEvenForAnObserver() throws Exception {
    Recording rec = new Recording();
    GovernedFederation observer = new GovernedFederation(rec.federation, trust, "olga", Role.OBSERVER);
    int before = store.audit(0).size();
    for (Method m : Federation.class.getMethods()) {
      if (PASS_THROUGH.contains(m.getName())) {
        Object[] args = Arrays.stream(m.getParameterTypes()).map(t -> t == long.class ? (Object) 0L : null).toArray();
        m.invoke(observer, args);
      }
    }
    assertThat(new HashSet<>(rec.calls)).isEqualTo(PASS_THROUGH);
    assertThat(store.audit(0)).hasSize(before);
  }

  @Test
  void aRefusedReinstatementOnTheTrustLayerIsAFailedFutureAndReachesNoCoordinator() throws Exception {
    EnrollmentRecord pending = trust.enroll(trust.createToken(Role.PARTICIPANT, "p1", Duration.ofHours(1), "ops").token(),
        CertificateAuthority.csr(CertificateAuthority.generateKeyPair(RANDOM), "p1"), "phone", "eu", true, null);
    trust.approve(pending.id(), "ops");
    trust.revoke("p1", "ops", "compromised");
    Recording rec = new Recording();
    GovernedFederation op = new GovernedFederation(rec.federation, trust, "oscar", Role.OPERATOR);
    assertThatThrownBy(() -> op.reinstate("p1", "oscar", "oops").get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be reinstated");
    assertThat(rec.calls).isEmpty();
    assertThat(trust.standing("p1")).isEqualTo(FederationTrust.REVOKED);
    // an enrolled participant is suspended in both the trust layer and the coordinator
    EnrollmentRecord p2 = trust.enroll(trust.createToken(Role.PARTICIPANT, "p2", Duration.ofHours(1), "ops").token(),
        CertificateAuthority.csr(CertificateAuthority.generateKeyPair(RANDOM), "p2"), "phone", "eu", true, null);
    trust.approve(p2.id(), "ops");
    op.suspend("p2", "x", "flaky").get(5, TimeUnit.SECONDS);
    assertThat(trust.standing("p2")).isEqualTo(FederationTrust.SUSPENDED);
    assertThat(rec.calls).containsExactly("suspend");
  }

  static void assertDenied(Throwable failure, Role role, String what) {
    assertThat(failure).as(what).isInstanceOfSatisfying(TrustException.class, e -> {
      assertThat(e.reason()).isEqualTo(TrustException.Reason.PERMISSION_DENIED);
      assertThat(e.getMessage()).startsWith("'ann' (role " + role.label() + ") may not ");
    });
  }

  /** Calls {@code call} on {@code f}; the exception it throws or its future fails with, or null. */
  static Throwable outcome(Function<Federation, Object> call, Federation f) {
    try {
      if (call.apply(f) instanceof CompletableFuture<?> future) {
        future.get(5, TimeUnit.SECONDS);
      }
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (RuntimeException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A delegate that records which methods reached it and with what arguments, and succeeds at everything. */
  static final class Recording {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<Object> args = new CopyOnWriteArrayList<>();
    final Federation federation = (Federation) Proxy.newProxyInstance(Federation.class.getClassLoader(),
        new Class<?>[] {Federation.class}, (proxy, m, a) -> {
          if (m.getDeclaringClass() == Object.class) {
            return switch (m.getName()) {
              case "equals" -> proxy == a[0];
              case "hashCode" -> System.identityHashCode(proxy);
              default -> "Recording";
            };
          }
          calls.add(m.getName());
          if (a != null) {
            Arrays.stream(a).filter(java.util.Objects::nonNull).forEach(args::add);
          }
          Class<?> t = m.getReturnType();
          if (t == CompletableFuture.class) {
            return CompletableFuture.completedFuture(null);
          }
          return t == boolean.class ? Boolean.TRUE : t == FederationState.class ? FederationState.CREATED : null;
        });
  }
}
