package io.flotilla.engine.store;

import io.flotilla.engine.model.ModelState;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one round commits atomically: the round, its new model version (parameters go to a blob),
 * the candidate's metrics and the strategy's state after aggregation
 * ({@link io.flotilla.engine.spi.AggregationStrategy#state()}), and the update screening's window (log-norms
 * and cosines of accepted updates, by name). Immutable.
 */
public record RoundCommit(
    RoundRecord round,
    ModelState model,
    Map<String, Double> metrics,
    Map<String, float[]> strategyState,
    Map<String, List<Double>> screeningState) {
  public RoundCommit {
    screeningState = screeningState == null ? Map.of() : Map.copyOf(screeningState);
    Objects.requireNonNull(round, "round");
    Objects.requireNonNull(model, "model");
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    strategyState = strategyState == null ? Map.of() : Map.copyOf(strategyState);
  }

  /** A commit without update-screening history. */
  public RoundCommit(RoundRecord round, ModelState model, Map<String, Double> metrics, Map<String, float[]> strategyState) {
    this(round, model, metrics, strategyState, Map.of());
  }
}
