package io.flotilla.sim.device;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A named population of device profiles assigned to participants: {@code uniform} (every participant a
 * reference laptop that never drops), {@code mixed} (phones, laptops and servers with different speeds and
 * dropout rates), or {@code dropout:P} (uniform speed, each participant drops out of a round with
 * probability P). Assignment is deterministic for a seed. Immutable.
 */
public final class DeviceMix {
  private final String spec;
  private final List<DeviceProfile> profiles;
  private final double[] shares;

  private DeviceMix(String spec, List<DeviceProfile> profiles, double[] shares) {
    this.spec = spec;
    this.profiles = profiles;
    this.shares = shares;
  }

  /** Parses {@code uniform}, {@code mixed} or {@code dropout:P}; the message names a bad value. */
  public static DeviceMix parse(String spec) {
    String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
    if (s.equals("uniform")) {
      return new DeviceMix(s, List.of(new DeviceProfile("laptop", 1.0, 0.0)), new double[] {1});
    }
    if (s.equals("mixed")) {
      return new DeviceMix(s, List.of(
          new DeviceProfile("phone", 0.25, 0.10),
          new DeviceProfile("laptop", 1.0, 0.03),
          new DeviceProfile("server", 4.0, 0.0)), new double[] {0.5, 0.35, 0.15});
    }
    if (s.startsWith("dropout:")) {
      double p;
      try {
        p = Double.parseDouble(s.substring("dropout:".length()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid --devices '" + spec + "': dropout must be a number in [0, 1]");
      }
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("invalid --devices '" + spec + "': dropout must be in [0, 1]");
      }
      return new DeviceMix(s, List.of(new DeviceProfile("laptop", 1.0, p)), new double[] {1});
    }
    throw new IllegalArgumentException("invalid --devices '" + spec + "': expected uniform, mixed or dropout:P");
  }

  /** The profile of participant {@code index}, drawn deterministically from the seed. */
  public DeviceProfile assign(int index, long seed) {
    if (profiles.size() == 1) {
      return profiles.get(0);
    }
    double u = new SplittableRandom(seed ^ (0x5DEECE66DL * (index + 1))).nextDouble();
    double acc = 0;
    for (int i = 0; i < shares.length; i++) {
      acc += shares[i];
      if (u < acc) {
        return profiles.get(i);
      }
    }
    return profiles.get(profiles.size() - 1);
  }

  @Override
  public String toString() {
    return spec;
  }
}
