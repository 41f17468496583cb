package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Provides {@code fedadam}: FedAdam server optimizer (Reddi et al. 2021, Algorithm 2) on the mean delta. Stateless and thread-safe. */
public final class FedAdamProvider implements AggregationStrategyProvider {
  private static final String NAME = "fedadam";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "FedAdam server optimizer (Reddi et al. 2021, Algorithm 2) on the mean delta";
  }

  @Override
  public List<ParamSpec> parameters() {
    return StrategyParams.mean(
        ParamSpec.ofDouble("eta", 0.01, "server learning rate eta"),
        ParamSpec.ofDouble("beta1", 0.9, "first-moment decay beta1 in [0, 1)"),
        ParamSpec.ofDouble("beta2", 0.99, "second-moment decay beta2 in [0, 1)"),
        ParamSpec.ofDouble("tau", 0.001, "adaptivity tau > 0 (also the initial sqrt(v))"));
  }

  @Override
  public AggregationStrategy create(ExtensionParams p) {
    return new FedOpt(FedOpt.Variant.ADAM, StrategyParams.weighting(NAME, p), StrategyParams.foldBatch(NAME, p),
        StrategyParams.positive(NAME, p, "eta"), StrategyParams.fraction(NAME, p, "beta1", false),
        StrategyParams.fraction(NAME, p, "beta2", false), StrategyParams.positive(NAME, p, "tau"))
        .summation(StrategyParams.summation(NAME, p));
  }
}
