package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Provides {@code multi-krum}: Multi-Krum (Blanchard et al. 2017): mean of the m best-scoring updates by Krum. Stateless and thread-safe. */
public final class MultiKrumProvider implements AggregationStrategyProvider {
  private static final String NAME = "multi-krum";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Multi-Krum (Blanchard et al. 2017): mean of the m best-scoring updates by Krum";
  }

  @Override
  public List<ParamSpec> parameters() {
    return StrategyParams.robust(
        ParamSpec.ofInt("f", 1, "Byzantine participants tolerated; needs n >= 2f+3 updates"),
        ParamSpec.ofInt("m", 0, "updates averaged (0 = n - f)"));
  }

  @Override
  public AggregationStrategy create(ExtensionParams p) {
    return new Krum(NAME, p.getInt("f"), p.getInt("m"), StrategyParams.spillBytes(NAME, p),
        StrategyParams.spillDir(), StrategyParams.threads(NAME, p));
  }
}
