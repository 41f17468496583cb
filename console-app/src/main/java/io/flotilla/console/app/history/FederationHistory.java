package io.flotilla.console.app.history;

import java.nio.file.Path;
import java.util.List;

/**
 * The stored history of the federation the console shows: its model versions and its audit log. The
 * console's only window onto the engine's store, so that views and view models depend on this small
 * interface (and tests on a fake), not on the store's classes.
 *
 * <p>Every method may block on the database or the disk: call them on a background executor, never on the
 * FX thread. Implementations are thread-safe.
 */
public interface FederationHistory {
  /** Where the history lives, for the status bar ("state directory /tmp/…"). */
  String location();

  /** Every model version, oldest first. */
  List<ModelVersion> versions();

  /**
   * Writes one version as a safetensors file.
   *
   * @throws RuntimeException naming why (unknown or purged version, disk error)
   */
  void exportModel(long version, Path out);

  /** The newest {@code limit} audit entries, oldest first ({@code limit <= 0}: all). */
  List<AuditRecord> audit(int limit);

  /** Recomputes the audit log's hash chain. */
  ChainStatus verifyAudit();
}
