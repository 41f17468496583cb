package io.flotilla.engine.audit;

/**
 * The outcome of checking an audit chain: how many entries were checked and, when the chain is broken,
 * the sequence number of the first bad entry and what is wrong with it. Immutable.
 */
public record AuditVerification(long entries, long firstBadSeq, String problem) {
  /** A chain of {@code entries} entries that verified. */
  public static AuditVerification ok(long entries) {
    return new AuditVerification(entries, -1, null);
  }

  public boolean isOk() {
    return problem == null;
  }
}
