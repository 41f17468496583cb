package io.flotilla.console.app.history;

/**
 * One entry of the hash-chained audit log. Immutable.
 *
 * @param at ISO-8601 UTC time as stored
 * @param detail canonical JSON of the particulars
 * @param hash this entry's chain hash (hex)
 */
public record AuditRecord(long seq, String at, String actor, String action, String subject, String detail,
    String hash) {}
