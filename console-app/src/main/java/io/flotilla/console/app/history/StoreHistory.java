package io.flotilla.console.app.history;

import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.audit.AuditVerification;
import io.flotilla.engine.store.JdbcFederationStore;
import io.flotilla.engine.store.ModelVersionInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@link FederationHistory} over the engine's H2 store (the same store object the running federation
 * writes to). The one class of the console that touches the store's types; the architecture test keeps it
 * that way. Thread-safe: the store serialises its calls.
 */
public final class StoreHistory implements FederationHistory {
  private final JdbcFederationStore store;
  private final String federation;

  /** @param federation the federation's name in the store */
  public StoreHistory(JdbcFederationStore store, String federation) {
    this.store = Objects.requireNonNull(store, "store");
    this.federation = Objects.requireNonNull(federation, "federation");
  }

  @Override
  public String location() {
    return store.location();
  }

  @Override
  public List<ModelVersion> versions() {
    return store.versions(federation).stream().map(StoreHistory::version).toList();
  }

  private static ModelVersion version(ModelVersionInfo v) {
    return new ModelVersion(v.version(), v.sha256(), v.roundId(), v.parentVersion(), v.origin(), v.createdAt(),
        v.actor(), v.reason(), v.contributors(), v.parameterCount(), v.metrics(), v.tags(), v.blobPresent(),
        v.current());
  }

  @Override
  public void exportModel(long version, Path out) {
    store.exportModel(federation, version, out);
  }

  @Override
  public List<AuditRecord> audit(int limit) {
    return store.audit(limit).stream().map(StoreHistory::record).toList();
  }

  private static AuditRecord record(AuditEntry e) {
    return new AuditRecord(e.seq(), e.at(), e.actor(), e.action(), e.subject(), e.detail(), e.hash());
  }

  @Override
  public ChainStatus verifyAudit() {
    AuditVerification v = store.verifyAudit();
    return new ChainStatus(v.entries(), v.firstBadSeq(), v.problem());
  }
}
