package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Provides {@code fedadagrad}: FedAdagrad server optimizer (Reddi et al. 2021, Algorithm 2) on the mean delta. Stateless and thread-safe. */
public final class FedAdagradProvider implements AggregationStrategyProvider {
  private static final String NAME = "fedadagrad";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "FedAdagrad server optimizer (Reddi et al. 2021, Algorithm 2) on the mean delta";
  }

  @Override
  public List<ParamSpec> parameters() {
    return StrategyParams.mean(
        ParamSpec.ofDouble("eta", 0.01, "server learning rate eta"),
        ParamSpec.ofDouble("beta1", 0.9, "first-moment decay beta1 in [0, 1)"),
        ParamSpec.ofDouble("tau", 0.001, "adaptivity tau > 0 (also the initial sqrt(v))"));
  }

  @Override
  public AggregationStrategy create(ExtensionParams p) {
    return new FedOpt(FedOpt.Variant.ADAGRAD, StrategyParams.weighting(NAME, p), StrategyParams.foldBatch(NAME, p),
        StrategyParams.positive(NAME, p, "eta"), StrategyParams.fraction(NAME, p, "beta1", false),
        0, StrategyParams.positive(NAME, p, "tau"))
        .summation(StrategyParams.summation(NAME, p));
  }
}
