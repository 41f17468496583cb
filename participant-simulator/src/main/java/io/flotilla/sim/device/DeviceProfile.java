package io.flotilla.sim.device;

/**
 * How a simulated device behaves: its relative training speed (1 = reference laptop) and the probability
 * that it drops out of a round it was selected for. Immutable.
 */
public record DeviceProfile(String deviceClass, double speed, double dropout) {
  public DeviceProfile {
    if (!(speed > 0) || !Double.isFinite(speed)) {
      throw new IllegalArgumentException("device speed must be positive, was " + speed);
    }
    if (!(dropout >= 0 && dropout <= 1)) {
      throw new IllegalArgumentException("dropout probability must be in [0, 1], was " + dropout);
    }
  }
}
