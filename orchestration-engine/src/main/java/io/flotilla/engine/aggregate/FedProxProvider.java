package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Provides {@code fedprox}: FedProx (Li et al. 2020): proximal term mu sent to participants; stragglers' partial work kept. Stateless and thread-safe. */
public final class FedProxProvider implements AggregationStrategyProvider {
  private static final String NAME = "fedprox";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "FedProx (Li et al. 2020): proximal term mu sent to participants; stragglers' partial work kept";
  }

  @Override
  public List<ParamSpec> parameters() {
    return StrategyParams.mean(ParamSpec.ofDouble("mu", 0.01, "proximal coefficient mu >= 0 applied in local training"));
  }

  @Override
  public AggregationStrategy create(ExtensionParams p) {
    return new FedProx(StrategyParams.weighting(NAME, p), StrategyParams.foldBatch(NAME, p),
        StrategyParams.nonNegative(NAME, p, "mu"))
        .summation(StrategyParams.summation(NAME, p));
  }
}
