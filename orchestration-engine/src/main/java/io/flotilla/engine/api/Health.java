package io.flotilla.engine.api;

/**
 * A participant's heartbeat: how much battery it has left, how busy and how short of memory it is, and
 * whether it is charging. Energy- and availability-aware selection skips participants that report low
 * battery or high load. Immutable.
 *
 * @param battery remaining battery as a fraction in [0, 1], or null for a device on mains power
 * @param charging true while plugged in (a low battery then does not matter)
 * @param cpuLoad recent CPU load as a fraction in [0, 1]
 * @param freeMemoryBytes free memory, or -1 when unknown
 */
public record Health(Double battery, boolean charging, double cpuLoad, long freeMemoryBytes) {
  public Health {
    if (battery != null && !(battery >= 0 && battery <= 1)) {
      throw new IllegalArgumentException("battery must be a fraction in [0, 1], was " + battery);
    }
    if (!(cpuLoad >= 0 && cpuLoad <= 1)) {
      throw new IllegalArgumentException("cpuLoad must be a fraction in [0, 1], was " + cpuLoad);
    }
  }

  /** A device on mains power with the given load. */
  public static Health mains(double cpuLoad) {
    return new Health(null, true, cpuLoad, -1);
  }
}
