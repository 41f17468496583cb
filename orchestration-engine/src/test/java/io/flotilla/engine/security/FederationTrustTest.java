package io.flotilla.engine.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import io.flotilla.engine.store.JdbcFederationStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.threeten.extra.MutableClock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Tokens, the enrollment queue, the governance policy, rotation and the CA on disk, without a network. */
class FederationTrustTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static final AtomicInteger DB = new AtomicInteger();
  static CertificateAuthority ca;

  @TempDir Path dir;
  final MutableClock clock = MutableClock.of(Instant.now(), ZoneOffset.UTC);
  JdbcFederationStore store;
  FederationTrust trust;

  @BeforeAll
  static void authority() {
    ca = CertificateAuthority.create("Test CA", Clock.systemUTC(), RANDOM);
  }

  @BeforeEach
  void setUp() {
    store = JdbcFederationStore.open("jdbc:h2:mem:ftrust" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "",
        dir.resolve("models"), clock);
    trust = new FederationTrust(ca, new TrustStore(store, "f"), clock, RANDOM, Duration.ofHours(1), Duration.ofDays(1));
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  AuditEntry lastAudit() {
    List<AuditEntry> a = store.audit(1);
    return a.get(a.size() - 1);
  }

  Map<String, Long> rows() {
    TrustStore ts = trust.store();
    return Map.of("enrollments", ts.count("enrollments"), "tokens", ts.count("enrollment_tokens"),
        "certificates", ts.count("certificates"));
  }

  static String csr(String name) {
    return CertificateAuthority.csr(CertificateAuthority.generateKeyPair(RANDOM), name);
  }

  void assertRefused(Runnable r, TrustException.Reason reason, String message) {
    Map<String, Long> before = rows();
    int audits = store.audit(0).size();
    assertThatThrownBy(r::run).isInstanceOfSatisfying(TrustException.class, e -> {
      assertThat(e.reason()).isEqualTo(reason);
      assertThat(e.getMessage()).contains(message);
    });
    assertThat(store.audit(0)).hasSize(audits + 1);
    assertThat(lastAudit().action()).isEqualTo("enrollment.refused");
    assertThat(lastAudit().detail()).contains(reason.name());
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void aTokenEnrollsOnceAndOnlyItsHashIsStored() {
    FederationTrust.IssuedToken t = trust.createToken(Role.PARTICIPANT, "p1", Duration.ofHours(1), "ops");
    assertThat(t.token()).startsWith("flt1_").hasSize(5 + 64);
    assertThat(store.audit(0).toString()).doesNotContain(t.token());
    assertThat(trust.store().token(FederationTrust.sha256(t.token()))).isNotNull();

    EnrollmentRecord r = trust.enroll(t.token(), csr("whatever"), "phone", "eu", true, null);
    assertThat(r.status()).isEqualTo("PENDING");
    assertThat(r.participantId()).isEqualTo("p1"); // the token's name wins over the CSR's
    assertThat(lastAudit().action()).isEqualTo("enrollment.requested");

    assertRefused(() -> trust.enroll(t.token(), csr("p1"), "phone", "eu", true, null),
        TrustException.Reason.TOKEN_INVALID, "already used");
    assertRefused(() -> trust.enroll("flt1_" + "0".repeat(64), csr("p1"), "phone", "eu", true, null),
        TrustException.Reason.TOKEN_INVALID, "unknown enrollment token");
  }

  @Test
  void anExpiredTokenIsRefused() {
    FederationTrust.IssuedToken t = trust.createToken(Role.PARTICIPANT, null, Duration.ofMinutes(10), "ops");
    clock.add(Duration.ofMinutes(11));
    assertRefused(() -> trust.enroll(t.token(), csr("p1"), "phone", "eu", true, null),
        TrustException.Reason.TOKEN_INVALID, "expired at");
  }

  @Test
  void aCsrWhoseSignatureWasMadeWithAnotherKeyIsRefused() throws Exception {
    FederationTrust.IssuedToken t = trust.createToken(Role.PARTICIPANT, "p1", Duration.ofHours(1), "ops");
    KeyPair claimed = CertificateAuthority.generateKeyPair(RANDOM);
    KeyPair signer = CertificateAuthority.generateKeyPair(RANDOM);
    String mismatched = Pem.write(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=p1"), claimed.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    assertRefused(() -> trust.enroll(t.token(), mismatched, "phone", "eu", true, null),
        TrustException.Reason.CSR_INVALID, "does not verify with the key it contains");
    assertRefused(() -> trust.enroll(t.token(), "not a csr", "phone", "eu", true, null),
        TrustException.Reason.CSR_INVALID, "not a PEM PKCS#10 request");
    // the refusals did not spend the token
    assertThat(trust.enroll(t.token(), csr("p1"), "phone", "eu", true, null).status()).isEqualTo("PENDING");
  }

  @Test
  void theGovernancePolicyRefusesWithTheReasonAndAutoApprovalIsOptIn() {
    trust.setPolicy(new GovernancePolicy(Set.of("phone"), Set.of("eu"), true, false), "ops");
    String ta = trust.createToken(Role.PARTICIPANT, "a", Duration.ofHours(1), "ops").token();
    String tb = trust.createToken(Role.PARTICIPANT, "b", Duration.ofHours(1), "ops").token();
    String tc = trust.createToken(Role.PARTICIPANT, "c", Duration.ofHours(1), "ops").token();
    assertRefused(() -> trust.enroll(ta, csr("a"), "server", "eu", true, null), TrustException.Reason.POLICY,
        "device class 'server' is not allowed");
    assertRefused(() -> trust.enroll(tb, csr("b"), "phone", "us", true, null), TrustException.Reason.POLICY,
        "region 'us' is not allowed");
    assertRefused(() -> trust.enroll(tc, csr("c"), "phone", "eu", false, null), TrustException.Reason.POLICY,
        "requires consent");

    EnrollmentRecord pending = trust.enroll(trust.createToken(Role.PARTICIPANT, "d", Duration.ofHours(1), "ops").token(),
        csr("d"), "Phone", "EU", true, null);
    assertThat(pending.status()).isEqualTo("PENDING");
    trust.setPolicy(new GovernancePolicy(Set.of(), Set.of(), true, true), "ops");
    EnrollmentRecord auto = trust.enroll(trust.createToken(Role.PARTICIPANT, "e", Duration.ofHours(1), "ops").token(),
        csr("e"), "phone", "eu", true, null);
    assertThat(auto.status()).isEqualTo("APPROVED");
    assertThat(auto.decidedBy()).isEqualTo("policy:auto-approve");
    assertThat(trust.policy().autoApprove()).isTrue();
  }

  @Test
  void approvalIssuesAShortLivedClientCertificateForTheRequestersKey() throws Exception {
    KeyPair kp = CertificateAuthority.generateKeyPair(RANDOM);
    EnrollmentRecord r = trust.enroll(trust.createToken(Role.PARTICIPANT, null, Duration.ofHours(1), "ops").token(),
        CertificateAuthority.csr(kp, "edge-7"), "phone", "eu", true, "edge-7");
    assertThatThrownBy(() -> trust.status(r.id(), "flt1_wrong")).hasMessageContaining("no enrollment");
    EnrollmentRecord ok = trust.approve(r.id(), "ops");
    X509Certificate c = Pem.certificate(ok.certificatePem());
    assertThat(c.getPublicKey()).isEqualTo(kp.getPublic());
    assertThat(CertificateAuthority.commonName(c.getSubjectX500Principal())).isEqualTo("edge-7");
    assertThat(CertificateAuthority.role(c)).isEqualTo(Role.PARTICIPANT);
    assertThat(c.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");
    assertThat(Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant()))
        .isLessThanOrEqualTo(Duration.ofMinutes(61));
    assertThat(ca.issued(c)).isTrue();
    assertThatThrownBy(() -> trust.reject(r.id(), "ops", "late")).hasMessageContaining("is approved, not pending");
    assertThat(trust.store().count("certificates")).isEqualTo(1);
  }

  @Test
  void renewalIssuesANewCertificateForTheSameIdentityWithoutAnOperator() {
    KeyPair kp = CertificateAuthority.generateKeyPair(RANDOM);
    EnrollmentRecord r = trust.approve(trust.enroll(trust.createToken(Role.PARTICIPANT, "p1", Duration.ofHours(1), "ops")
        .token(), CertificateAuthority.csr(kp, "p1"), "phone", "eu", true, null).id(), "ops");
    X509Certificate first = Pem.certificate(r.certificatePem());
    PeerIdentity peer = trust.verify(first, Set.of(Role.PARTICIPANT), "renew");
    KeyPair next = CertificateAuthority.generateKeyPair(RANDOM);
    X509Certificate renewed = trust.renew(peer, CertificateAuthority.csr(next, "ignored"));
    assertThat(CertificateAuthority.commonName(renewed.getSubjectX500Principal())).isEqualTo("p1");
    assertThat(renewed.getPublicKey()).isEqualTo(next.getPublic());
    assertThat(lastAudit().action()).isEqualTo("certificate.renewed");
    assertThat(trust.store().count("certificates")).isEqualTo(2);
  }

  @Test
  void consentWithdrawalIsAuditedWithTheParticipantAsActorAndBarsItForGood() {
    KeyPair kp = CertificateAuthority.generateKeyPair(RANDOM);
    EnrollmentRecord r = trust.approve(trust.enroll(trust.createToken(Role.PARTICIPANT, "p1", Duration.ofHours(1), "ops")
        .token(), CertificateAuthority.csr(kp, "p1"), "phone", "eu", true, null).id(), "ops");
    trust.withdrawConsent("p1", "moving away");
    assertThat(lastAudit().action()).isEqualTo("participant.consent_withdrawn");
    assertThat(lastAudit().actor()).isEqualTo("p1");
    assertThatThrownBy(() -> trust.verify(Pem.certificate(r.certificatePem()), Set.of(Role.PARTICIPANT), "session"))
        .hasMessageContaining("consent withdrawn");
    assertThatThrownBy(() -> trust.reinstate("p1", "ops", "please")).hasMessageContaining("cannot be reinstated");
    assertThatThrownBy(() -> trust.suspend("nobody", "ops", "x")).hasMessageContaining("no enrolled participant 'nobody'");
  }

  @Test
  void theCaKeyIsStoredEncryptedAndAWrongPassphraseIsRefused() throws Exception {
    Path caDir = dir.resolve("ca");
    CertificateAuthority made = CertificateAuthority.init(caDir, "correct horse".toCharArray(), "F CA", clock, RANDOM);
    assertThat(Files.readString(caDir.resolve(CertificateAuthority.CA_PEM))).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readAllBytes(caDir.resolve(CertificateAuthority.ROOT_FILE))).isNotEmpty();
    CertificateAuthority loaded = CertificateAuthority.load(caDir, "correct horse".toCharArray(), clock, RANDOM);
    assertThat(loaded.certificate()).isEqualTo(made.certificate());
    assertThatThrownBy(() -> CertificateAuthority.load(caDir, "wrong horse!".toCharArray(), clock, RANDOM))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wrong CA passphrase");
    assertThatThrownBy(() -> CertificateAuthority.init(caDir, "correct horse".toCharArray(), "F CA", clock, RANDOM))
        .hasMessageContaining("already exists");
    assertThatThrownBy(() -> CertificateAuthority.init(dir.resolve("x"), "short".toCharArray(), "F CA", clock, RANDOM))
        .hasMessageContaining("at least 8 characters");
  }
}
