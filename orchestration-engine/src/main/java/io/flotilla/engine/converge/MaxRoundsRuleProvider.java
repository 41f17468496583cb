package io.flotilla.engine.converge;

import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.engine.spi.StoppingRule;
import io.flotilla.engine.spi.StoppingRuleProvider;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Provides {@code max-rounds:rounds=N}: stop after N committed rounds. Stateless and thread-safe. */
public final class MaxRoundsRuleProvider implements StoppingRuleProvider {
  @Override
  public String name() {
    return "max-rounds";
  }

  @Override
  public String description() {
    return "stop after a number of committed rounds";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(ParamSpec.ofInt("rounds", 100, "committed rounds after which to stop"));
  }

  @Override
  public StoppingRule create(ExtensionParams p) {
    int n = p.getInt("rounds");
    if (n < 1) {
      throw new IllegalArgumentException("'max-rounds' parameter 'rounds' must be >= 1, got " + n);
    }
    return new StoppingRule() {
      @Override
      public String name() {
        return "max-rounds:rounds=" + n;
      }

      @Override
      public Optional<String> check(long committedRounds, Map<String, Double> metrics) {
        return committedRounds >= n ? Optional.of("reached " + n + " rounds") : Optional.empty();
      }
    };
  }
}
