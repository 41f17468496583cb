package io.flotilla.engine.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import io.flotilla.engine.store.JdbcFederationStore;
import io.flotilla.engine.transport.CoordinatorServer;
import io.flotilla.engine.transport.PayloadCodec;
import io.flotilla.engine.transport.ProtoMapping;
import io.flotilla.engine.transport.TransportConfig;
import io.flotilla.engine.transport.proto.AdminGrpc;
import io.flotilla.engine.transport.proto.DecideEnrollmentRequest;
import io.flotilla.engine.transport.proto.Encoding;
import io.flotilla.engine.transport.proto.Error;
import io.flotilla.engine.transport.proto.ErrorCode;
import io.flotilla.engine.transport.proto.TrainingInstruction;
import io.flotilla.engine.transport.proto.UpdateHeader;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.threeten.extra.MutableClock;

/**
 * Mutual TLS, enrollment, signed updates, revocation and roles over real loopback sockets. Each refusal
 * test checks the typed error and its message, the audit entry, and that nothing else changed.
 */
class TrustedTransportTest {
  static final int N = 8;
  static final SecureRandom RANDOM = new SecureRandom();
  static final AtomicInteger DB = new AtomicInteger();
  static CertificateAuthority ca;
  static CertificateAuthority otherCa;
  static CertificateAuthority.ServerIdentity serverId;


  @TempDir Path dir;
  final MutableClock clock = MutableClock.of(Instant.now(), ZoneOffset.UTC);
  final List<FederationEvent> events = new CopyOnWriteArrayList<>();
  final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  JdbcFederationStore store;
  FederationTrust trust;
  Federation federation;
  CoordinatorServer server;

  @BeforeAll
  static void authorities() {
    ca = CertificateAuthority.create("Test Federation CA", Clock.systemUTC(), RANDOM);
    otherCa = CertificateAuthority.create("Someone Else's CA", Clock.systemUTC(), RANDOM);
    serverId = ca.issueServer(List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
  }

  @BeforeEach
  void setUp() throws Exception {
    store = JdbcFederationStore.open("jdbc:h2:mem:trust" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "",
        dir.resolve("models"), clock);
    trust = new FederationTrust(ca, new TrustStore(store, "t"), clock, RANDOM, Duration.ofHours(1), Duration.ofDays(1));
  }

  void startServer(int perRound, int rounds) throws Exception {
    float[] p = new float[N];
    for (int i = 0; i < N; i++) {
      p[i] = i * 0.1f;
    }
    federation = new FederationBuilder().initialModel(ModelState.of(ParameterLayout.of(new TensorSpec("w", N)), p, 0))
        .config(FederationConfig.builder().name("t").perRound(perRound).minUpdates(1).rounds(rounds)
            .roundDeadline(Duration.ofSeconds(30)).build())
        .build();
    federation.subscribe(events::add);
    server = CoordinatorServer.builder(federation).config(TransportConfig.builder()
        .credentials(TrustedTransport.serverCredentials(serverId, ca.certificate()))
        .security(new TrustedTransport(trust, null)).build()).start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
    if (federation != null) {
      federation.close();
    }
    store.close();
  }

  record Enrolled(PrivateKey key, X509Certificate cert) {}

  /**
   * Waits until the federation has registered {@code n} participants: the server sends the welcome before it
   * hands the participant to the coordinator, so a start right after the welcome may find fewer.
   */
  void awaitJoined(int n) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
        .filter(FederationEvent.ParticipantJoined.class::isInstance).count() >= n);
  }

  Enrolled enroll(String name, Role role) {
    KeyPair kp = CertificateAuthority.generateKeyPair(RANDOM);
    FederationTrust.IssuedToken t = trust.createToken(role, name, Duration.ofHours(1), "admin");
    EnrollmentRecord r = trust.enroll(t.token(), CertificateAuthority.csr(kp, name), "phone", "eu", true, null);
    EnrollmentRecord ok = trust.approve(r.id(), "admin");
    return new Enrolled(kp.getPrivate(), Pem.certificate(ok.certificatePem()));
  }

  MtlsPeer peer(PrivateKey key, X509Certificate cert) throws Exception {
    MtlsPeer p = new MtlsPeer("127.0.0.1:" + server.port(), ca.certificate(), key, cert);
    closeables.add(p);
    return p;
  }

  MtlsPeer peer(Enrolled e) throws Exception {
    return peer(e.key(), e.cert());
  }

  AuditEntry lastAudit() {
    List<AuditEntry> a = store.audit(1);
    return a.get(a.size() - 1);
  }

  Map<String, Long> trustRows() {
    TrustStore ts = trust.store();
    return Map.of("enrollments", ts.count("enrollments"), "tokens", ts.count("enrollment_tokens"),
        "certificates", ts.count("certificates"), "standing", ts.count("participant_standing"));
  }

  static byte[] raw(float value) {
    float[] d = new float[N];
    Arrays.fill(d, value);
    return PayloadCodec.encode(d, Encoding.RAW_F32);
  }

  void assertSessionRefused(MtlsPeer p, String claimed, String messagePart, String reason) throws Exception {
    Map<String, Long> before = trustRows();
    long audits = store.audit(0).size();
    String version = federation.globalModel().sha256();
    long joined = events.stream().filter(FederationEvent.ParticipantJoined.class::isInstance).count();
    assertThat(p.join(claimed)).isNull();
    Error e = p.endError();
    assertThat(e.getCode()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(e.getDetail()).contains(messagePart);
    AuditEntry a = lastAudit();
    assertThat(a.action()).isEqualTo("session.refused");
    assertThat(a.detail()).contains("\"reason\":\"" + reason + "\"");
    assertThat(store.audit(0)).hasSize((int) audits + 1);
    assertThat(server.sessions()).isZero();
    assertThat(trustRows()).isEqualTo(before);
    assertThat(federation.globalModel().sha256()).isEqualTo(version);
    assertThat(events.stream().filter(FederationEvent.ParticipantJoined.class::isInstance).count()).isEqualTo(joined);
  }

  // ------------------------------------------------------------------ sessions

  @Test
  void aParticipantWithoutAClientCertificateCannotOpenASession() throws Exception {
    startServer(1, 1);
    assertSessionRefused(peer(null, null), "p1", "no client certificate", "NO_CERTIFICATE");
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() throws Exception {
    startServer(1, 1);
    KeyPair kp = CertificateAuthority.generateKeyPair(RANDOM);
    X509Certificate foreign = otherCa.issueClient(kp.getPublic(), "p1", Role.PARTICIPANT, Duration.ofHours(1));
    assertSessionRefused(peer(kp.getPrivate(), foreign), "p1", "was not issued by this federation's CA", "UNKNOWN_CA");
    assertThat(lastAudit().subject()).isEqualTo("p1");
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    startServer(1, 1);
    KeyPair kp = CertificateAuthority.generateKeyPair(RANDOM);
    X509Certificate old = ca.issueClient(kp.getPublic(), "p1", Role.PARTICIPANT, clock.instant().minus(Duration.ofDays(2)),
        Duration.ofDays(1));
    assertSessionRefused(peer(kp.getPrivate(), old), "p1", "expired at", "EXPIRED");
  }

  @Test
  void aCertificateThatExpiresByTheInjectedClockIsRefused() throws Exception {
    startServer(1, 1);
    Enrolled p1 = enroll("p1", Role.PARTICIPANT);
    clock.add(Duration.ofHours(2)); // participant certificates live one hour here
    assertSessionRefused(peer(p1), "p1", "expired at", "EXPIRED");
  }

  @Test
  void anOperatorCertificateCannotOpenAParticipantSession() throws Exception {
    startServer(1, 1);
    Enrolled op = enroll("alice", Role.OPERATOR);
    assertSessionRefused(peer(op), "alice", "role operator cannot make this call", "WRONG_ROLE");
  }

  @Test
  void theSessionActsAsTheCertificateNotTheClaimedId() throws Exception {
    startServer(1, 1);
    Enrolled p1 = enroll("p1", Role.PARTICIPANT);
    MtlsPeer p = peer(p1);
    assertThat(p.join("p2")).isNull();
    assertThat(p.endError().getDetail()).contains("hello claims participant 'p2' but the client certificate is for 'p1'");
    MtlsPeer ok = peer(p1);
    assertThat(ok.join("")).isNotNull();
  }

  // ------------------------------------------------------------------ updates

  @Test
  void signedUpdatesCommitAndBadSignaturesTamperedPayloadsAndReplaysAreRefused() throws Exception {
    startServer(2, 1);
    Enrolled a = enroll("a", Role.PARTICIPANT);
    Enrolled b = enroll("b", Role.PARTICIPANT);
    MtlsPeer pa = peer(a);
    MtlsPeer pb = peer(b);
    assertThat(pa.join("a")).isNotNull();
    assertThat(pb.join("b")).isNotNull();
    awaitJoined(2);
    federation.start();
    TrainingInstruction ia = pa.awaitInstruction();
    TrainingInstruction ib = pb.awaitInstruction();
    String model = federation.globalModel().sha256();
    Map<String, Long> rows = trustRows();

    // signed with another key (b's): refused before anything else
    MtlsPeer.Outcome badSig = pa.upload(MtlsPeer.sign(pa.signed("t", ia, raw(9f), N), "t", b.key()).build(), raw(9f));
    assertThat(badSig.error().getCode()).isEqualTo(ErrorCode.BAD_SIGNATURE);
    assertThat(badSig.error().getDetail()).contains("does not verify with the certificate of 'a'");
    assertThat(lastAudit().action()).isEqualTo("update.refused");
    assertThat(lastAudit().detail()).contains("BAD_SIGNATURE");

    // unsigned
    MtlsPeer.Outcome unsigned = pa.upload(pa.signed("t", ia, raw(9f), N).clearSignature().build(), raw(9f));
    assertThat(unsigned.error().getCode()).isEqualTo(ErrorCode.BAD_SIGNATURE);
    assertThat(unsigned.error().getDetail()).contains("is not signed");

    // payload altered after signing: the signed hash no longer matches
    byte[] honest = raw(0.5f);
    UpdateHeader h = pa.signed("t", ia, honest, N).build();
    MtlsPeer.Outcome tampered = pa.upload(h, raw(50f));
    assertThat(tampered.error().getCode()).isEqualTo(ErrorCode.CHECKSUM_MISMATCH);
    assertThat(tampered.error().getDetail()).contains("payload altered");
    assertThat(lastAudit().action()).isEqualTo("update.refused");
    assertThat(lastAudit().detail()).contains("TAMPERED");

    // payload altered and its hash in the header recomputed: the signature breaks
    UpdateHeader forged = h.toBuilder().setPayloadSha256(com.google.protobuf.ByteString.copyFrom(
        ProtoMapping.sha256(raw(50f)))).build();
    MtlsPeer.Outcome forgedOut = pa.upload(forged, raw(50f));
    assertThat(forgedOut.error().getCode()).isEqualTo(ErrorCode.BAD_SIGNATURE);

    // a signature for another round cannot be moved to this one
    UpdateHeader otherRound = MtlsPeer.sign(pa.signed("t", ia, honest, N).setRoundId(ia.getRoundId() + 5), "t", a.key())
        .setRoundId(ia.getRoundId()).build();
    assertThat(pa.upload(otherRound, honest).error().getCode()).isEqualTo(ErrorCode.BAD_SIGNATURE);

    assertThat(federation.globalModel().sha256()).isEqualTo(model);
    assertThat(events).noneMatch(e -> e instanceof FederationEvent.UpdateAccepted
        || e instanceof FederationEvent.UpdateRejected);
    assertThat(trustRows()).isEqualTo(rows);

    // the honest, signed updates are accepted (verdicts come in cohort order: upload both, then wait)
    java.util.concurrent.CompletableFuture<MtlsPeer.Outcome> ok = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return pa.upload(h, honest);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    assertThat(pb.upload(pb.signed("t", ib, raw(0.5f), N).build(), raw(0.5f)).accepted()).isTrue();
    assertThat(ok.get(20, TimeUnit.SECONDS).accepted()).isTrue();
    // the same upload again is a replay
    MtlsPeer.Outcome replay = pa.upload(h, honest);
    assertThat(replay.error().getCode()).isEqualTo(ErrorCode.REPLAYED);
    assertThat(replay.error().getDetail()).contains("was delivered before");
    assertThat(lastAudit().action()).isEqualTo("update.refused");
    assertThat(lastAudit().detail()).contains("REPLAYED");
    assertThat(events).filteredOn(FederationEvent.UpdateAccepted.class::isInstance).hasSize(2);
    assertThat(federation.awaitTermination(Duration.ofSeconds(20))).isTrue();
    ModelState g = federation.globalModel();
    for (int i = 0; i < N; i++) {
      assertThat(g.get(i)).isEqualTo(i * 0.1f + 0.5f);
    }
    assertThat(store.verifyAudit().isOk()).isTrue();
  }

  @Test
  void revokingAParticipantMidRoundClosesItsSessionAndRefusesItsUpdate() throws Exception {
    startServer(1, 3);
    Enrolled a = enroll("a", Role.PARTICIPANT);
    MtlsPeer pa = peer(a);
    assertThat(pa.join("a")).isNotNull();
    awaitJoined(1);
    federation.start();
    TrainingInstruction in = pa.awaitInstruction();
    String model = federation.globalModel().sha256();

    trust.revoke("a", "admin", "key leaked");
    Error closed = pa.endError();
    assertThat(closed.getCode()).isEqualTo(ErrorCode.REVOKED);
    assertThat(closed.getDetail()).contains("participant a is revoked");
    assertThat(server.isOnline("a")).isFalse();
    assertThat(store.audit(0)).anySatisfy(e -> {
      assertThat(e.action()).isEqualTo("participant.revoked");
      assertThat(e.actor()).isEqualTo("admin");
      assertThat(e.detail()).contains("key leaked");
    });
    assertThat(trust.store().count("certificates")).isEqualTo(1);
    assertThat(trust.store().revokedSerials()).containsExactly(CertificateAuthority.serialHex(a.cert()));

    // the update it was working on is refused
    MtlsPeer.Outcome late = pa.upload(pa.signed("t", in, raw(0.5f), N).build(), raw(0.5f));
    assertThat(late.error().getCode()).isEqualTo(ErrorCode.REVOKED);
    assertThat(late.error().getDetail()).contains("was revoked");
    assertThat(lastAudit().action()).isEqualTo("session.refused");
    assertThat(lastAudit().detail()).contains("REVOKED");
    assertThat(events).noneMatch(FederationEvent.UpdateAccepted.class::isInstance);
    assertThat(federation.globalModel().sha256()).isEqualTo(model);

    // and the certificate never opens a session again
    assertSessionRefused(peer(a), "a", "was revoked", "REVOKED");
  }

  @Test
  void aSuspendedParticipantIsDisconnectedAndMayComeBackWhenReinstated() throws Exception {
    startServer(1, 1);
    Enrolled a = enroll("a", Role.PARTICIPANT);
    MtlsPeer pa = peer(a);
    assertThat(pa.join("a")).isNotNull();
    trust.suspend("a", "admin", "flaky updates");
    assertThat(pa.endError().getCode()).isEqualTo(ErrorCode.REVOKED);
    MtlsPeer again = peer(a);
    assertThat(again.join("a")).isNull();
    assertThat(again.endError().getDetail()).contains("'a' is suspended");
    trust.reinstate("a", "admin", "fixed");
    assertThat(peer(a).join("a")).isNotNull();
    assertThat(store.audit(0)).extracting(AuditEntry::action)
        .contains("participant.suspended", "participant.reinstated");
  }

  @Test
  void aParticipantWithdrawsConsentOverItsSessionAndIsNeverAdmittedAgain() throws Exception {
    startServer(1, 1);
    Enrolled a = enroll("a", Role.PARTICIPANT);
    MtlsPeer pa = peer(a);
    assertThat(pa.join("a")).isNotNull();
    io.flotilla.engine.transport.proto.CoordinatorGrpc.newBlockingStub(pa.channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .withdrawConsent(io.flotilla.engine.transport.proto.WithdrawConsentRequest.newBuilder().setReason("moving").build());
    assertThat(pa.endError().getDetail()).contains("consent withdrawn");
    assertThat(store.audit(0)).anySatisfy(e -> {
      assertThat(e.action()).isEqualTo("participant.consent_withdrawn");
      assertThat(e.actor()).isEqualTo("a");
    });
    assertSessionRefused(peer(a), "a", "consent withdrawn", "SUSPENDED");
  }

  // ------------------------------------------------------------------ operators

  @Test
  void anObserverCannotApproveButAnAdminCan() throws Exception {
    startServer(1, 1);
    Enrolled watcher = enroll("watcher", Role.OBSERVER);
    Enrolled boss = enroll("boss", Role.ADMIN);
    KeyPair kp = CertificateAuthority.generateKeyPair(RANDOM);
    EnrollmentRecord pending = trust.enroll(trust.createToken(Role.PARTICIPANT, "p9", Duration.ofHours(1), "boss").token(),
        CertificateAuthority.csr(kp, "p9"), "phone", "eu", true, null);
    Map<String, Long> rows = trustRows();

    ManagedChannel asObserver = Grpc.newChannelBuilder("127.0.0.1:" + server.port(),
        MtlsPeer.credentials(ca.certificate(), watcher.key(), watcher.cert())).build();
    closeables.add(asObserver::shutdownNow);
    DecideEnrollmentRequest approve = DecideEnrollmentRequest.newBuilder().setEnrollmentId(pending.id()).setApprove(true)
        .build();
    assertThatThrownBy(() -> AdminGrpc.newBlockingStub(asObserver).withDeadlineAfter(10, TimeUnit.SECONDS)
        .decideEnrollment(approve))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          Error err = ProtoMapping.errorOf(e);
          assertThat(err.getCode()).isEqualTo(ErrorCode.PERMISSION_DENIED);
          assertThat(err.getDetail()).contains("'watcher' (role observer) may not approve enrollment");
        });
    assertThat(lastAudit().action()).isEqualTo("operator.denied");
    assertThat(lastAudit().actor()).isEqualTo("watcher");
    assertThat(trust.store().enrollment(pending.id()).status()).isEqualTo("PENDING");
    assertThat(trustRows()).isEqualTo(rows);

    ManagedChannel asAdmin = Grpc.newChannelBuilder("127.0.0.1:" + server.port(),
        MtlsPeer.credentials(ca.certificate(), boss.key(), boss.cert())).build();
    closeables.add(asAdmin::shutdownNow);
    assertThat(AdminGrpc.newBlockingStub(asAdmin).withDeadlineAfter(10, TimeUnit.SECONDS).decideEnrollment(approve)
        .getDetail()).contains("approved");
    assertThat(trust.store().enrollment(pending.id()).status()).isEqualTo("APPROVED");
    assertThat(store.audit(0)).extracting(AuditEntry::action).contains("operator.allowed", "enrollment.approved");
  }

  @Test
  void theAdminServiceRefusesParticipantCertificatesAndPlainCallers() throws Exception {
    startServer(1, 1);
    Enrolled a = enroll("a", Role.PARTICIPANT);
    ManagedChannel ch = Grpc.newChannelBuilder("127.0.0.1:" + server.port(),
        MtlsPeer.credentials(ca.certificate(), a.key(), a.cert())).build();
    closeables.add(ch::shutdownNow);
    assertThatThrownBy(() -> AdminGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
        .decideEnrollment(DecideEnrollmentRequest.newBuilder().setEnrollmentId(1).setApprove(true).build()))
        .satisfies(e -> assertThat(ProtoMapping.errorOf(e).getDetail()).contains("role participant cannot make this call"));
    ManagedChannel none = Grpc.newChannelBuilder("127.0.0.1:" + server.port(),
        MtlsPeer.credentials(ca.certificate(), null, null)).build();
    closeables.add(none::shutdownNow);
    assertThatThrownBy(() -> AdminGrpc.newBlockingStub(none).withDeadlineAfter(10, TimeUnit.SECONDS)
        .decideEnrollment(DecideEnrollmentRequest.newBuilder().setEnrollmentId(1).setApprove(true).build()))
        .satisfies(e -> assertThat(ProtoMapping.errorOf(e).getDetail()).contains("no client certificate"));
  }
}
