package io.flotilla.console.app.enrollments;

import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import java.time.Instant;

/**
 * One enrollment request as the Enrollments page lists it. Immutable.
 *
 * @param keyFingerprint the first 16 hex digits of the SHA-256 of the requester's public key
 */
public record EnrollmentRow(long id, String identity, String role, String deviceClass, String region,
    boolean consent, String keyFingerprint, Instant requestedAt, String status) {

  static EnrollmentRow of(EnrollmentRecord r) {
    String fp = r.publicKeySha256() == null ? "" : r.publicKeySha256();
    return new EnrollmentRow(r.id(), r.participantId(), r.role().label(), nz(r.deviceClass()), nz(r.region()),
        r.consent(), fp.length() > 16 ? fp.substring(0, 16) : fp, r.requestedAt(), r.status());
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
