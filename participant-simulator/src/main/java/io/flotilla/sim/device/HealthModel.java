package io.flotilla.sim.device;

import io.flotilla.engine.api.Health;
import java.util.SplittableRandom;

/**
 * The heartbeats simulated devices send: phones and laptops run on battery (phones drain deeper and charge
 * less often), servers on mains; every device has a CPU load. Each (run seed, round, participant) gives
 * the same reading on every run, so energy-aware selection stays reproducible. Stateless.
 */
public final class HealthModel {
  private HealthModel() {}

  /** Participant {@code index}'s health for round {@code round} on a device of class {@code deviceClass}. */
  public static Health reading(String deviceClass, long seed, long round, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + (round + 1) * 0xBF58476D1CE4E5B9L + (index + 1) * 0x94D049BB133111EBL;
    SplittableRandom rnd = new SplittableRandom(z ^ 0x4EA17E4L);
    double load = rnd.nextDouble();
    return switch (deviceClass) {
      case "server" -> new Health(null, true, 0.6 * load, 8L << 30);
      case "phone" -> {
        boolean charging = rnd.nextDouble() < 0.2;
        yield new Health(rnd.nextDouble(), charging, load, 1L << 30);
      }
      default -> {
        boolean charging = rnd.nextDouble() < 0.5;
        yield new Health(0.2 + 0.8 * rnd.nextDouble(), charging, 0.8 * load, 4L << 30);
      }
    };
  }
}
