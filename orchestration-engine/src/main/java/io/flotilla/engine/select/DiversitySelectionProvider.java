package io.flotilla.engine.select;

import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.spi.SelectionPolicyProvider;
import java.util.List;

/** Provides {@code diversity}: diversity-aware: a cohort whose declared label histograms cover the overall label distribution. Stateless and thread-safe. */
public final class DiversitySelectionProvider implements SelectionPolicyProvider {
  @Override
  public String name() {
    return "diversity";
  }

  @Override
  public String description() {
    return "diversity-aware: a cohort whose declared label histograms cover the overall label distribution";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(ParamSpec.ofDouble("pool", 3.0, "random pool size as a multiple of the number selected (>= 1)"));
  }

  @Override
  public SelectionPolicy create(ExtensionParams p) {
    return new DiversitySelection(p.getDouble("pool"));
  }
}
