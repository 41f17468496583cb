package io.flotilla.engine.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import io.flotilla.engine.store.JdbcFederationStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
}
