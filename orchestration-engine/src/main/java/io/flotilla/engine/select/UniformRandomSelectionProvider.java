package io.flotilla.engine.select;

import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.spi.SelectionPolicyProvider;
import java.util.List;

/** Provides {@link UniformRandomSelection} as {@code uniform}. */
public final class UniformRandomSelectionProvider implements SelectionPolicyProvider {
  @Override
  public String name() {
    return "uniform";
  }

  @Override
  public String description() {
    return "uniform random sample of the available participants, without replacement";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of();
  }

  @Override
  public SelectionPolicy create(ExtensionParams params) {
    return new UniformRandomSelection();
  }
}
