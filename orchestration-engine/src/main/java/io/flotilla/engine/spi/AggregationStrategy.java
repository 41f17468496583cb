package io.flotilla.engine.spi;

import io.flotilla.engine.model.ModelState;
import java.util.Map;

/**
 * A rule for turning participants' updates into the next global model (FedAvg and relatives). An instance
 * lives for the whole federation and may keep state across rounds (server momentum, optimizer moments);
 * it is used from one thread at a time.
 *
 * <p>Two families exist. The <em>mean family</em> streams: each accepted update is folded into running sums
 * as it arrives, so memory is O(model) whatever the number of updates. <em>Robust</em> strategies
 * (coordinate-wise median, trimmed mean, Krum) need every update of the round at once; they say so with
 * {@link #needsAllUpdates()} and keep the updates in a buffer that spills to disk past a configured size.
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

  /**
   * True when the strategy needs every update of a round at once (memory O(updates × model), spilled to
   * disk past a size limit) rather than folding each into running sums.
   */
  default boolean needsAllUpdates() {
    return false;
  }

  /**
   * The fewest updates a round must deliver for this strategy to be defined (Krum with {@code f} Byzantine
   * participants needs {@code 2f + 3}). The federation refuses a configuration whose cohort is smaller.
   */
  default int minimumUpdates() {
    return 1;
  }

  /**
   * State carried across rounds (server momentum, optimizer moments), by name, for persistence. The arrays
   * are copies. Empty for stateless strategies.
   */
  default Map<String, float[]> state() {
    return Map.of();
  }

  /** Restores what {@link #state()} returned (after a restart). Unknown keys are an error. */
  default void restore(Map<String, float[]> state) {
    if (!state.isEmpty()) {
      throw new IllegalArgumentException("strategy '" + name() + "' keeps no state, got " + state.keySet());
    }
  }

  /** Starts aggregating one round on top of {@code global}. */
  RoundAggregator begin(ModelState global);
}
