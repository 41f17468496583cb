package io.flotilla.engine.security;

import io.flotilla.engine.api.Federation;
import io.flotilla.engine.security.TrustException.Reason;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import io.flotilla.engine.transport.CoordinatorServer;
import io.flotilla.engine.transport.ProtoMapping;
import io.flotilla.engine.transport.SessionAuthenticator;
import io.flotilla.engine.transport.TransportSecurity;
import io.flotilla.engine.transport.proto.AdminAck;
import io.flotilla.engine.transport.proto.AdminGrpc;
import io.flotilla.engine.transport.proto.ChangeStandingRequest;
import io.flotilla.engine.transport.proto.ControlRequest;
import io.flotilla.engine.transport.proto.CreateTokenRequest;
import io.flotilla.engine.transport.proto.CreateTokenResponse;
import io.flotilla.engine.transport.proto.DecideEnrollmentRequest;
import io.flotilla.engine.transport.proto.EnrollRequest;
import io.flotilla.engine.transport.proto.EnrollResponse;
import io.flotilla.engine.transport.proto.EnrollmentGrpc;
import io.flotilla.engine.transport.proto.EnrollmentInfo;
import io.flotilla.engine.transport.proto.EnrollmentState;
import io.flotilla.engine.transport.proto.EnrollmentStatusRequest;
import io.flotilla.engine.transport.proto.Error;
import io.flotilla.engine.transport.proto.ErrorCode;
import io.flotilla.engine.transport.proto.ListEnrollmentsRequest;
import io.flotilla.engine.transport.proto.ListEnrollmentsResponse;
import io.flotilla.engine.transport.proto.RenewRequest;
import io.flotilla.engine.transport.proto.RenewResponse;
import io.flotilla.engine.transport.proto.UpdateHeader;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS, signed updates, enrollment and operator administration for a {@link CoordinatorServer}: the
 * {@link TransportSecurity} backed by {@link FederationTrust}. Sessions belong to the CN of a verified
 * participant certificate; each upload's signature is checked against the session's certificate before
 * anything else; a revoked or suspended participant's session is closed at once and its in-flight update
 * refused. The {@code Enrollment} service needs no client certificate (server-authenticated TLS); the
 * {@code Admin} service needs an operator certificate and checks its role on every call. Thread-safe.
 */
public final class TrustedTransport implements TransportSecurity {
  private static final Logger log = LoggerFactory.getLogger(TrustedTransport.class);
  private static final Set<Role> PARTICIPANTS = EnumSet.of(Role.PARTICIPANT);
  private static final Set<Role> OPERATORS = EnumSet.of(Role.OBSERVER, Role.OPERATOR, Role.ADMIN);

  private final FederationTrust trust;
  private final ReplayGuard replays = new ReplayGuard(200_000);
  private final String advertised;
  private volatile CoordinatorServer server;
  private volatile Federation federation;

  /**
   * @param advertised the coordinator address written into bundles created through the admin service
   *     (null: the server's own {@code host:port})
   */
  public TrustedTransport(FederationTrust trust, String advertised) {
    this.trust = Objects.requireNonNull(trust);
    this.advertised = advertised;
    trust.onStandingChanged(this::standingChanged);
  }

  /** The address for bundles: the advertised one, else the server's (a wildcard host replaced by this host's name). */
  private String address() {
    if (advertised != null) {
      return advertised;
    }
    String host = server.config().host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "localhost";
      }
    }
    return host + ":" + server.port();
  }

  /**
   * TLS 1.3 server credentials: the coordinator's certificate, client certificates requested but optional
   * at the handshake (enrollment has none yet); the client's proof of key possession is checked by TLS, its
   * certificate by {@link FederationTrust#authenticate} on every call, so refusals are typed and audited.
   */
  public static ServerCredentials serverCredentials(CertificateAuthority.ServerIdentity server, X509Certificate ca)
      throws IOException {
    return TlsServerCredentials.newBuilder()
        .keyManager(stream(server.certificatePem() + Pem.write(ca)), stream(server.keyPem()))
        .trustManager(new DeferredClientTrust(ca))
        .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
        .build();
  }

  private static ByteArrayInputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }

  public FederationTrust trust() {
    return trust;
  }

  @Override
  public void bind(CoordinatorServer s) {
    this.server = s;
    this.federation = s.federation();
  }

  private void standingChanged(String pid, String standing) {
    CoordinatorServer s = server;
    if (standing != null && s != null) {
      s.closeParticipant(pid, ErrorCode.REVOKED, "participant " + pid + " is "
          + standing.toLowerCase(Locale.ROOT).replace('_', ' '));
    }
  }

  // ------------------------------------------------------------------ sessions and uploads

  @Override
  public SessionAuthenticator authenticator() {
    return (hello, tls) -> {
      PeerIdentity p;
      try {
        p = trust.authenticate(tls, PARTICIPANTS, "session");
      } catch (TrustException e) {
        throw new SecurityException(e.getMessage());
      }
      String claimed = hello.getParticipantId().trim();
      if (!claimed.isEmpty() && !claimed.equals(p.id())) {
        trust.refuseUpdate(p.id(), Reason.INVALID, "hello claims '" + claimed + "' but the certificate is '" + p.id() + "'",
            Map.of("call", "session"));
        throw new SecurityException("hello claims participant '" + claimed + "' but the client certificate is for '"
            + p.id() + "'");
      }
      return p.id();
    };
  }

  @Override
  public Error admitUpload(SSLSession tls, String sessionParticipant, String federationName, UpdateHeader h) {
    PeerIdentity p;
    try {
      p = trust.authenticate(tls, PARTICIPANTS, "upload");
    } catch (TrustException e) {
      return error(e);
    }
    if (sessionParticipant != null && !sessionParticipant.equals(p.id())) {
      return error(trust.refuseUpdate(p.id(), Reason.BAD_SIGNATURE, "upload on the session of '" + sessionParticipant
          + "' made with the certificate of '" + p.id() + "'", fields(h)));
    }
    if (h.getSignature().isEmpty()) {
      return error(trust.refuseUpdate(p.id(), Reason.BAD_SIGNATURE, "update for round " + h.getRoundId()
          + " is not signed; this federation requires signed updates", fields(h)));
    }
    byte[] msg = UpdateSignature.message(federationName, h.getRoundId(), h.getBaseVersion(), h.getNonce(),
        h.getPayloadSha256().toByteArray());
    if (!UpdateSignature.verify(p.certificate().getPublicKey(), msg, h.getSignature().toByteArray())) {
      return error(trust.refuseUpdate(p.id(), Reason.BAD_SIGNATURE, "signature of the update for round "
          + h.getRoundId() + " does not verify with the certificate of '" + p.id() + "'", fields(h)));
    }
    if (replays.seen(p.id(), h.getRoundId(), h.getNonce())) {
      return error(trust.refuseUpdate(p.id(), Reason.REPLAYED, "update for round " + h.getRoundId() + " (nonce "
          + h.getNonce() + ") was delivered before: replay refused", fields(h)));
    }
    return null;
  }

  @Override
  public void uploadRefused(String participantId, UpdateHeader header, ErrorCode code, String detail) {
    trust.refuseUpdate(participantId, code == ErrorCode.CHECKSUM_MISMATCH ? Reason.TAMPERED : Reason.INVALID, detail,
        fields(header));
  }

  @Override
  public Error beforeSubmit(String participantId, String federationName, UpdateHeader h) {
    String st = trust.standing(participantId);
    if (st != null) {
      return error(trust.refuseUpdate(participantId, Reason.REVOKED, "update for round " + h.getRoundId()
          + " refused: '" + participantId + "' is " + st.toLowerCase(Locale.ROOT).replace('_', ' '), fields(h)));
    }
    if (!replays.record(participantId, h.getRoundId(), h.getNonce())) {
      return error(trust.refuseUpdate(participantId, Reason.REPLAYED, "update for round " + h.getRoundId()
          + " (nonce " + h.getNonce() + ") was delivered before: replay refused", fields(h)));
    }
    return null;
  }

  private static Map<String, Object> fields(UpdateHeader h) {
    return Map.of("round", h.getRoundId(), "base_version", h.getBaseVersion(), "nonce", h.getNonce());
  }

  @Override
  public RenewResponse renew(SSLSession tls, RenewRequest request) {
    try {
      PeerIdentity p = trust.authenticate(tls, EnumSet.allOf(Role.class), "renew");
      X509Certificate c = trust.renew(p, request.getCsrPem());
      return RenewResponse.newBuilder().setCertificatePem(Pem.write(c))
          .setNotAfterUnixMillis(c.getNotAfter().getTime()).build();
    } catch (TrustException e) {
      throw ProtoMapping.toStatus(error(e));
    }
  }

  @Override
  public void withdrawConsent(SSLSession tls, String reason) {
    PeerIdentity p;
    try {
      p = trust.authenticate(tls, PARTICIPANTS, "withdraw consent");
    } catch (TrustException e) {
      throw ProtoMapping.toStatus(error(e));
    }
    trust.withdrawConsent(p.id(), reason == null || reason.isBlank() ? "withdrawn by the participant" : reason);
    federation.withdrawConsent(p.id(), reason).whenComplete((v, err) -> {
      if (err != null) {
        log.debug("federation did not record {}'s consent withdrawal: {}", p.id(), err.toString());
      }
    });
  }

  static Error error(TrustException e) {
    ErrorCode code = switch (e.reason()) {
      case NO_CERTIFICATE, UNKNOWN_CA, EXPIRED, WRONG_ROLE -> ErrorCode.UNAUTHENTICATED;
      case REVOKED, SUSPENDED -> ErrorCode.REVOKED;
      case BAD_SIGNATURE -> ErrorCode.BAD_SIGNATURE;
      case TAMPERED -> ErrorCode.CHECKSUM_MISMATCH;
      case REPLAYED -> ErrorCode.REPLAYED;
      case PERMISSION_DENIED -> ErrorCode.PERMISSION_DENIED;
      case NOT_FOUND -> ErrorCode.NOT_FOUND;
      case TOKEN_INVALID, CSR_INVALID, POLICY, INVALID -> ErrorCode.ENROLLMENT_REFUSED;
    };
    return ProtoMapping.error(code, e.getMessage()).toBuilder().setRejectReason(e.reason().name()).build();
  }

  // ------------------------------------------------------------------ services

  @Override
  public List<ServerServiceDefinition> services() {
    return List.of(new EnrollmentService().bindService(), new AdminService().bindService());
  }

  static EnrollmentState state(String status) {
    return switch (status) {
      case "PENDING" -> EnrollmentState.ENROLLMENT_PENDING;
      case "APPROVED" -> EnrollmentState.ENROLLMENT_APPROVED;
      case "REJECTED" -> EnrollmentState.ENROLLMENT_REJECTED;
      case "REVOKED" -> EnrollmentState.ENROLLMENT_REVOKED;
      default -> EnrollmentState.ENROLLMENT_STATE_UNSPECIFIED;
    };
  }

  private EnrollResponse response(EnrollmentRecord r) {
    EnrollResponse.Builder b = EnrollResponse.newBuilder().setEnrollmentId(r.id()).setState(state(r.status()))
        .setParticipantId(r.participantId()).setRole(r.role().label()).setCaPem(trust.ca().certificatePem());
    if (r.reason() != null) {
      b.setReason(r.reason());
    }
    if (r.certificatePem() != null && "APPROVED".equals(r.status())) {
      b.setCertificatePem(r.certificatePem());
    }
    return b.build();
  }

  private final class EnrollmentService extends EnrollmentGrpc.EnrollmentImplBase {
    @Override
    public void enroll(EnrollRequest req, StreamObserver<EnrollResponse> out) {
      answer(out, () -> response(trust.enroll(req.getToken(), req.getCsrPem(), req.getDevice().getDeviceClass(),
          req.getDevice().getRegion(), req.getDevice().getConsent(), req.getDevice().getParticipantName())));
    }

    @Override
    public void enrollmentStatus(EnrollmentStatusRequest req, StreamObserver<EnrollResponse> out) {
      answer(out, () -> response(trust.status(req.getEnrollmentId(), req.getToken())));
    }
  }

  private final class AdminService extends AdminGrpc.AdminImplBase {
    private PeerIdentity operator(Role.Action action, String subject) {
      PeerIdentity p = trust.authenticate(CoordinatorServer.callerTlsSession(), OPERATORS, "admin");
      trust.authorize(p.id(), p.role(), action, subject);
      return p;
    }

    @Override
    public void listEnrollments(ListEnrollmentsRequest req, StreamObserver<ListEnrollmentsResponse> out) {
      answer(out, () -> {
        operator(Role.Action.VIEW, "enrollments");
        String filter = switch (req.getState()) {
          case ENROLLMENT_PENDING -> "PENDING";
          case ENROLLMENT_APPROVED -> "APPROVED";
          case ENROLLMENT_REJECTED -> "REJECTED";
          case ENROLLMENT_REVOKED -> "REVOKED";
          default -> null;
        };
        ListEnrollmentsResponse.Builder b = ListEnrollmentsResponse.newBuilder();
        for (EnrollmentRecord r : trust.enrollments(filter)) {
          b.addEnrollments(info(r));
        }
        return b.build();
      });
    }

    @Override
    public void decideEnrollment(DecideEnrollmentRequest req, StreamObserver<AdminAck> out) {
      answer(out, () -> {
        PeerIdentity p = operator(Role.Action.APPROVE_ENROLLMENT, "enrollment " + req.getEnrollmentId());
        EnrollmentRecord r = req.getApprove() ? trust.approve(req.getEnrollmentId(), p.id())
            : trust.reject(req.getEnrollmentId(), p.id(), req.getReason());
        return AdminAck.newBuilder().setDetail("enrollment " + r.id() + " of " + r.participantId() + ": "
            + r.status().toLowerCase(Locale.ROOT)).build();
      });
    }

    @Override
    public void createToken(CreateTokenRequest req, StreamObserver<CreateTokenResponse> out) {
      answer(out, () -> {
        PeerIdentity p = operator(Role.Action.ISSUE_TOKEN, req.getParticipantName());
        FederationTrust.IssuedToken t = trust.createToken(Role.parse(req.getRole()), req.getParticipantName(),
            Duration.ofSeconds(req.getTtlSeconds() <= 0 ? 86_400 : req.getTtlSeconds()), p.id());
        String where = req.getCoordinatorAddress().isBlank() ? address() : req.getCoordinatorAddress();
        OnboardingBundle b = new OnboardingBundle(OnboardingBundle.FORMAT, where, federation.config().name(),
            trust.ca().certificatePem(), t.token(), t.role().label(), t.participantName(), t.expiresAt().toString());
        return CreateTokenResponse.newBuilder().setToken(t.token()).setExpiresUnixMillis(t.expiresAt().toEpochMilli())
            .setBundleJson(b.toJson()).build();
      });
    }

    @Override
    public void changeStanding(ChangeStandingRequest req, StreamObserver<AdminAck> out) {
      answer(out, () -> {
        String pid = req.getParticipantId();
        String reason = req.getReason().isBlank() ? "operator decision" : req.getReason();
        switch (req.getChange()) {
          case SUSPEND -> {
            PeerIdentity p = operator(Role.Action.SUSPEND, pid);
            trust.suspend(pid, p.id(), reason);
            quietly(federation.suspend(pid, p.id(), reason), "suspend");
          }
          case REINSTATE -> {
            PeerIdentity p = operator(Role.Action.SUSPEND, pid);
            trust.reinstate(pid, p.id(), reason);
            quietly(federation.reinstate(pid, p.id(), reason), "reinstate");
          }
          case REVOKE -> {
            PeerIdentity p = operator(Role.Action.REVOKE, pid);
            trust.revoke(pid, p.id(), reason);
            quietly(federation.revoke(pid, p.id(), reason), "revoke");
          }
          default -> throw new IllegalArgumentException("change must be SUSPEND, REINSTATE or REVOKE");
        }
        return AdminAck.newBuilder().setDetail(pid + ": " + req.getChange().name().toLowerCase(Locale.ROOT) + "d").build();
      });
    }

    @Override
    public void control(ControlRequest req, StreamObserver<AdminAck> out) {
      answer(out, () -> {
        operator(Role.Action.CONTROL, req.getAction().name().toLowerCase(Locale.ROOT));
        switch (req.getAction()) {
          case PAUSE -> federation.pause();
          case RESUME -> federation.resume();
          case STOP -> federation.stop();
          default -> throw new IllegalArgumentException("action must be PAUSE, RESUME or STOP");
        }
        return AdminAck.newBuilder().setDetail(req.getAction().name().toLowerCase(Locale.ROOT) + " sent").build();
      });
    }
  }

  private static void quietly(java.util.concurrent.CompletableFuture<Void> f, String what) {
    f.orTimeout(10, TimeUnit.SECONDS).whenComplete((v, err) -> {
      if (err != null) {
        log.debug("federation.{}: {}", what, err.toString());
      }
    });
  }

  /** The wire form of an enrollment request, as the admin service and offline CLI both report it. */
  public static EnrollmentInfo info(EnrollmentRecord r) {
    EnrollmentInfo.Builder b = EnrollmentInfo.newBuilder().setId(r.id()).setParticipantId(r.participantId())
        .setState(state(r.status())).setRole(r.role().label()).setConsent(r.consent())
        .setRequestedUnixMillis(r.requestedAt().toEpochMilli());
    if (r.deviceClass() != null) {
      b.setDeviceClass(r.deviceClass());
    }
    if (r.region() != null) {
      b.setRegion(r.region());
    }
    if (r.reason() != null) {
      b.setReason(r.reason());
    }
    if (r.decidedBy() != null) {
      b.setDecidedBy(r.decidedBy());
    }
    if (r.serial() != null) {
      b.setCertificateSerial(r.serial());
    }
    return b.build();
  }

  private static <T> void answer(StreamObserver<T> out, Supplier<T> work) {
    T v;
    try {
      v = work.get();
    } catch (TrustException e) {
      out.onError(ProtoMapping.toStatus(error(e)));
      return;
    } catch (IllegalArgumentException e) {
      out.onError(ProtoMapping.toStatus(ProtoMapping.error(ErrorCode.MALFORMED, e.getMessage())));
      return;
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    } catch (RuntimeException e) {
      log.warn("trust service call failed", e);
      out.onError(ProtoMapping.toStatus(ProtoMapping.error(ErrorCode.INTERNAL, e.toString())));
      return;
    }
    out.onNext(v);
    out.onCompleted();
  }

  /**
   * The handshake's trust decision for client certificates: accepts any chain (TLS has already checked that
   * the client holds the key of the certificate it presents) so that the verdict — our CA, validity,
   * revocation, role — is made per call by {@link FederationTrust}, typed and audited. Server certificates
   * are never checked here (this manager is only used on the server side).
   */
  private static final class DeferredClientTrust extends X509ExtendedTrustManager {
    DeferredClientTrust(X509Certificate ca) {
      // the CA is checked per call by FederationTrust, not here
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine e) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("server-side trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket s)
        throws java.security.cert.CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine e)
        throws java.security.cert.CertificateException {
      checkServerTrusted(chain, authType);
    }

    /**
     * Names no issuer in the certificate request, so a client presents whatever certificate it has — one
     * from another CA is then refused by name and audited instead of silently not being sent.
     */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
