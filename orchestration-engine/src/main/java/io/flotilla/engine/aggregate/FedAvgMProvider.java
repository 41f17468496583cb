package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Provides {@code fedavgm}: FedAvg with server momentum (Hsu et al. 2019): v = momentum*v + mean delta, w += server-lr*v. Stateless and thread-safe. */
public final class FedAvgMProvider implements AggregationStrategyProvider {
  private static final String NAME = "fedavgm";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "FedAvg with server momentum (Hsu et al. 2019): v = momentum*v + mean delta, w += server-lr*v";
  }

  @Override
  public List<ParamSpec> parameters() {
    return StrategyParams.mean(
        ParamSpec.ofDouble("momentum", 0.9, "server momentum beta in [0, 1)"),
        ParamSpec.ofDouble("server-lr", 1.0, "server learning rate eta_s"));
  }

  @Override
  public AggregationStrategy create(ExtensionParams p) {
    return new FedAvgM(StrategyParams.weighting(NAME, p), StrategyParams.foldBatch(NAME, p),
        StrategyParams.fraction(NAME, p, "momentum", false), StrategyParams.positive(NAME, p, "server-lr"))
        .summation(StrategyParams.summation(NAME, p));
  }
}
