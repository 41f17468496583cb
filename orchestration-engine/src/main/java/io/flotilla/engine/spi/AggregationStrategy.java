package io.flotilla.engine.spi;

import io.flotilla.engine.model.ModelState;
import java.util.Map;

/**
 * A rule for turning participants' updates into the next global model (FedAvg and relatives). An instance
 * lives for the whole federation and may keep state across rounds (server momentum, optimizer moments);
 * it is used from one thread at a time.
 */
public interface AggregationStrategy {
  /** Stable name, as used in {@code --strategy NAME}. */
  String name();

  /**
   * Whether updates from stragglers that completed fewer local epochs than asked are aggregated. FedAvg
   * drops them (as in the FedProx paper's experiments); proximal strategies keep them.
   */
  default boolean acceptsPartialWork() {
    return false;
  }

  /** Extra instructions sent with every training task (for example {@code mu} for a proximal term). */
  default Map<String, Double> trainingConfig() {
    return Map.of();
  }

  /** The parameter values this instance was created with, for display and audit. */
  default Map<String, String> parameters() {
    return Map.of();
  }

  /** Starts aggregating one round on top of {@code global}. */
  RoundAggregator begin(ModelState global);
}
