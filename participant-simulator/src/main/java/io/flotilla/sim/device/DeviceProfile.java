package io.flotilla.sim.device;

import io.flotilla.engine.api.PhaseTimings;
import java.util.SplittableRandom;

/**
 * How a simulated device behaves: its relative training speed (1 = reference laptop), the probability that
 * it drops out of a round it was selected for, and its network link (downlink and uplink bandwidth, round-trip
 * latency), from which the simulation models how long it takes to download the model and upload its update.
 * Immutable.
 *
 * @param downlinkBytesPerSecond model download speed
 * @param uplinkBytesPerSecond update upload speed (phones and home links upload slower than they download)
 * @param latencyMillis one round trip to the coordinator
 */
public record DeviceProfile(String deviceClass, double speed, double dropout, long downlinkBytesPerSecond,
    long uplinkBytesPerSecond, long latencyMillis) {
  public DeviceProfile {
    if (!(speed > 0) || !Double.isFinite(speed)) {
      throw new IllegalArgumentException("device speed must be positive, was " + speed);
    }
    if (!(dropout >= 0 && dropout <= 1)) {
      throw new IllegalArgumentException("dropout probability must be in [0, 1], was " + dropout);
    }
    if (downlinkBytesPerSecond <= 0 || uplinkBytesPerSecond <= 0) {
      throw new IllegalArgumentException("device bandwidth must be positive, was down=" + downlinkBytesPerSecond
          + " up=" + uplinkBytesPerSecond + " bytes/s");
    }
    if (latencyMillis < 0) {
      throw new IllegalArgumentException("device latency must be >= 0 ms, was " + latencyMillis);
    }
  }

  /**
   * A device with the typical link of its class: {@code phone} 12 Mbit/s down, 4 up, 60 ms; {@code server}
   * 800 Mbit/s both ways, 2 ms; anything else (a laptop on a home link) 50 Mbit/s down, 20 up, 25 ms.
   */
  public DeviceProfile(String deviceClass, double speed, double dropout) {
    this(deviceClass, speed, dropout, link(deviceClass)[0], link(deviceClass)[1], link(deviceClass)[2]);
  }

  private static long[] link(String deviceClass) {
    return switch (deviceClass == null ? "" : deviceClass) {
      case "phone" -> new long[] {1_500_000, 500_000, 60};
      case "server" -> new long[] {100_000_000, 100_000_000, 2};
      default -> new long[] {6_250_000, 2_500_000, 25};
    };
  }

  /**
   * The phases of one round on this device: download {@code modelBytes}, train for {@code trainMillis} (as
   * measured and scaled to the device), upload {@code updateBytes}. Each transfer takes a latency plus size
   * over bandwidth, times a jitter in [0.8, 1.25] drawn from {@code seed}: the same seed gives the same
   * timings on every run.
   */
  public PhaseTimings phases(long modelBytes, long updateBytes, long trainMillis, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    long down = transfer(modelBytes, downlinkBytesPerSecond, rnd);
    long up = transfer(updateBytes, uplinkBytesPerSecond, rnd);
    return new PhaseTimings(down, Math.max(0, trainMillis), up);
  }

  private long transfer(long bytes, long bytesPerSecond, SplittableRandom rnd) {
    double jitter = 0.8 + 0.45 * rnd.nextDouble();
    return Math.round((latencyMillis + Math.max(0, bytes) * 1000.0 / bytesPerSecond) * jitter);
  }
}
