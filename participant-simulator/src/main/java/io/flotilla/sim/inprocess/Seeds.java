package io.flotilla.sim.inprocess;

/**
 * Derives independent, reproducible seeds from a run seed and coordinates (round, participant). Public so
 * that network participants derive exactly the seeds the in-process simulation uses. Stateless.
 */
public final class Seeds {
  private Seeds() {}

  /** SplitMix64 finalizer over the combined inputs: well-mixed, deterministic. */
  public static long derive(long seed, long a, long b, long salt) {
    long z = seed + 0x9E3779B97F4A7C15L * (a + 1) + 0xBF58476D1CE4E5B9L * (b + 1) + 0x94D049BB133111EBL * salt;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
