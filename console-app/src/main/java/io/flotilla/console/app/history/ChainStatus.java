package io.flotilla.console.app.history;

/**
 * The result of checking the audit log's hash chain. Immutable.
 *
 * @param entries entries that verified
 * @param firstBadSeq the first entry that does not verify, or -1
 * @param problem what is wrong with it, or null when the chain is intact
 */
public record ChainStatus(long entries, long firstBadSeq, String problem) {
  public boolean intact() {
    return problem == null;
  }
}
