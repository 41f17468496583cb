package io.flotilla.engine.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The append-only, hash-chained audit log kept in the {@code audit_log} table (created by the store's
 * schema migrations). Each entry's hash is {@code SHA-256(prev hash ‖ canonical entry)}, the first entry's
 * previous hash is 64 zeros, so editing, deleting or reordering any row breaks every later link and
 * {@link #verify} names the first bad row.
 *
 * <p>{@link #append} runs inside the caller's transaction, so an audit entry commits or rolls back with the
 * change it describes. Stateless; thread-safe as far as the {@link Connection} it is given is.
 */
public final class AuditLog {
  /** The previous hash of the first entry. */
  public static final String GENESIS = "0".repeat(64);

  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private AuditLog() {}

  /**
   * Appends one entry on {@code c} (in its current transaction) and returns it.
   *
   * @param detail particulars; written as canonical JSON with sorted keys
   */
  public static AuditEntry append(Connection c, Instant at, String actor, String action, String federation,
      String subject, Map<String, ?> detail) throws SQLException {
    long seq = 1;
    String prev = GENESIS;
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        seq = rs.getLong(1) + 1;
        prev = rs.getString(2);
      }
    }
    String when = at.truncatedTo(ChronoUnit.MILLIS).toString();
    String det = canonicalJson(detail);
    String hash = hash(prev, seq, when, actor, action, federation, subject, det);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (seq, at_utc, actor, action, federation, "
        + "subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, seq);
      ps.setString(2, when);
      ps.setString(3, actor);
      ps.setString(4, action);
      ps.setString(5, federation);
      ps.setString(6, subject);
      ps.setString(7, det);
      ps.setString(8, prev);
      ps.setString(9, hash);
      ps.executeUpdate();
    }
    return new AuditEntry(seq, when, actor, action, federation, subject, det, prev, hash);
  }

  /** Sorted-key JSON of {@code detail} (null values dropped). */
  public static String canonicalJson(Map<String, ?> detail) {
    Map<String, Object> sorted = new TreeMap<>();
    if (detail != null) {
      detail.forEach((k, v) -> {
        if (v != null) {
          sorted.put(k, v);
        }
      });
    }
    try {
      return CANONICAL.writeValueAsString(sorted);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("audit detail is not serializable: " + e.getMessage(), e);
    }
  }

  /** The chain hash of an entry with these fields. */
  public static String hash(String prevHash, long seq, String at, String actor, String action, String federation,
      String subject, String detail) {
    String canonical;
    try {
      canonical = CANONICAL.writeValueAsString(new Object[] {seq, at, actor, action, federation, subject, detail});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(prevHash.getBytes(StandardCharsets.US_ASCII));
      md.update(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** Entries in sequence order, the last {@code limit} of them (all when {@code limit <= 0}). */
  public static List<AuditEntry> list(Connection c, int limit) throws SQLException {
    String sql = "SELECT seq, at_utc, actor, action, federation, subject, detail, prev_hash, hash FROM audit_log "
        + (limit > 0 ? "WHERE seq > (SELECT COALESCE(MAX(seq), 0) - " + limit + " FROM audit_log) " : "")
        + "ORDER BY seq";
    List<AuditEntry> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(read(rs));
      }
    }
    return out;
  }

  private static AuditEntry read(ResultSet rs) throws SQLException {
    return new AuditEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
  }

  /**
   * Walks the whole chain in sequence order and checks that sequence numbers run 1, 2, 3…, each entry's
   * previous hash is the hash of the entry before, and each hash matches its recomputation.
   */
  public static AuditVerification verify(Connection c) throws SQLException {
    long expectSeq = 1;
    String prev = GENESIS;
    long n = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, at_utc, actor, action, federation, subject, detail, "
        + "prev_hash, hash FROM audit_log ORDER BY seq");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        AuditEntry e = read(rs);
        if (e.seq() != expectSeq) {
          return new AuditVerification(n, e.seq(), "entry " + e.seq() + ": expected sequence number " + expectSeq
              + (e.seq() > expectSeq ? " (entries missing)" : ""));
        }
        if (!prev.equals(e.prevHash())) {
          return new AuditVerification(n, e.seq(), "entry " + e.seq() + " (" + e.action() + "): previous hash "
              + abbrev(e.prevHash()) + " does not match entry " + (e.seq() - 1) + "'s hash " + abbrev(prev));
        }
        String h = hash(e.prevHash(), e.seq(), e.at(), e.actor(), e.action(), e.federation(), e.subject(), e.detail());
        if (!h.equals(e.hash())) {
          return new AuditVerification(n, e.seq(), "entry " + e.seq() + " (" + e.action() + " " + e.subject()
              + "): content does not match its hash (recomputed " + abbrev(h) + ", stored " + abbrev(e.hash())
              + "): the row was altered");
        }
        prev = e.hash();
        expectSeq++;
        n++;
      }
    }
    return AuditVerification.ok(n);
  }

  private static String abbrev(String h) {
    return h == null ? "null" : h.length() > 12 ? h.substring(0, 12) + "…" : h;
  }
}
