package io.flotilla.console.app.perf;

import java.util.Locale;

/**
 * Records durations (gaps between frames, time spent applying a batch) in a fixed histogram of 0.1 ms
 * buckets up to 10 s, so that an hour of recording takes the same memory as a second: count, mean, maximum
 * and percentiles (to the bucket's 0.1 ms).
 *
 * <p>Thread-safety: record from one thread; the summary methods are synchronized with recording, so
 * another thread may read them.
 */
public final class StallRecorder {
  private static final long BUCKET_NANOS = 100_000; // 0.1 ms
  private static final int BUCKETS = 100_000; // up to 10 s

  private final long[] histogram = new long[BUCKETS + 1];
  private long count;
  private long totalNanos;
  private long maxNanos;

  /** Adds one duration. */
  public synchronized void record(long nanos) {
    long n = Math.max(0, nanos);
    int b = (int) Math.min(BUCKETS, n / BUCKET_NANOS);
    histogram[b]++;
    count++;
    totalNanos += n;
    maxNanos = Math.max(maxNanos, n);
  }

  /** An independent copy of what was recorded so far. */
  public synchronized StallRecorder copy() {
    StallRecorder c = new StallRecorder();
    System.arraycopy(histogram, 0, c.histogram, 0, histogram.length);
    c.count = count;
    c.totalNanos = totalNanos;
    c.maxNanos = maxNanos;
    return c;
  }

  /** Forgets everything recorded. */
  public synchronized void reset() {
    java.util.Arrays.fill(histogram, 0);
    count = 0;
    totalNanos = 0;
    maxNanos = 0;
  }

  public synchronized long count() {
    return count;
  }

  public synchronized double maxMillis() {
    return maxNanos / 1e6;
  }

  public synchronized double meanMillis() {
    return count == 0 ? 0 : totalNanos / 1e6 / count;
  }

  /** The {@code q} quantile (0..1), as the upper edge of its 0.1 ms bucket; 0 when empty. */
  public synchronized double percentileMillis(double q) {
    if (count == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * count);
    long seen = 0;
    for (int b = 0; b <= BUCKETS; b++) {
      seen += histogram[b];
      if (seen >= Math.max(1, rank)) {
        return Math.min((b + 1) * BUCKET_NANOS, Math.max(maxNanos, BUCKET_NANOS)) / 1e6;
      }
    }
    return maxNanos / 1e6;
  }

  /** How many durations exceeded {@code millis}. */
  public synchronized long countOver(double millis) {
    int from = (int) Math.min(BUCKETS, Math.ceil(millis * 1e6 / BUCKET_NANOS));
    long n = 0;
    for (int b = from; b <= BUCKETS; b++) {
      n += histogram[b];
    }
    return n;
  }

  /** "n=3600 mean=16.7 ms p99=18.2 ms max=31.4 ms". */
  @Override
  public synchronized String toString() {
    return String.format(Locale.ROOT, "n=%d mean=%.1f ms p50=%.1f ms p99=%.1f ms p99.9=%.1f ms max=%.1f ms", count,
        meanMillis(), percentileMillis(0.5), percentileMillis(0.99), percentileMillis(0.999), maxMillis());
  }
}
