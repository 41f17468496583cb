package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Provides {@code qfedavg}: q-FedAvg fair aggregation (Li et al. 2020): more weight to participants with higher loss. Stateless and thread-safe. */
public final class QFedAvgProvider implements AggregationStrategyProvider {
  private static final String NAME = "qfedavg";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "q-FedAvg fair aggregation (Li et al. 2020): more weight to participants with higher loss";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(
        ParamSpec.ofDouble("q", 1.0, "fairness q >= 0 (0 = unweighted FedAvg)"),
        ParamSpec.ofDouble("lipschitz", 100.0, "Lipschitz estimate L, 1/(local learning rate) in the paper"));
  }

  @Override
  public AggregationStrategy create(ExtensionParams p) {
    return new QFedAvg(StrategyParams.nonNegative(NAME, p, "q"), StrategyParams.positive(NAME, p, "lipschitz"));
  }
}
