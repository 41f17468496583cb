package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Provides {@code clip}: mean of updates clipped to norm C, fixed or adaptive (McMahan et al. 2018; Andrew et al. 2021). Stateless and thread-safe. */
public final class ClipProvider implements AggregationStrategyProvider {
  private static final String NAME = "clip";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "mean of updates clipped to norm C, fixed or adaptive (McMahan et al. 2018; Andrew et al. 2021)";
  }

  @Override
  public List<ParamSpec> parameters() {
    return StrategyParams.mean(
        ParamSpec.ofDouble("norm", 1.0, "clipping bound C (the initial bound when adaptive)"),
        ParamSpec.ofBoolean("adaptive", false, "adapt C towards the quantile of update norms"),
        ParamSpec.ofDouble("quantile", 0.5, "target fraction of unclipped updates (adaptive)"),
        ParamSpec.ofDouble("clip-lr", 0.2, "geometric step of the bound per round (adaptive)"));
  }

  @Override
  public AggregationStrategy create(ExtensionParams p) {
    return new NormClipping(StrategyParams.weighting(NAME, p), StrategyParams.foldBatch(NAME, p),
        StrategyParams.positive(NAME, p, "norm"), p.getBoolean("adaptive"),
        StrategyParams.fraction(NAME, p, "quantile", true), StrategyParams.positive(NAME, p, "clip-lr"))
        .summation(StrategyParams.summation(NAME, p));
  }
}
