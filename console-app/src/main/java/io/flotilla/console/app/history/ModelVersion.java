package io.flotilla.console.app.history;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One stored model version as the Models page lists it. Immutable.
 *
 * @param roundId the round that made it, or null (initial version, rollback, import)
 * @param parentVersion what it derives from, or null
 * @param origin INITIAL, ROUND, ROLLBACK or IMPORT
 * @param reason the operator's reason for a rollback or import, else null
 * @param blobPresent false once retention purged its parameters (it can then be neither exported nor
 *     rolled back to)
 */
public record ModelVersion(
    long version,
    String sha256,
    Long roundId,
    Long parentVersion,
    String origin,
    Instant createdAt,
    String actor,
    String reason,
    int contributors,
    long parameterCount,
    Map<String, Double> metrics,
    List<String> tags,
    boolean blobPresent,
    boolean current) {
  public ModelVersion {
    metrics = Map.copyOf(metrics);
    tags = List.copyOf(tags);
  }

  /** A metric, or NaN. */
  public double metric(String name) {
    Double v = metrics.get(name);
    return v == null ? Double.NaN : v;
  }
}
