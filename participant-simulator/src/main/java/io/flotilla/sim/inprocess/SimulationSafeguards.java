package io.flotilla.sim.inprocess;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Safeguards;
import io.flotilla.engine.api.TrustPolicy;
import io.flotilla.engine.spi.UpdateValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a {@link SimulationConfig}'s {@code --validation}, {@code --suspend-after} and {@code --dp} into the
 * engine's {@link Safeguards}. The DP noise is seeded from the run seed, so simulations stay
 * reproducible. Stateless.
 */
public final class SimulationSafeguards {
  private SimulationSafeguards() {}

  /**
   * @throws IllegalArgumentException naming the flag for an unknown validator or bad parameter
   */
  public static Safeguards of(SimulationConfig config, Extensions extensions) {
    Safeguards base = Safeguards.defaults();
    String v = config.validation().trim();
    String lower = v.toLowerCase(Locale.ROOT);
    List<UpdateValidator> validators;
    if (lower.equals("default")) {
      validators = base.validators();
    } else if (lower.equals("none")) {
      validators = List.of();
    } else {
      validators = new ArrayList<>();
      for (String spec : v.split(";")) {
        try {
          validators.add(extensions.validator(spec.trim()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("invalid --validation '" + v + "': " + e.getMessage());
        }
      }
    }
    TrustPolicy t = base.trust();
    Safeguards s = base.withValidators(validators)
        .withTrust(new TrustPolicy(t.penalty(), t.recovery(), config.suspendAfter()));
    if (config.dp() != null) {
      s = s.withPrivacy(DpSpec.parse(config.dp()).toConfig(Seeds.derive(config.seed(), 0, 0, 6)));
    }
    return s;
  }
}
