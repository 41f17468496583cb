package io.flotilla.engine.select;

import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.spi.SelectionPolicyProvider;
import java.util.List;

/** Provides {@code fair-quota}: uniform selection with a cap: no participant in more than max-share of the rounds. Stateless and thread-safe. */
public final class FairnessQuotaSelectionProvider implements SelectionPolicyProvider {
  @Override
  public String name() {
    return "fair-quota";
  }

  @Override
  public String description() {
    return "uniform selection with a cap: no participant in more than max-share of the rounds";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(ParamSpec.ofDouble("max-share", 0.5, "largest share of rounds one participant may take part in, (0, 1]"));
  }

  @Override
  public SelectionPolicy create(ExtensionParams p) {
    return new FairnessQuotaSelection(p.getDouble("max-share"));
  }
}
