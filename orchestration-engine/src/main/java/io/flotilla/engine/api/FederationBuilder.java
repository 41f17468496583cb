package io.flotilla.engine.api;

import io.flotilla.engine.coordinator.CoordinatorLoop;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.select.UniformRandomSelection;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.ModelEvaluator;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.store.FederationStore;
import io.flotilla.engine.store.Resumption;
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
  private FederationStore store;
  private Safeguards safeguards = Safeguards.defaults();
  private AsyncConfig async;
  private LearningControl learning = LearningControl.none();

  public FederationBuilder config(FederationConfig v) { config = Objects.requireNonNull(v); return this; }
  public FederationBuilder initialModel(ModelState v) { initialModel = Objects.requireNonNull(v); return this; }
  public FederationBuilder strategy(AggregationStrategy v) { strategy = Objects.requireNonNull(v); return this; }
  public FederationBuilder selection(SelectionPolicy v) { selection = Objects.requireNonNull(v); return this; }
  public FederationBuilder evaluator(ModelEvaluator v) { evaluator = Objects.requireNonNull(v); return this; }
  public FederationBuilder clock(Clock v) { clock = Objects.requireNonNull(v); return this; }

  /**
   * Runs the federation in asynchronous buffered mode (FedBuff) instead of synchronous rounds; null (the
   * default) keeps rounds. The asynchronous coordinator neither persists nor screens updates yet.
   */
  public FederationBuilder async(AsyncConfig v) { async = v; return this; }

  /**
   * Update screening, trust policy and central differential privacy ({@link Safeguards#defaults()} unless
   * set: the built-in norm and direction validators, three strikes, no privacy).
   */
  public FederationBuilder safeguards(Safeguards v) { safeguards = Objects.requireNonNull(v); return this; }

  /**
   * Stopping rules, divergence and drift alarms and periodic calibration (ADR 0015); none by default. The
   * asynchronous coordinator ignores it.
   */
  public FederationBuilder learningControl(LearningControl v) { learning = Objects.requireNonNull(v); return this; }

  /**
   * Persists the federation in {@code v} and, when it already holds a federation of this name, resumes it
   * from its last committed round (model version, round ids, participants, strategy state). The caller
   * keeps ownership of the store and closes it after the federation. Null (the default) keeps nothing.
   */
  public FederationBuilder store(FederationStore v) { store = v; return this; }

  /**
   * Builds the federation; its coordinator thread starts at once, its rounds on {@link Federation#start()}.
   *
   * @throws io.flotilla.engine.store.StoreException when the store cannot be opened or resumed from
   */
  public Federation build() {
    if (initialModel == null) {
      throw new IllegalStateException("an initial model is required");
    }
    if (strategy == null) {
      strategy = Extensions.load().strategy("fedavg");
    }
    if (async != null) {
      return new io.flotilla.engine.coordinator.BufferedAsyncCoordinator(config, async, initialModel, strategy,
          selection, evaluator, clock);
    }
    if (store == null) {
      return new CoordinatorLoop(config, initialModel, strategy, selection, evaluator, clock, null, null, safeguards,
          learning);
    }
    Resumption from = store.open(config, initialModel, strategy, clock.instant());
    return new CoordinatorLoop(config, from.model(), strategy, selection, evaluator, clock, store, from, safeguards,
        learning);
  }
}
