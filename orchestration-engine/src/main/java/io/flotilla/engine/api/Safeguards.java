package io.flotilla.engine.api;

import io.flotilla.engine.spi.UpdateValidator;
import io.flotilla.engine.validate.DirectionValidator;
import io.flotilla.engine.validate.NormOutlierValidator;
import java.util.List;
import java.util.Objects;

/**
 * The coordinator's defences, set once per federation: the validators that screen every update before
 * aggregation (beyond the always-on shape, NaN/Inf and sample-count checks), the trust policy that lowers
 * a participant's trust and suspends repeat offenders, and optional central differential privacy.
 * Immutable (the validators themselves are used from the coordinator thread only).
 *
 * @param privacy null for none
 * @param normWindow how many recently accepted updates the statistics use (about two rounds' worth by
 *     default: norms shrink as training converges, so a long window mixes scales and widens the spread)
 */
public record Safeguards(List<UpdateValidator> validators, TrustPolicy trust, PrivacyConfig privacy, int normWindow) {
  /** No statistical screening, no suspension, no privacy: the basic checks only. */
  public static final Safeguards NONE = new Safeguards(List.of(), new TrustPolicy(0.5, 0.05, 0), null, 20);

  public Safeguards {
    validators = List.copyOf(validators);
    Objects.requireNonNull(trust, "trust");
    if (normWindow < 1) {
      throw new IllegalArgumentException("normWindow must be >= 1, was " + normWindow);
    }
  }

  /**
   * The built-in screening ({@code norm} and {@code direction} validators with their default parameters),
   * the default trust policy, no privacy.
   */
  public static Safeguards defaults() {
    return new Safeguards(List.of(new NormOutlierValidator(3.5, 5, 0.25, 1e-3), new DirectionValidator(3.5, 5, 0.05, 0.0, -0.9)),
        TrustPolicy.DEFAULT, null, 20);
  }

  public Safeguards withValidators(List<UpdateValidator> v) {
    return new Safeguards(v, trust, privacy, normWindow);
  }

  public Safeguards withTrust(TrustPolicy t) {
    return new Safeguards(validators, t, privacy, normWindow);
  }

  public Safeguards withPrivacy(PrivacyConfig p) {
    return new Safeguards(validators, trust, p, normWindow);
  }
}
