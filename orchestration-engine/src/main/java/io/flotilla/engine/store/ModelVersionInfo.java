package io.flotilla.engine.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One stored model version as the operator sees it. Immutable.
 *
 * @param origin INITIAL, ROUND (a committed round), ROLLBACK or IMPORT
 * @param parentVersion the version it was derived from (the round's base, the version rolled back to); null
 *     for the initial version and imports
 * @param contributorIds participants whose updates were aggregated into it (ROUND versions)
 * @param blobPresent false once retention purged its parameters
 */
public record ModelVersionInfo(
    long version,
    String sha256,
    Long roundId,
    Long parentVersion,
    String origin,
    Instant createdAt,
    String actor,
    String reason,
    int contributors,
    List<String> contributorIds,
    long parameterCount,
    Map<String, Double> metrics,
    List<String> tags,
    boolean blobPresent,
    boolean current) {
  public ModelVersionInfo {
    contributorIds = List.copyOf(contributorIds);
    metrics = Map.copyOf(metrics);
    tags = List.copyOf(tags);
  }
}
