package io.flotilla.engine.aggregate;

import java.util.Map;
import java.util.Set;

/** Checks of persisted strategy state ({@code AggregationStrategy.restore}). Stateless. */
final class StrategyState {
  private StrategyState() {}

  static void requireKeys(String strategy, Map<String, float[]> state, String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (String k : state.keySet()) {
      if (!ok.contains(k)) {
        throw new IllegalArgumentException("strategy '" + strategy + "' has no state '" + k + "' (known: "
            + String.join(", ", allowed) + ")");
      }
    }
  }
}
