package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Provides {@code fedavg}: Federated Averaging (McMahan et al. 2017): weighted mean of the updates. Stateless and thread-safe. */
public final class FedAvgProvider implements AggregationStrategyProvider {
  private static final String NAME = "fedavg";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Federated Averaging (McMahan et al. 2017): weighted mean of the updates";
  }

  @Override
  public List<ParamSpec> parameters() {
    return StrategyParams.mean();
  }

  @Override
  public AggregationStrategy create(ExtensionParams p) {
    return new FedAvg(StrategyParams.weighting(NAME, p), StrategyParams.foldBatch(NAME, p))
        .summation(StrategyParams.summation(NAME, p));
  }
}
