package io.flotilla.engine.api;

import io.flotilla.engine.coordinator.CoordinatorLoop;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.select.UniformRandomSelection;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.ModelEvaluator;
import io.flotilla.engine.spi.SelectionPolicy;
import java.time.Clock;
import java.util.Objects;

/** Assembles a {@link Federation}. Not thread-safe; use once. */
public final class FederationBuilder {
  private FederationConfig config = FederationConfig.builder().build();
  private ModelState initialModel;
  private AggregationStrategy strategy;
  private SelectionPolicy selection = new UniformRandomSelection();
  private ModelEvaluator evaluator = ModelEvaluator.NONE;
  private Clock clock = Clock.systemUTC();

  public FederationBuilder config(FederationConfig v) { config = Objects.requireNonNull(v); return this; }
  public FederationBuilder initialModel(ModelState v) { initialModel = Objects.requireNonNull(v); return this; }
  public FederationBuilder strategy(AggregationStrategy v) { strategy = Objects.requireNonNull(v); return this; }
  public FederationBuilder selection(SelectionPolicy v) { selection = Objects.requireNonNull(v); return this; }
  public FederationBuilder evaluator(ModelEvaluator v) { evaluator = Objects.requireNonNull(v); return this; }
  public FederationBuilder clock(Clock v) { clock = Objects.requireNonNull(v); return this; }

  /** Builds the federation; its coordinator thread starts at once, its rounds on {@link Federation#start()}. */
  public Federation build() {
    if (initialModel == null) {
      throw new IllegalStateException("an initial model is required");
    }
    if (strategy == null) {
      strategy = Extensions.load().strategy("fedavg");
    }
    return new CoordinatorLoop(config, initialModel, strategy, selection, evaluator, clock);
  }
}
