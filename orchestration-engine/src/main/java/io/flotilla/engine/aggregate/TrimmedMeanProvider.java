package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Provides {@code trimmed-mean}: coordinate-wise trimmed mean dropping beta*K values at each end (Yin et al. 2018). Stateless and thread-safe. */
public final class TrimmedMeanProvider implements AggregationStrategyProvider {
  private static final String NAME = "trimmed-mean";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "coordinate-wise trimmed mean dropping beta*K values at each end (Yin et al. 2018)";
  }

  @Override
  public List<ParamSpec> parameters() {
    return StrategyParams.robust(ParamSpec.ofDouble("beta", 0.1, "fraction trimmed from each end, in [0, 0.5)"));
  }

  @Override
  public AggregationStrategy create(ExtensionParams p) {
    return new TrimmedMean(p.getDouble("beta"), StrategyParams.spillBytes(NAME, p), StrategyParams.spillDir(),
        StrategyParams.threads(NAME, p));
  }
}
