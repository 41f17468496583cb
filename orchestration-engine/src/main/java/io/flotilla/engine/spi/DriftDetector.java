package io.flotilla.engine.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Watches a stream of per-round metrics and raises an alarm when their distribution shifts (concept drift
 * in participants' data, a degrading model). Called on the coordinator thread; may keep state.
 */
public interface DriftDetector {
  String name();

  /** Feeds one committed round's metrics; returns a description of the drift when it is detected. */
  Optional<String> observe(long roundId, Map<String, Double> metrics);
}
