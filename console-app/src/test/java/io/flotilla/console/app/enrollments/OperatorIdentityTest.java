package io.flotilla.console.app.enrollments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.console.app.FakeFederation;
import io.flotilla.engine.api.Tuning;
import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.security.GovernedFederation;
import io.flotilla.engine.security.Role;
import io.flotilla.engine.security.TrustException;
import io.flotilla.engine.store.JdbcFederationStore;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's operator identity and the governed federation it makes ({@link OperatorIdentity#govern}):
 * operator commands are checked against the console operator's role, with and without a store. The full
 * role matrix is the engine's GovernedFederationTest.
 */
class OperatorIdentityTest {
  @TempDir Path dir;

  @Test
  void anObserverMayNotControlTuneRollBackOrCalibrateAndTheRefusalsAreAudited() {
    try (JdbcFederationStore store = JdbcFederationStore.openDirectory(dir)) {
      ConsoleTrust trust = ConsoleTrust.open(store, "test", dir, Clock.systemUTC());
      FakeFederation fake = new FakeFederation();
      GovernedFederation fed = new OperatorIdentity("olga", Role.OBSERVER).govern(fake.federation, trust);
      assertThat(fed.audited()).isTrue();
      assertThatThrownBy(fed::start).isInstanceOf(TrustException.class)
          .hasMessage("'olga' (role observer) may not control (start)");
      assertThatThrownBy(() -> fed.tune(Tuning.none().withPerRound(3), "x", "why").join())
          .hasCauseInstanceOf(TrustException.class).hasMessageContaining("may not tune");
      assertThatThrownBy(() -> fed.rollback(1, "why").join()).hasMessageContaining("may not rollback");
      assertThatThrownBy(() -> fed.calibrate("x", "why").join()).hasMessageContaining("may not calibrate");
      assertThat(fake.commands).isEmpty();
      assertThat(store.audit(100).stream().map(AuditEntry::action).filter("operator.denied"::equals)).hasSize(4);
    }
  }

  @Test
  void anOperatorsCommandsReachTheFederationAndAreAuditedAsAllowed() {
    try (JdbcFederationStore store = JdbcFederationStore.openDirectory(dir)) {
      ConsoleTrust trust = ConsoleTrust.open(store, "test", dir, Clock.systemUTC());
      FakeFederation fake = new FakeFederation();
      GovernedFederation fed = new OperatorIdentity("omar", Role.OPERATOR).govern(fake.federation, trust);
      fed.start();
      fed.pause();
      assertThat(fake.commands).containsExactly("start", "pause");
      assertThat(store.audit(100)).filteredOn(e -> e.action().equals("operator.allowed"))
          .hasSize(2).allSatisfy(e -> assertThat(e.actor()).isEqualTo("omar"));
    }
  }

  @Test
  void withoutAStoreTheRoleIsStillChecked() {
    FakeFederation fake = new FakeFederation();
    GovernedFederation fed = new OperatorIdentity("olga", Role.OBSERVER).govern(fake.federation, null);
    assertThat(fed.audited()).isFalse();
    assertThatThrownBy(fed::stop).isInstanceOf(TrustException.class).hasMessageContaining("may not control (stop)");
    assertThatThrownBy(() -> fed.calibrate("x", "why").join()).hasCauseInstanceOf(TrustException.class)
        .hasMessageContaining("'olga' (role observer) may not calibrate");
    assertThat(fake.commands).isEmpty();
    GovernedFederation op = new OperatorIdentity("omar", Role.OPERATOR).govern(fake.federation, null);
    op.start();
    assertThat(fake.commands).containsExactly("start");
    assertThat(OperatorIdentity.of(op).describe()).isEqualTo("omar · operator");
  }

  @Test
  void theCommandLineRoleIsParsedWithClearErrors() {
    assertThat(OperatorIdentity.parse(null, null).role()).isEqualTo(Role.ADMIN);
    assertThat(OperatorIdentity.parse("observer", "olga").describe()).isEqualTo("olga · observer");
    assertThatThrownBy(() -> OperatorIdentity.parse("boss", "x")).hasMessage("invalid role 'boss': expected admin, operator or observer");
    assertThatThrownBy(() -> OperatorIdentity.parse("participant", "x"))
        .hasMessageContaining("admin, operator or observer");
    assertThatThrownBy(() -> OperatorIdentity.parse("admin", " ")).hasMessageContaining("must not be blank");
  }
}
