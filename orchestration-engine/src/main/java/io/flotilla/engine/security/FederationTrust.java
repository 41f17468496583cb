package io.flotilla.engine.security;

import io.flotilla.engine.security.TrustException.Reason;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federation's trust decisions in one place: one-time enrollment tokens, the enrollment queue and its
 * approval, certificate issue and renewal, verification of a peer's certificate (issued by our CA, within
 * its validity by the injected clock, not revoked, in good standing), the revocation list, participant
 * standing (suspended, revoked, consent withdrawn), the governance policy and operator role checks. Every
 * decision is audited — refusals in their own transaction, changes together with the change — and a
 * refused request changes nothing else. Thread-safe (the store serializes writes; caches are concurrent).
 */
public final class FederationTrust {
  private static final Logger log = LoggerFactory.getLogger(FederationTrust.class);

  /** Standing values kept in {@code participant_standing}. */
  public static final String SUSPENDED = "SUSPENDED";
  public static final String REVOKED = "REVOKED";
  public static final String CONSENT_WITHDRAWN = "CONSENT_WITHDRAWN";

  /** A token as handed to the operator (the only time its plaintext exists). */
  public record IssuedToken(String token, Role role, String participantName, Instant expiresAt) {}

  private final CertificateAuthority ca;
  private final TrustStore store;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration participantLifetime;
  private final Duration operatorLifetime;
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();
  private final Map<String, String> standing = new ConcurrentHashMap<>();
  private final List<BiConsumer<String, String>> standingListeners = new CopyOnWriteArrayList<>();

  public FederationTrust(CertificateAuthority ca, TrustStore store, Clock clock, SecureRandom random,
      Duration participantLifetime, Duration operatorLifetime) {
    this.ca = Objects.requireNonNull(ca);
    this.store = Objects.requireNonNull(store);
    this.clock = Objects.requireNonNull(clock);
    this.random = Objects.requireNonNull(random);
    this.participantLifetime = participantLifetime;
    this.operatorLifetime = operatorLifetime;
    revoked.addAll(store.revokedSerials());
    standing.putAll(store.standings());
  }

  public CertificateAuthority ca() {
    return ca;
  }

  public TrustStore store() {
    return store;
  }

  public Clock clock() {
    return clock;
  }

  public Duration participantLifetime() {
    return participantLifetime;
  }

  /**
   * Listens to standing changes (participant id, new standing: SUSPENDED, REVOKED, CONSENT_WITHDRAWN or
   * null when reinstated); the transport closes sessions from here.
   */
  public void onStandingChanged(BiConsumer<String, String> listener) {
    standingListeners.add(listener);
  }

  // ------------------------------------------------------------------ tokens

  /** Creates a one-time token; only its SHA-256 is stored. Audited. */
  public IssuedToken createToken(Role role, String participantName, Duration ttl, String actor) {
    if (participantName != null && !participantName.isBlank()) {
      CertificateAuthority.checkName(participantName);
    } else {
      participantName = null;
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(30)) > 0) {
      throw new IllegalArgumentException("token lifetime must be between 1 second and 30 days, was " + ttl);
    }
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String token = "flt1_" + HexFormat.of().formatHex(raw);
    Instant now = clock.instant();
    Instant expires = now.plus(ttl);
    String name = participantName;
    store.tx("creating a token", c -> {
      TrustStore.insertToken(c, sha256(token), role, name, now, actor, expires);
      store.audit(c, now, actor, "enrollment.token_created", name == null ? "(any name)" : name,
          detail("role", role.label(), "expires", expires.toString(), "token_sha256", sha256(token).substring(0, 16)));
      return null;
    });
    return new IssuedToken(token, role, name, expires);
  }

  // ------------------------------------------------------------------ enrollment

  /**
   * An enrollment request: the token must exist, be unused and unexpired; the CSR must prove possession of
   * its key; the governance policy must admit the metadata. The request is queued PENDING (or approved at
   * once under the auto-approval policy) and the token is spent.
   *
   * @throws TrustException TOKEN_INVALID, CSR_INVALID or POLICY (audited, nothing stored)
   */
  public EnrollmentRecord enroll(String token, String csrPem, String deviceClass, String region, boolean consent,
      String requestedName) {
    Instant now = clock.instant();
    String sha = sha256(token == null ? "" : token.trim());
    TrustStore.Token t = store.token(sha);
    if (t == null) {
      throw refuse("enrollment.refused", "unknown", Reason.TOKEN_INVALID, "unknown enrollment token");
    }
    String who = t.participantName() != null ? t.participantName() : "unnamed";
    if (t.usedAt() != null) {
      throw refuse("enrollment.refused", who, Reason.TOKEN_INVALID,
          "enrollment token was already used at " + t.usedAt() + "; ask the operator for a new one");
    }
    if (!now.isBefore(t.expiresAt())) {
      throw refuse("enrollment.refused", who, Reason.TOKEN_INVALID,
          "enrollment token expired at " + t.expiresAt() + "; ask the operator for a new one");
    }
    PublicKey key;
    try {
      key = CertificateAuthority.verifiedKey(csrPem);
    } catch (TrustException e) {
      throw refuse("enrollment.refused", who, e.reason(), e.getMessage());
    }
    String pid = t.participantName() != null ? t.participantName()
        : requestedName != null && !requestedName.isBlank() ? requestedName.trim()
        : "p-" + sha256(key.getEncoded()).substring(0, 12);
    try {
      CertificateAuthority.checkName(pid);
    } catch (IllegalArgumentException e) {
      throw refuse("enrollment.refused", who, Reason.INVALID, e.getMessage());
    }
    GovernancePolicy policy = store.policy();
    if (t.role() == Role.PARTICIPANT) {
      String why = policy.refusal(deviceClass, region, consent);
      if (why != null) {
        throw refuse("enrollment.refused", pid, Reason.POLICY, "refused by the federation's policy: " + why);
      }
    }
    String keySha = sha256(key.getEncoded());
    long id;
    try {
      id = store.tx("recording an enrollment", c -> {
        if (TrustStore.nameTaken(c, pid)) {
          throw new TrustException(Reason.INVALID, "'" + pid + "' is already enrolled or waiting for approval");
        }
        long n = TrustStore.insertEnrollment(c, store.federation(), pid, t.role(), deviceClass, region, consent, sha,
            csrPem, keySha, now);
        TrustStore.markTokenUsed(c, sha, now, n);
        store.audit(c, now, pid, "enrollment.requested", pid, detail("enrollment", n, "role", t.role().label(),
            "device_class", deviceClass, "region", region, "consent", consent, "key_sha256", keySha.substring(0, 16)));
        return n;
      });
    } catch (TrustException e) {
      throw refuse("enrollment.refused", pid, e.reason(), e.getMessage());
    }
    if (policy.autoApprove()) {
      return approve(id, "policy:auto-approve");
    }
    return store.enrollment(id);
  }

  /** The request's state, for its requester (who proves it with the token it used). */
  public EnrollmentRecord status(long id, String token) {
    EnrollmentRecord r = store.enrollment(id);
    if (r == null || token == null || !r.tokenSha256().equals(sha256(token.trim()))) {
      throw new TrustException(Reason.NOT_FOUND, "no enrollment " + id + " made with this token");
    }
    return r;
  }

  public List<EnrollmentRecord> enrollments(String status) {
    return store.enrollments(status == null ? null : status.toUpperCase(Locale.ROOT));
  }

  /** Approves a pending request: the CA issues the certificate for the key in its CSR. Audited. */
  public EnrollmentRecord approve(long id, String actor) {
    EnrollmentRecord r = pending(id, actor, "approve");
    PublicKey key = CertificateAuthority.verifiedKey(r.csrPem());
    Duration life = r.role() == Role.PARTICIPANT ? participantLifetime : operatorLifetime;
    X509Certificate cert = ca.issueClient(key, r.participantId(), r.role(), life);
    String pem = Pem.write(cert);
    String serial = CertificateAuthority.serialHex(cert);
    Instant now = clock.instant();
    store.tx("approving enrollment " + id, c -> {
      TrustStore.decide(c, id, "APPROVED", actor, null, now, pem, serial, cert.getNotAfter().toInstant());
      TrustStore.insertCertificate(c, serial, r.participantId(), r.role(), cert.getNotBefore().toInstant(),
          cert.getNotAfter().toInstant(), pem, id);
      TrustStore.setStanding(c, r.participantId(), null, null, actor, now);
      store.audit(c, now, actor, "enrollment.approved", r.participantId(), detail("enrollment", id, "serial", serial,
          "role", r.role().label(), "not_after", cert.getNotAfter().toInstant().toString()));
      return null;
    });
    standing.remove(r.participantId());
    log.info("enrollment {} of {} approved by {}; certificate {} until {}", id, r.participantId(), actor, serial,
        cert.getNotAfter().toInstant());
    return store.enrollment(id);
  }

  /** Rejects a pending request with a reason. Audited. */
  public EnrollmentRecord reject(long id, String actor, String reason) {
    EnrollmentRecord r = pending(id, actor, "reject");
    Instant now = clock.instant();
    String why = reason == null || reason.isBlank() ? "rejected by the operator" : reason;
    store.tx("rejecting enrollment " + id, c -> {
      TrustStore.decide(c, id, "REJECTED", actor, why, now, null, null, null);
      store.audit(c, now, actor, "enrollment.rejected", r.participantId(), detail("enrollment", id, "reason", why));
      return null;
    });
    return store.enrollment(id);
  }

  private EnrollmentRecord pending(long id, String actor, String verb) {
    EnrollmentRecord r = store.enrollment(id);
    if (r == null) {
      throw new IllegalArgumentException("no enrollment " + id);
    }
    if (!"PENDING".equals(r.status())) {
      throw new IllegalArgumentException("enrollment " + id + " is " + r.status().toLowerCase(Locale.ROOT)
          + ", not pending: cannot " + verb + " it");
    }
    return r;
  }

  // ------------------------------------------------------------------ peers

  /**
   * Verifies the client certificate of a TLS connection and returns who it is.
   *
   * @param allowed roles that may make this call
   * @throws TrustException NO_CERTIFICATE, UNKNOWN_CA, EXPIRED, REVOKED, SUSPENDED or WRONG_ROLE (audited)
   */
  public PeerIdentity authenticate(SSLSession tls, Set<Role> allowed, String call) {
    if (tls == null) {
      throw refuse("session.refused", "unknown", Reason.NO_CERTIFICATE,
          call + ": plaintext connection; this coordinator requires mutual TLS");
    }
    Certificate[] chain;
    try {
      chain = tls.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw refuse("session.refused", "unknown", Reason.NO_CERTIFICATE,
          call + ": no client certificate; enroll first with the onboarding bundle");
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
      throw refuse("session.refused", "unknown", Reason.NO_CERTIFICATE, call + ": no X.509 client certificate");
    }
    return verify(cert, allowed, call);
  }

  /** As {@link #authenticate} for a certificate already in hand. */
  public PeerIdentity verify(X509Certificate cert, Set<Role> allowed, String call) {
    String cn = CertificateAuthority.commonName(cert.getSubjectX500Principal());
    String who = cn == null ? "unknown" : cn;
    if (!ca.issued(cert)) {
      throw refuse("session.refused", who, Reason.UNKNOWN_CA, call + ": client certificate of '" + who
          + "' was not issued by this federation's CA (issuer: " + cert.getIssuerX500Principal().getName() + ")");
    }
    Instant now = clock.instant();
    if (now.isAfter(cert.getNotAfter().toInstant())) {
      throw refuse("session.refused", who, Reason.EXPIRED, call + ": client certificate of '" + who + "' expired at "
          + cert.getNotAfter().toInstant() + "; it must be renewed before expiry or re-enrolled");
    }
    if (now.isBefore(cert.getNotBefore().toInstant())) {
      throw refuse("session.refused", who, Reason.EXPIRED, call + ": client certificate of '" + who
          + "' is not valid before " + cert.getNotBefore().toInstant());
    }
    String serial = CertificateAuthority.serialHex(cert);
    String st = standing.get(who);
    if (revoked.contains(serial) || REVOKED.equals(st)) {
      throw refuse("session.refused", who, Reason.REVOKED, call + ": the certificate of '" + who + "' (serial "
          + serial + ") was revoked");
    }
    Role role = CertificateAuthority.role(cert);
    if (role == null || !allowed.contains(role)) {
      throw refuse("session.refused", who, Reason.WRONG_ROLE, call + ": a certificate with role "
          + (role == null ? "none" : role.label()) + " cannot make this call");
    }
    if (SUSPENDED.equals(st) || CONSENT_WITHDRAWN.equals(st)) {
      throw refuse("session.refused", who, Reason.SUSPENDED, call + ": '" + who + "' is "
          + st.toLowerCase(Locale.ROOT).replace('_', ' '));
    }
    return new PeerIdentity(who, role, serial, cert);
  }

  /** Null when {@code pid} is in good standing, else SUSPENDED, REVOKED or CONSENT_WITHDRAWN. */
  public String standing(String pid) {
    return standing.get(pid);
  }

  public boolean isRevoked(String serial) {
    return revoked.contains(serial);
  }

  /** Rotation: a new certificate for the caller's identity and role, for the key in {@code csrPem}. Audited. */
  public X509Certificate renew(PeerIdentity peer, String csrPem) {
    PublicKey key;
    try {
      key = CertificateAuthority.verifiedKey(csrPem);
    } catch (TrustException e) {
      throw refuse("certificate.renewal_refused", peer.id(), e.reason(), e.getMessage());
    }
    Duration life = peer.role() == Role.PARTICIPANT ? participantLifetime : operatorLifetime;
    X509Certificate cert = ca.issueClient(key, peer.id(), peer.role(), life);
    String serial = CertificateAuthority.serialHex(cert);
    Instant now = clock.instant();
    store.tx("renewing a certificate", c -> {
      TrustStore.insertCertificate(c, serial, peer.id(), peer.role(), cert.getNotBefore().toInstant(),
          cert.getNotAfter().toInstant(), Pem.write(cert), null);
      store.audit(c, now, peer.id(), "certificate.renewed", peer.id(), detail("old_serial", peer.serial(),
          "serial", serial, "not_after", cert.getNotAfter().toInstant().toString()));
      return null;
    });
    return cert;
  }

  /** Records an operator-issued certificate (e.g. the local admin's) in the certificate table. */
  public void recordIssued(X509Certificate cert, String actor) {
    String id = CertificateAuthority.commonName(cert.getSubjectX500Principal());
    Role role = CertificateAuthority.role(cert);
    Instant now = clock.instant();
    store.tx("recording a certificate", c -> {
      TrustStore.insertCertificate(c, CertificateAuthority.serialHex(cert), id, role, cert.getNotBefore().toInstant(),
          cert.getNotAfter().toInstant(), Pem.write(cert), null);
      store.audit(c, now, actor, "certificate.issued", id, detail("serial", CertificateAuthority.serialHex(cert),
          "role", role.label(), "not_after", cert.getNotAfter().toInstant().toString()));
      return null;
    });
  }

  // ------------------------------------------------------------------ standing

  public void suspend(String pid, String actor, String reason) {
    changeStanding(pid, SUSPENDED, actor, reason, "participant.suspended");
  }

  public void reinstate(String pid, String actor, String reason) {
    String st = standing.get(pid);
    if (REVOKED.equals(st) || CONSENT_WITHDRAWN.equals(st)) {
      throw new IllegalArgumentException("'" + pid + "' is " + st.toLowerCase(Locale.ROOT).replace('_', ' ')
          + ": it cannot be reinstated (it must enroll again)");
    }
    changeStanding(pid, null, actor, reason, "participant.reinstated");
  }

  /** Revokes every certificate of {@code pid} and bars it for good. Audited. */
  public void revoke(String pid, String actor, String reason) {
    changeStanding(pid, REVOKED, actor, reason, "participant.revoked");
  }

  /** The participant withdraws consent: it is never selected (nor admitted) again. Audited. */
  public void withdrawConsent(String pid, String reason) {
    changeStanding(pid, CONSENT_WITHDRAWN, pid, reason, "participant.consent_withdrawn");
  }

  private void changeStanding(String pid, String to, String actor, String reason, String action) {
    Instant now = clock.instant();
    List<String> serials = new ArrayList<>();
    store.tx(action, c -> {
      if (!knownParticipant(c, pid)) {
        throw new IllegalArgumentException("no enrolled participant '" + pid + "'");
      }
      if (REVOKED.equals(to)) {
        serials.addAll(TrustStore.revokeSubject(c, pid, reason, now));
      }
      TrustStore.setStanding(c, pid, to, reason, actor, now);
      store.audit(c, now, actor, action, pid, detail("reason", reason, "revoked_serials",
          serials.isEmpty() ? null : String.join(",", serials)));
      return null;
    });
    revoked.addAll(serials);
    if (to == null) {
      standing.remove(pid);
    } else {
      standing.put(pid, to);
    }
    for (BiConsumer<String, String> l : standingListeners) {
      try {
        l.accept(pid, to);
      } catch (RuntimeException e) {
        log.warn("standing listener failed for {}", pid, e);
      }
    }
  }

  private static boolean knownParticipant(java.sql.Connection c, String pid) throws java.sql.SQLException {
    try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM certificates WHERE subject = ?")) {
      ps.setString(1, pid);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  // ------------------------------------------------------------------ policy and roles

  public GovernancePolicy policy() {
    return store.policy();
  }

  /** Replaces the governance policy. Audited. */
  public void setPolicy(GovernancePolicy p, String actor) {
    Instant now = clock.instant();
    store.tx("setting the policy", c -> {
      TrustStore.setPolicy(c, p);
      store.audit(c, now, actor, "policy.changed", "governance", detail("policy", p.toJson()));
      return null;
    });
  }

  /**
   * Checks that {@code role} allows {@code action}; records the decision in the audit log either way.
   *
   * @throws TrustException PERMISSION_DENIED naming the actor, its role and the action
   */
  public void authorize(String actor, Role role, Role.Action action, String subject) {
    Instant now = clock.instant();
    String act = action.name().toLowerCase(Locale.ROOT);
    if (role == null || !role.allows(action)) {
      throw refuse("operator.denied", actor, Reason.PERMISSION_DENIED, "'" + actor + "' (role "
          + (role == null ? "none" : role.label()) + ") may not " + act.replace('_', ' ')
          + (subject == null ? "" : " (" + subject + ")"), Map.of("action", act, "target", String.valueOf(subject)));
    }
    store.audit(now, actor, "operator.allowed", subject, detail("action", act, "role", role.label()));
  }

  /** Audits a refusal seen by the transport (tampered payload, bad signature, replay) and returns it. */
  public TrustException refuseUpdate(String pid, Reason reason, String message, Map<String, ?> extra) {
    return refuse("update.refused", pid, reason, message, extra);
  }

  private TrustException refuse(String action, String subject, Reason reason, String message) {
    return refuse(action, subject, reason, message, Map.of());
  }

  private TrustException refuse(String action, String subject, Reason reason, String message, Map<String, ?> extra) {
    Map<String, Object> d = new LinkedHashMap<>(extra);
    d.put("reason", reason.name());
    d.put("message", message);
    try {
      store.audit(clock.instant(), subject, action, subject, d);
    } catch (RuntimeException e) {
      log.warn("could not audit a refusal ({}: {})", reason, message, e);
    }
    log.info("{} {}: {}", action, subject, message);
    return new TrustException(reason, message);
  }

  static Map<String, Object> detail(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  public static String sha256(String s) {
    return sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
