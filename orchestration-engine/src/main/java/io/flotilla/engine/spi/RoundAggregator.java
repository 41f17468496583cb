package io.flotilla.engine.spi;

import io.flotilla.engine.api.Update;
import java.util.Optional;

/**
 * Folds one round's accepted updates into a new global model. Streaming strategies keep only running sums
 * (memory O(model)); the coordinator calls {@link #accept} in a deterministic order (the round's selection
 * order) from a single thread, then {@link #aggregate} once. Not thread-safe; one instance per round.
 */
public interface RoundAggregator {
  /** Folds in one validated update (its delta has the model's size and is finite). */
  void accept(Update update);

  /** Number of updates folded so far. */
  int count();

  /**
   * The new global parameters, or empty to keep the current model (for example when every accepted update
   * carried zero weight).
   */
  Optional<float[]> aggregate();
}
