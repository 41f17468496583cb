package io.flotilla.console.app;

import io.flotilla.console.app.history.AuditRecord;
import io.flotilla.console.app.history.ChainStatus;
import io.flotilla.console.app.history.FederationHistory;
import io.flotilla.console.app.history.ModelVersion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link FederationHistory} held in lists, for view-model tests. */
public final class FakeHistory implements FederationHistory {
  public final List<ModelVersion> versions = new CopyOnWriteArrayList<>();
  public final List<AuditRecord> audit = new CopyOnWriteArrayList<>();
  public final List<Path> exports = new CopyOnWriteArrayList<>();
  public final List<Integer> auditLimits = new CopyOnWriteArrayList<>();
  public volatile ChainStatus chain = new ChainStatus(0, -1, null);
  public volatile int versionReads;

  public static ModelVersion version(long v, boolean current, String origin, Long parent) {
    return new ModelVersion(v, "%064d".formatted(v), "ROUND".equals(origin) ? v : null, parent, origin,
        Instant.parse("2025-01-01T10:00:00Z").plusSeconds(v), "coordinator", null, 3, 7_850,
        Map.of("test_accuracy", 0.5 + v / 100.0), List.of(), true, current);
  }

  public void addAudit(String action, String subject) {
    long seq = audit.size() + 1;
    audit.add(new AuditRecord(seq, "2025-01-01T10:00:0" + (seq % 10) + ".000Z", "coordinator", action, subject,
        "{\"n\":" + seq + "}", "%064x".formatted(seq)));
    chain = new ChainStatus(seq, -1, null);
  }

  @Override
  public String location() {
    return "memory";
  }

  @Override
  public List<ModelVersion> versions() {
    versionReads++;
    return List.copyOf(versions);
  }

  @Override
  public void exportModel(long version, Path out) {
    if (versions.stream().noneMatch(v -> v.version() == version)) {
      throw new IllegalArgumentException("no model version " + version);
    }
    exports.add(out);
  }

  @Override
  public List<AuditRecord> audit(int limit) {
    auditLimits.add(limit);
    List<AuditRecord> all = new ArrayList<>(audit);
    return limit <= 0 || limit >= all.size() ? all : all.subList(all.size() - limit, all.size());
  }

  @Override
  public ChainStatus verifyAudit() {
    return chain;
  }
}
