package io.flotilla.engine.converge;

import io.flotilla.engine.api.LearningControl;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The divergence alarm (ADR 0015): watches the evaluation loss of committed rounds and the spread of the
 * participants' local training losses. It fires when the loss rose in each of the last {@code k} rounds and
 * by at least the relative {@code rise} overall, when the cross-participant variance of local losses exceeds
 * {@code varianceFactor} times the median variance of the last 20 rounds (at least 3 seen; an exploding
 * spread: some participants blow up),
 * or when an aggregate was not finite. After an alarm it re-arms: the rising-loss window starts afresh, so
 * one divergence raises one alarm per {@code k} rounds at most. Confined to the coordinator thread.
 */
public final class DivergenceMonitor {
  private final LearningControl.Divergence config;
  private final ArrayDeque<Double> losses = new ArrayDeque<>();
  /** The last {@link #VARIANCE_WINDOW} positive variances of local losses (the baseline is their median). */
  private final ArrayDeque<Double> variances = new ArrayDeque<>();
  private static final int VARIANCE_WINDOW = 20;

  /** What tripped the alarm. */
  public record Alarm(String kind, String detail, Map<String, Double> values) {}

  public DivergenceMonitor(LearningControl.Divergence config) {
    this.config = config;
  }

  public LearningControl.Divergence config() {
    return config;
  }

  /**
   * Forgets the loss history: after a calibration publishes a new feature normalization the loss level
   * changes by the operator's doing, which must not read as divergence.
   */
  public void rebase() {
    losses.clear();
    variances.clear();
  }

  /** Feeds a committed round's metrics and the local training losses of its accepted updates. */
  public Optional<Alarm> observe(Map<String, Double> metrics, List<Double> localLosses) {
    Optional<Alarm> spread = spread(localLosses);
    if (spread.isPresent()) {
      losses.clear();
      return spread;
    }
    Double v = metrics.get(config.metric());
    if (v == null) {
      v = metrics.get("train_loss");
    }
    if (v == null) {
      return Optional.empty();
    }
    if (!Double.isFinite(v)) {
      losses.clear();
      return Optional.of(new Alarm("non-finite", config.metric() + " is " + v, Map.of(config.metric(), v)));
    }
    losses.addLast(v);
    while (losses.size() > config.k() + 1) {
      losses.removeFirst();
    }
    if (losses.size() <= config.k()) {
      return Optional.empty();
    }
    Double[] l = losses.toArray(new Double[0]);
    for (int i = 1; i < l.length; i++) {
      if (!(l[i] > l[i - 1])) {
        return Optional.empty();
      }
    }
    double first = l[0];
    double last = l[l.length - 1];
    if (last < first * (1 + config.rise())) {
      return Optional.empty();
    }
    losses.clear();
    Map<String, Double> values = new LinkedHashMap<>();
    values.put(config.metric() + "_first", first);
    values.put(config.metric(), last);
    return Optional.of(new Alarm("loss-rising", String.format(Locale.ROOT,
        "%s rose in each of the last %d rounds, from %.4f to %.4f (+%.1f%%)", config.metric(), config.k(), first,
        last, 100 * (last / first - 1)), values));
  }

  /** An aggregate came out NaN or infinite (the round was aborted). */
  public Alarm nonFinite(String detail) {
    losses.clear();
    return new Alarm("non-finite", detail, Map.of());
  }

  private Optional<Alarm> spread(List<Double> localLosses) {
    int n = 0;
    double mean = 0;
    double m2 = 0;
    for (double x : localLosses) {
      if (!Double.isFinite(x)) {
        return Optional.of(new Alarm("loss-variance", "a participant's local loss is " + x,
            Map.of("local_loss_variance", Double.POSITIVE_INFINITY)));
      }
      n++;
      double d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }
    if (n < 2) {
      return Optional.empty();
    }
    double var = m2 / (n - 1);
    if (variances.size() >= 3) {
      double[] sorted = variances.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
          : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      if (median > 0 && var > config.varianceFactor() * median) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("local_loss_variance", var);
        values.put("median_variance", median);
        return Optional.of(new Alarm("loss-variance", String.format(Locale.ROOT,
            "cross-participant variance of local losses %.4g is %.0fx its recent median (%.4g)", var, var / median,
            median), values));
      }
    }
    if (var > 0) {
      variances.addLast(var);
      while (variances.size() > VARIANCE_WINDOW) {
        variances.removeFirst();
      }
    }
    return Optional.empty();
  }
}
