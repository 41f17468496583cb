package io.flotilla.engine.api;

/**
 * Central differential privacy at the server (DP-FedAvg, McMahan et al., ICLR 2018): every update is
 * clipped to L2 norm {@code clip}, the clipped updates are summed, Gaussian noise of standard deviation
 * {@code noiseMultiplier · clip} is added to the sum, and the result is divided by the number of updates.
 * A Rényi-DP accountant reports ε for {@code delta} after each round; when {@code budget} is finite the
 * federation finishes before a round would push ε past it. Immutable.
 *
 * @param seed seed of the noise generator for reproducible simulations, or null to seed every round from
 *     {@link java.security.SecureRandom} (what a real deployment must do)
 */
public record PrivacyConfig(double clip, double noiseMultiplier, double delta, double budget, Long seed) {
  public PrivacyConfig {
    if (!(clip > 0) || !Double.isFinite(clip)) {
      throw new IllegalArgumentException("clip must be a positive number, was " + clip);
    }
    if (!(noiseMultiplier >= 0) || !Double.isFinite(noiseMultiplier)) {
      throw new IllegalArgumentException("noise multiplier must be >= 0, was " + noiseMultiplier);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), was " + delta);
    }
    if (!(budget > 0)) {
      throw new IllegalArgumentException("budget must be positive (Infinity for none), was " + budget);
    }
  }
}
