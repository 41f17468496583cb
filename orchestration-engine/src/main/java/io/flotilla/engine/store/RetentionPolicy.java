package io.flotilla.engine.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How much history a federation keeps: the parameters of the last {@code keepLastVersions} model versions
 * (0 keeps all) plus every tagged version and the current one, and update metadata younger than
 * {@code updateMaxAge} ({@link Duration#ZERO} keeps it forever). Purged versions keep their row (hash,
 * metrics, contributors); only the parameter blob goes. Immutable.
 */
public record RetentionPolicy(int keepLastVersions, Duration updateMaxAge) {
  /** Keep everything. */
  public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(0, Duration.ZERO);

  public RetentionPolicy {
    if (keepLastVersions < 0) {
      throw new IllegalArgumentException("keepLastVersions must be >= 0 (0 keeps all), was " + keepLastVersions);
    }
    Objects.requireNonNull(updateMaxAge, "updateMaxAge");
    if (updateMaxAge.isNegative()) {
      throw new IllegalArgumentException("updateMaxAge must not be negative");
    }
  }
}
