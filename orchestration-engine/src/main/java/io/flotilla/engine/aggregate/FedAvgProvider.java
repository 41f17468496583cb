package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Provides {@link FedAvg} as {@code fedavg[:weighting=samples|uniform]}. */
public final class FedAvgProvider implements AggregationStrategyProvider {
  @Override
  public String name() {
    return "fedavg";
  }

  @Override
  public String description() {
    return "Federated Averaging (McMahan et al. 2017): mean of updates weighted by sample count";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(ParamSpec.ofString("weighting", "samples", "samples (weight n_k) or uniform (weight 1)"));
  }

  @Override
  public AggregationStrategy create(ExtensionParams params) {
    String w = params.getString("weighting");
    return switch (w) {
      case "samples" -> new FedAvg(FedAvg.Weighting.SAMPLES);
      case "uniform" -> new FedAvg(FedAvg.Weighting.UNIFORM);
      default -> throw new IllegalArgumentException(
          "'fedavg' parameter 'weighting' must be samples or uniform, got '" + w + "'");
    };
  }
}
