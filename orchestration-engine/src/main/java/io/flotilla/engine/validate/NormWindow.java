package io.flotilla.engine.validate;

import io.flotilla.engine.spi.UpdateValidator.RecentStatistics;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The log-norms (and cosines to their round's reference direction) of the last {@code capacity} accepted
 * updates, in the order they were accepted (cohort order within a round, rounds in sequence), and their
 * medians and median absolute deviations. Confined to the coordinator thread.
 */
public final class NormWindow {
  private final int capacity;
  private final Deque<Double> logNorms = new ArrayDeque<>();
  private final Deque<Double> cosines = new ArrayDeque<>();

  public NormWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("window capacity must be >= 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** An independent copy with the same contents. */
  public NormWindow copy() {
    NormWindow c = new NormWindow(Integer.MAX_VALUE);
    c.logNorms.addAll(logNorms);
    c.cosines.addAll(cosines);
    return c;
  }

  /** Records an accepted update's norm and cosine (NaN when its round had no reference direction). */
  public void add(double norm, double cosine) {
    add(norm);
    if (Double.isFinite(cosine)) {
      if (cosines.size() == capacity) {
        cosines.removeFirst();
      }
      cosines.addLast(cosine);
    }
  }

  /** Records an accepted update's norm (zero norms are not recorded: their log is undefined). */
  public void add(double norm) {
    if (!(norm > 0) || !Double.isFinite(norm)) {
      return;
    }
    if (logNorms.size() == capacity) {
      logNorms.removeFirst();
    }
    logNorms.addLast(Math.log(norm));
  }

  /**
   * Everything the window holds, by name, oldest first: what a restart needs to judge the next updates as
   * an uninterrupted coordinator would.
   */
  public Map<String, List<Double>> snapshot() {
    return Map.of("log_norms", List.copyOf(logNorms), "cosines", List.copyOf(cosines));
  }

  /** Puts back a {@link #snapshot()}; missing names leave that part empty. */
  public void restore(Map<String, List<Double>> saved) {
    fill(logNorms, saved.getOrDefault("log_norms", List.of()));
    fill(cosines, saved.getOrDefault("cosines", List.of()));
  }

  private void fill(Deque<Double> into, List<Double> values) {
    into.clear();
    for (double v : values) {
      if (into.size() == capacity) {
        into.removeFirst();
      }
      into.addLast(v);
    }
  }

  public RecentStatistics statistics() {
    double[] n = robust(logNorms);
    double[] c = robust(cosines);
    return new RecentStatistics(logNorms.size(), n[0], n[1], cosines.size(), c[0], c[1]);
  }

  /** Median and median absolute deviation, NaN when empty. */
  private static double[] robust(Deque<Double> values) {
    int n = values.size();
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double[] v = new double[n];
    int i = 0;
    for (double x : values) {
      v[i++] = x;
    }
    Arrays.sort(v);
    double med = median(v);
    double[] dev = new double[n];
    for (int k = 0; k < n; k++) {
      dev[k] = Math.abs(v[k] - med);
    }
    Arrays.sort(dev);
    return new double[] {med, median(dev)};
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return (n & 1) == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
