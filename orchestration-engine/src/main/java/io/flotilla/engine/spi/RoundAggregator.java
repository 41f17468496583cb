package io.flotilla.engine.spi;

import io.flotilla.engine.api.Update;
import java.util.Optional;

/**
 * Folds one round's accepted updates into a new global model: {@code accept} each update, then
 * {@code aggregate} once, then {@code close}. Streaming strategies keep only running sums (memory
 * O(model)); the coordinator calls {@link #accept} in a deterministic order (the round's selection order)
 * from a single thread. Not thread-safe; one instance per round.
 */
public interface RoundAggregator extends AutoCloseable {
  /** Folds in one validated update (its delta has the model's size and is finite). */
  void accept(Update update);

  /**
   * Folds in one validated update whose sender currently holds trust score {@code trust} in [0, 1]
   * (strategies that weight by trust use it; the default ignores it).
   */
  default void accept(Update update, double trust) {
    accept(update);
  }

  /** Number of updates folded so far. */
  int count();

  /**
   * The new global parameters, or empty to keep the current model (for example when every accepted update
   * carried zero weight).
   *
   * @throws IllegalStateException when the strategy is undefined for what it received (named in the
   *     message, e.g. Krum with too few updates); the round then aborts with that reason
   */
  Optional<float[]> aggregate();

  /** Releases buffers and spill files. Idempotent; called after {@link #aggregate} or when a round aborts. */
  @Override
  default void close() {}
}
