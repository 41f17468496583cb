package io.flotilla.console.app.enrollments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.console.app.FakeFederation;
import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.FederationTrust;
import io.flotilla.engine.security.OnboardingBundle;
import io.flotilla.engine.security.Role;
import io.flotilla.engine.security.TrustException;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.store.JdbcFederationStore;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Enrollments page's actions on a real trust layer over an H2 store, without the FX toolkit. */
class EnrollmentsViewModelTest {
  @TempDir Path dir;
  private JdbcFederationStore store;
  private ConsoleTrust trust;
  private FakeFederation fake;

  @BeforeEach
  void open() {
    store = JdbcFederationStore.openDirectory(dir);
    trust = ConsoleTrust.open(store, "test", dir, Clock.systemUTC());
    fake = new FakeFederation();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private EnrollmentsViewModel model(Role role) {
    EnrollmentsViewModel vm = new EnrollmentsViewModel(Runnable::run, Runnable::run);
    vm.attach(trust, new OperatorIdentity("olga", role).govern(fake.federation, trust));
    return vm;
  }

  /** A participant's side: a token from the admin, its own key, a CSR, an enrollment request. */
  private EnrollmentRecord request(String name) {
    FederationTrust t = trust.trust();
    String token = t.createToken(Role.PARTICIPANT, name, Duration.ofHours(1), "admin").token();
    KeyPair kp = CertificateAuthority.generateKeyPair(new SecureRandom());
    return t.enroll(token, CertificateAuthority.csr(kp, name), "laptop", "eu", true, name);
  }

  private List<String> actions() {
    return store.audit(1000).stream().map(AuditEntry::action).toList();
  }

  @Test
  void theQueueListsPendingRequestsAndApprovingIssuesTheCertificate() {
    EnrollmentRecord r = request("edge-1");
    EnrollmentsViewModel vm = model(Role.OPERATOR);
    assertThat(vm.pending()).singleElement().satisfies(row -> {
      assertThat(row.identity()).isEqualTo("edge-1");
      assertThat(row.deviceClass()).isEqualTo("laptop");
      assertThat(row.region()).isEqualTo("eu");
      assertThat(row.consent()).isTrue();
      assertThat(row.keyFingerprint()).hasSize(16).isEqualTo(r.publicKeySha256().substring(0, 16));
      assertThat(row.requestedAt()).isNotNull();
    });
    vm.approve(r.id()).join();
    assertThat(vm.pending()).isEmpty();
    assertThat(trust.trust().store().enrollment(r.id()).status()).isEqualTo("APPROVED");
    assertThat(trust.trust().store().enrollment(r.id()).decidedBy()).isEqualTo("olga");
    assertThat(vm.messageProperty().get()).contains("Approved enrollment " + r.id() + " of edge-1");
    assertThat(actions()).contains("operator.allowed", "enrollment.approved");
  }

  @Test
  void anObserverIsRefusedAuditedAndTheRequestStaysPending() {
    EnrollmentRecord r = request("edge-2");
    EnrollmentsViewModel vm = model(Role.OBSERVER);
    assertThatThrownBy(() -> vm.approve(r.id()).join()).hasCauseInstanceOf(TrustException.class);
    assertThat(vm.messageProperty().get()).contains("'olga' (role observer) may not approve enrollment");
    assertThat(vm.pending()).hasSize(1);
    assertThat(trust.trust().store().enrollment(r.id()).status()).isEqualTo("PENDING");
    assertThat(actions()).contains("operator.denied").doesNotContain("enrollment.approved");
  }

  @Test
  void rejectingNeedsAReasonAndRecordsIt() {
    EnrollmentRecord r = request("edge-3");
    EnrollmentsViewModel vm = model(Role.ADMIN);
    assertThatThrownBy(() -> vm.reject(r.id(), " ").join()).hasMessageContaining("needs a reason");
    assertThat(trust.trust().store().enrollment(r.id()).status()).isEqualTo("PENDING");
    vm.reject(r.id(), "unknown device").join();
    assertThat(trust.trust().store().enrollment(r.id()).reason()).isEqualTo("unknown device");
    assertThat(vm.pending()).isEmpty();
    assertThat(actions()).contains("enrollment.rejected");
  }

  @Test
  void aTokensBundleIsExportedForTheGivenCoordinatorAndEnrollsOnce() throws Exception {
    EnrollmentsViewModel vm = model(Role.ADMIN);
    assertThatThrownBy(() -> vm.bundle("localhost:7070")).hasMessageContaining("create a token first");
    vm.createToken(Duration.ofHours(24), Role.PARTICIPANT, "edge-4").join();
    assertThatThrownBy(() -> vm.exportBundle("no port", dir.resolve("x.json")).join())
        .hasMessageContaining("HOST:PORT");
    assertThat(dir.resolve("x.json")).doesNotExist();
    Path file = dir.resolve("edge-4.bundle.json");
    vm.exportBundle("coord.lan:7070", file).join();
    OnboardingBundle b = OnboardingBundle.read(file);
    assertThat(b.coordinator()).isEqualTo("coord.lan:7070");
    assertThat(b.participantName()).isEqualTo("edge-4");
    assertThat(b.caPem()).isEqualTo(trust.trust().ca().certificatePem());
    KeyPair kp = CertificateAuthority.generateKeyPair(new SecureRandom());
    EnrollmentRecord r = trust.trust().enroll(b.token(), CertificateAuthority.csr(kp, "edge-4"), "phone", "eu", true,
        "edge-4");
    assertThat(r.status()).isEqualTo("PENDING");
    assertThat(actions()).contains("enrollment.token_created");
  }

  @Test
  void onlyAnAdminCreatesTokensOrTurnsOnAutoApproval() {
    EnrollmentsViewModel operator = model(Role.OPERATOR);
    assertThatThrownBy(() -> operator.createToken(Duration.ofHours(1), Role.PARTICIPANT, "x").join())
        .hasMessageContaining("may not issue token");
    assertThat(operator.lastTokenProperty().get()).isNull();
    assertThatThrownBy(() -> operator.autoApprove(true).join()).hasMessageContaining("may not set policy");
    assertThat(trust.trust().policy().autoApprove()).isFalse();

    EnrollmentsViewModel admin = model(Role.ADMIN);
    assertThat(admin.autoApproveProperty().get()).as("off by default").isFalse();
    admin.autoApprove(true).join();
    assertThat(trust.trust().policy().autoApprove()).isTrue();
    assertThat(admin.autoApproveProperty().get()).isTrue();
    assertThat(admin.messageProperty().get()).contains("Auto-approval is ON");
    assertThat(request("edge-5").status()).as("approved without an operator").isEqualTo("APPROVED");
  }
}
