package io.flotilla.engine.select;

import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.spi.SelectionPolicyProvider;
import java.util.List;

/** Provides {@code energy-aware}: availability- and energy-aware: skips participants with low battery (not charging) or high load. Stateless and thread-safe. */
public final class EnergyAwareSelectionProvider implements SelectionPolicyProvider {
  @Override
  public String name() {
    return "energy-aware";
  }

  @Override
  public String description() {
    return "availability- and energy-aware: skips participants with low battery (not charging) or high load";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(
        ParamSpec.ofDouble("min-battery", 0.2, "lowest battery fraction to train on when not charging"),
        ParamSpec.ofDouble("max-load", 0.8, "highest CPU load fraction to train at"));
  }

  @Override
  public SelectionPolicy create(ExtensionParams p) {
    double b = p.getDouble("min-battery");
    double l = p.getDouble("max-load");
    if (!(b >= 0 && b <= 1)) {
      throw new IllegalArgumentException("'energy-aware' parameter 'min-battery' must be in [0, 1], got " + b);
    }
    if (!(l >= 0 && l <= 1)) {
      throw new IllegalArgumentException("'energy-aware' parameter 'max-load' must be in [0, 1], got " + l);
    }
    return new EnergyAwareSelection(b, l);
  }
}
