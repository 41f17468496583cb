package io.flotilla.sim.participant;

import io.flotilla.engine.transport.proto.DeviceHealth;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.SplittableRandom;

/**
 * Samples the device's health for heartbeats: CPU load, free memory and, where the device knows it, its
 * battery. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface HealthProbe {
  DeviceHealth sample();

  /** This machine, through the JVM's {@link OperatingSystemMXBean}; battery unknown. */
  static HealthProbe system() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return () -> {
      double cpu = -1;
      long free = -1;
      if (os instanceof com.sun.management.OperatingSystemMXBean s) {
        cpu = s.getCpuLoad();
        free = s.getFreeMemorySize();
      } else if (os.getSystemLoadAverage() >= 0) {
        cpu = Math.min(1, os.getSystemLoadAverage() / os.getAvailableProcessors());
      }
      return DeviceHealth.newBuilder().setCpuLoad(Double.isFinite(cpu) ? cpu : -1).setFreeMemoryBytes(free).build();
    };
  }

  /**
   * A simulated battery device: starts at a seeded level in [0.3, 1] and drains a little with every sample
   * while not charging; CPU and memory come from {@code base}.
   */
  static HealthProbe simulatedBattery(HealthProbe base, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double start = 0.3 + 0.7 * rnd.nextDouble();
    boolean charging = rnd.nextDouble() < 0.2;
    double[] level = {start};
    return () -> {
      double b;
      synchronized (level) {
        level[0] = charging ? Math.min(1, level[0] + 0.002) : Math.max(0, level[0] - 0.001);
        b = level[0];
      }
      return base.sample().toBuilder().setBattery(b).setBatteryKnown(true).setCharging(charging).build();
    };
  }
}
