package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Provides {@code krum}: Krum (Blanchard et al. 2017): the update closest to its n-f-2 nearest neighbours. Stateless and thread-safe. */
public final class KrumProvider implements AggregationStrategyProvider {
  private static final String NAME = "krum";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Krum (Blanchard et al. 2017): the update closest to its n-f-2 nearest neighbours";
  }

  @Override
  public List<ParamSpec> parameters() {
    return StrategyParams.robust(ParamSpec.ofInt("f", 1, "Byzantine participants tolerated; needs n >= 2f+3 updates"));
  }

  @Override
  public AggregationStrategy create(ExtensionParams p) {
    return new Krum(NAME, p.getInt("f"), 1, StrategyParams.spillBytes(NAME, p), StrategyParams.spillDir(),
        StrategyParams.threads(NAME, p));
  }
}
