package io.flotilla.plugins.geomedian;

import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.util.List;

/** Registers {@link GeometricMedian} as {@code geometric-median[:iterations=N,nu=V,tolerance=T]}. */
public final class GeometricMedianProvider implements AggregationStrategyProvider {
  @Override
  public String name() {
    return "geometric-median";
  }

  @Override
  public String description() {
    return "weighted geometric median of updates, smoothed Weiszfeld (Pillutla et al. 2022)";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(
        ParamSpec.ofInt("iterations", 10, "maximum Weiszfeld iterations"),
        ParamSpec.ofDouble("nu", 1e-6, "smoothing: smallest distance used in a weight"),
        ParamSpec.ofDouble("tolerance", 1e-7, "stop when the estimate moves less than this"));
  }

  @Override
  public AggregationStrategy create(ExtensionParams params) {
    int it = params.getInt("iterations");
    double nu = params.getDouble("nu");
    double tol = params.getDouble("tolerance");
    if (it < 1) {
      throw new IllegalArgumentException("'geometric-median' parameter 'iterations' must be >= 1, got " + it);
    }
    if (!(nu > 0)) {
      throw new IllegalArgumentException("'geometric-median' parameter 'nu' must be > 0, got " + nu);
    }
    return new GeometricMedian(it, nu, tol);
  }
}
