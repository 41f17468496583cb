package io.flotilla.engine.security;

import io.flotilla.engine.audit.AuditLog;
import io.flotilla.engine.store.JdbcFederationStore;
import io.flotilla.engine.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The trust layer's rows (schema migration V2): enrollment tokens (SHA-256 only), enrollment requests,
 * issued certificates with their revocation status, participant standing and the governance policy. It
 * shares the federation store's single H2 connection and takes the store's monitor for every use, so its
 * transactions never interleave with the store's; each change and its audit entry commit together.
 * Thread-safe.
 */
public final class TrustStore {
  /** A stored token. */
  public record Token(String sha256, Role role, String participantName, Instant createdAt, Instant expiresAt,
      Instant usedAt) {}

  /** A stored enrollment request. */
  public record EnrollmentRecord(long id, String participantId, String status, Role role, String deviceClass,
      String region, boolean consent, String tokenSha256, String csrPem, String certificatePem, String serial,
      Instant requestedAt, Instant decidedAt, String decidedBy, String reason, String publicKeySha256) {}

  /** Work run in one transaction on the shared connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final JdbcFederationStore store;
  private final String federation;

  public TrustStore(JdbcFederationStore store, String federation) {
    this.store = store;
    this.federation = federation;
  }

  public String federation() {
    return federation;
  }

  public JdbcFederationStore store() {
    return store;
  }

  /** Runs {@code work} in one transaction (rolled back when it throws). */
  public <T> T tx(String what, Work<T> work) {
    synchronized (store) {
      Connection c = store.connection();
      try {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
          T t = work.run(c);
          c.commit();
          return t;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(auto);
        }
      } catch (SQLException e) {
        throw new StoreException(what + " failed: " + e.getMessage(), e);
      }
    }
  }

  /** Appends one audit entry in its own transaction (refusals: nothing else changes). */
  public void audit(Instant at, String actor, String action, String subject, Map<String, ?> detail) {
    tx("auditing " + action, c -> AuditLog.append(c, at, actor, action, federation, subject, detail));
  }

  /** Appends an audit entry inside the caller's transaction. */
  public void audit(Connection c, Instant at, String actor, String action, String subject, Map<String, ?> detail)
      throws SQLException {
    AuditLog.append(c, at, actor, action, federation, subject, detail);
  }

  // ------------------------------------------------------------------ tokens

  static void insertToken(Connection c, String sha, Role role, String name, Instant at, String by, Instant expires)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO enrollment_tokens (token_sha256, role, participant_name, "
        + "created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, sha);
      ps.setString(2, role.label());
      ps.setString(3, name);
      ps.setObject(4, ts(at));
      ps.setString(5, by);
      ps.setObject(6, ts(expires));
      ps.executeUpdate();
    }
  }

  public Token token(String sha) {
    return tx("reading a token", c -> token(c, sha));
  }

  static Token token(Connection c, String sha) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT role, participant_name, created_at, expires_at, used_at "
        + "FROM enrollment_tokens WHERE token_sha256 = ?")) {
      ps.setString(1, sha);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new Token(sha, Role.parse(rs.getString(1)), rs.getString(2), instant(rs, 3), instant(rs, 4), instant(rs, 5));
      }
    }
  }

  static void markTokenUsed(Connection c, String sha, Instant at, long enrollment) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE enrollment_tokens SET used_at = ?, enrollment_id = ? WHERE token_sha256 = ? AND used_at IS NULL")) {
      ps.setObject(1, ts(at));
      ps.setLong(2, enrollment);
      ps.setString(3, sha);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("token was used concurrently");
      }
    }
  }

  // ------------------------------------------------------------------ enrollments

  static long insertEnrollment(Connection c, String federation, String pid, Role role, String deviceClass,
      String region, boolean consent, String tokenSha, String csrPem, String keySha, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO enrollments (federation, participant_id, status, "
        + "token_sha256, csr_pem, requested_at, role, device_class, region, consent, public_key_sha256) "
        + "VALUES (?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"ID"})) {
      ps.setString(1, federation);
      ps.setString(2, pid);
      ps.setString(3, tokenSha);
      ps.setString(4, csrPem);
      ps.setObject(5, ts(at));
      ps.setString(6, role.label());
      ps.setString(7, deviceClass);
      ps.setString(8, region);
      ps.setBoolean(9, consent);
      ps.setString(10, keySha);
      ps.executeUpdate();
      try (ResultSet rs = ps.getGeneratedKeys()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static final String ENROLLMENT_COLUMNS = "id, participant_id, status, role, device_class, region, consent, "
      + "token_sha256, csr_pem, certificate_pem, certificate_serial, requested_at, decided_at, decided_by, reason, "
      + "public_key_sha256";

  private static EnrollmentRecord enrollment(ResultSet rs) throws SQLException {
    return new EnrollmentRecord(rs.getLong(1), rs.getString(2), rs.getString(3), Role.parse(rs.getString(4)),
        rs.getString(5), rs.getString(6), rs.getBoolean(7), rs.getString(8), rs.getString(9), rs.getString(10),
        rs.getString(11), instant(rs, 12), instant(rs, 13), rs.getString(14), rs.getString(15), rs.getString(16));
  }

  public EnrollmentRecord enrollment(long id) {
    return tx("reading an enrollment", c -> enrollment(c, id));
  }

  static EnrollmentRecord enrollment(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + ENROLLMENT_COLUMNS + " FROM enrollments WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? enrollment(rs) : null;
      }
    }
  }

  /** Enrollments in id order, those in {@code status} only when it is not null. */
  public List<EnrollmentRecord> enrollments(String status) {
    return tx("listing enrollments", c -> {
      List<EnrollmentRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + ENROLLMENT_COLUMNS + " FROM enrollments"
          + (status == null ? "" : " WHERE status = ?") + " ORDER BY id")) {
        if (status != null) {
          ps.setString(1, status);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(enrollment(rs));
          }
        }
      }
      return out;
    });
  }

  /** Whether an enrollment for {@code pid} is pending or approved (the name is taken). */
  static boolean nameTaken(Connection c, String pid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT COUNT(*) FROM enrollments WHERE participant_id = ? AND status IN ('PENDING', 'APPROVED')")) {
      ps.setString(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  static void decide(Connection c, long id, String status, String actor, String reason, Instant at, String certPem,
      String serial, Instant certExpires) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE enrollments SET status = ?, decided_by = ?, reason = ?, "
        + "decided_at = ?, certificate_pem = ?, certificate_serial = ?, expires_at = ? WHERE id = ? AND status = 'PENDING'")) {
      ps.setString(1, status);
      ps.setString(2, actor);
      ps.setString(3, reason);
      ps.setObject(4, ts(at));
      ps.setString(5, certPem);
      ps.setString(6, serial);
      if (certExpires == null) {
        ps.setNull(7, Types.TIMESTAMP_WITH_TIMEZONE);
      } else {
        ps.setObject(7, ts(certExpires));
      }
      ps.setLong(8, id);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("enrollment " + id + " is no longer pending");
      }
    }
  }

  // ------------------------------------------------------------------ certificates

  static void insertCertificate(Connection c, String serial, String subject, Role role, Instant notBefore,
      Instant notAfter, String pem, Long enrollment) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO certificates (serial, subject, role, not_before, "
        + "not_after, certificate_pem, enrollment_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'VALID')")) {
      ps.setString(1, serial);
      ps.setString(2, subject);
      ps.setString(3, role.label());
      ps.setObject(4, ts(notBefore));
      ps.setObject(5, ts(notAfter));
      ps.setString(6, pem);
      if (enrollment == null) {
        ps.setNull(7, Types.BIGINT);
      } else {
        ps.setLong(7, enrollment);
      }
      ps.executeUpdate();
    }
  }

  /** Revokes every valid certificate of {@code subject}; returns their serials. */
  static List<String> revokeSubject(Connection c, String subject, String reason, Instant at) throws SQLException {
    List<String> serials = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM certificates WHERE subject = ? AND status = 'VALID'")) {
      ps.setString(1, subject);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          serials.add(rs.getString(1));
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE certificates SET status = 'REVOKED', revoked_at = ?, "
        + "revoke_reason = ? WHERE subject = ? AND status = 'VALID'")) {
      ps.setObject(1, ts(at));
      ps.setString(2, reason);
      ps.setString(3, subject);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE enrollments SET status = 'REVOKED' WHERE participant_id = ? AND status = 'APPROVED'")) {
      ps.setString(1, subject);
      ps.executeUpdate();
    }
    return serials;
  }

  /** The revocation list: serials of every revoked certificate. */
  public Set<String> revokedSerials() {
    return tx("reading the revocation list", c -> {
      Set<String> out = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM certificates WHERE status = 'REVOKED'");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
  }

  /** Certificate counts by status, for tools and tests. */
  public Map<String, Integer> certificateCounts() {
    return tx("counting certificates", c -> {
      Map<String, Integer> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) FROM certificates GROUP BY status");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getInt(2));
        }
      }
      return out;
    });
  }

  // ------------------------------------------------------------------ standing and policy

  /** Every participant's standing other than the default (in good standing). */
  public Map<String, String> standings() {
    return tx("reading standings", c -> {
      Map<String, String> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT participant_id, standing FROM participant_standing");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
      return out;
    });
  }

  static void setStanding(Connection c, String pid, String standing, String reason, String actor, Instant at)
      throws SQLException {
    try (PreparedStatement del = c.prepareStatement("DELETE FROM participant_standing WHERE participant_id = ?")) {
      del.setString(1, pid);
      del.executeUpdate();
    }
    if (standing == null) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO participant_standing (participant_id, standing, reason, "
        + "actor, changed_at) VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, pid);
      ps.setString(2, standing);
      ps.setString(3, reason);
      ps.setString(4, actor);
      ps.setObject(5, ts(at));
      ps.executeUpdate();
    }
  }

  public GovernancePolicy policy() {
    return tx("reading the governance policy", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT setting_value FROM trust_settings WHERE name = 'policy'");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? GovernancePolicy.fromJson(rs.getString(1)) : GovernancePolicy.defaults();
      }
    });
  }

  static void setPolicy(Connection c, GovernancePolicy p) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("MERGE INTO trust_settings (name, setting_value) KEY (name) VALUES ('policy', ?)")) {
      ps.setString(1, p.toJson());
      ps.executeUpdate();
    }
  }

  /** Row count of a trust table, for tests that assert nothing changed. */
  public long count(String table) {
    if (!Set.of("enrollments", "enrollment_tokens", "certificates", "participant_standing", "audit_log").contains(table)) {
      throw new IllegalArgumentException("not a trust table: " + table);
    }
    return tx("counting " + table, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table); ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  static OffsetDateTime ts(Instant i) {
    return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, int col) throws SQLException {
    OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
