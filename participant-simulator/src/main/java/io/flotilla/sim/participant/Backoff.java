package io.flotilla.sim.participant;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Exponential backoff with full jitter: the n-th wait is uniform in {@code [0, min(cap, base·2^(n−1))]}
 * (Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015), which spreads a crowd of
 * reconnecting participants instead of having them retry in lockstep. Seeded, so tests are reproducible.
 * Thread-safe.
 */
public final class Backoff {
  private final long baseMillis;
  private final long capMillis;
  private final SplittableRandom random;
  private int attempts;

  public Backoff(Duration base, Duration cap, long seed) {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap");
    }
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    this.random = new SplittableRandom(seed);
  }

  /** The wait before the next attempt; counts the attempt. */
  public synchronized Duration next() {
    attempts++;
    long ceiling = Math.min(capMillis, baseMillis << Math.min(attempts - 1, 30));
    return Duration.ofMillis(random.nextLong(ceiling + 1));
  }

  /** Attempts since the last {@link #reset()}. */
  public synchronized int attempts() {
    return attempts;
  }

  /** Called after a success: the next failure starts from {@code base} again. */
  public synchronized void reset() {
    attempts = 0;
  }
}
