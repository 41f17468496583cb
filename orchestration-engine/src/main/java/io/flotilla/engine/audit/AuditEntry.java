package io.flotilla.engine.audit;

/**
 * One row of the append-only audit log. {@code hash = SHA-256(prevHash ‖ canonical(entry))}, where the
 * canonical form is a JSON array of the other fields exactly as stored, so any edit of any field (or of
 * the chain order) changes the hash. Immutable.
 *
 * @param at the coordinator clock's time, ISO-8601 UTC to the millisecond
 * @param actor who acted: {@code coordinator}, {@code operator}, a participant id
 * @param action dotted verb, e.g. {@code round.committed}, {@code model.rolled_back}
 * @param subject what it was done to, e.g. {@code round 7}, {@code version 12}
 * @param detail canonical JSON object (sorted keys) with the particulars
 */
public record AuditEntry(
    long seq,
    String at,
    String actor,
    String action,
    String federation,
    String subject,
    String detail,
    String prevHash,
    String hash) {}
