package io.flotilla.engine.select;

import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.spi.SelectionPolicyProvider;
import java.util.List;

/** Provides {@code power-of-choice}: power-of-choice (Cho et al. 2020): of d participants drawn by data size, the m with the highest recent local loss. Stateless and thread-safe. */
public final class PowerOfChoiceSelectionProvider implements SelectionPolicyProvider {
  @Override
  public String name() {
    return "power-of-choice";
  }

  @Override
  public String description() {
    return "power-of-choice (Cho et al. 2020): of d participants drawn by data size, the m with the highest recent local loss";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(ParamSpec.ofInt("d", 0, "candidate set size (0 = twice the number selected)"));
  }

  @Override
  public SelectionPolicy create(ExtensionParams p) {
    return new PowerOfChoiceSelection(p.getInt("d"));
  }
}
