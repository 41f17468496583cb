package io.flotilla.engine.store;

/**
 * Observes the steps of a round commit, for metrics and for fault-injection tests (a probe that throws
 * makes the commit fail at that step; one that blocks holds the process there so a test can kill it).
 * Called on the thread that commits. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface StoreProbe {
  /** The steps of {@link FederationStore#commitRound}, in order. */
  enum Point {
    /** Nothing written yet. */
    BEFORE_BLOB,
    /** The model blob (and strategy-state blob) are written and fsynced; no transaction yet. */
    BLOB_WRITTEN,
    /** Every row is written inside the open transaction; it has not committed. */
    IN_TRANSACTION,
    /** The transaction committed. */
    COMMITTED
  }

  void reached(Point point, long roundId);

  StoreProbe NONE = (p, r) -> { };
}
