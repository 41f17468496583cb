package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Provides {@code median}: coordinate-wise median (Yin et al. 2018); needs all updates, spills to disk. Stateless and thread-safe. */
public final class MedianProvider implements AggregationStrategyProvider {
  private static final String NAME = "median";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "coordinate-wise median (Yin et al. 2018); needs all updates, spills to disk";
  }

  @Override
  public List<ParamSpec> parameters() {
    return StrategyParams.robust();
  }

  @Override
  public AggregationStrategy create(ExtensionParams p) {
    return new CoordinateMedian(StrategyParams.spillBytes(NAME, p), StrategyParams.spillDir(),
        StrategyParams.threads(NAME, p));
  }
}
