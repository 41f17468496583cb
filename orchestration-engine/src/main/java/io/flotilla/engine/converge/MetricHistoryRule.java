package io.flotilla.engine.converge;

import io.flotilla.engine.spi.StoppingRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stopping rule that judges the history of one metric, oriented so that larger is better
 * ({@link Metrics#score}). Rounds whose metric is missing or not finite are skipped. Not thread-safe: the
 * coordinator calls it on its own thread.
 */
abstract class MetricHistoryRule implements StoppingRule {
  protected final String metric;
  private final List<Double> scores = new ArrayList<>();

  MetricHistoryRule(String metric) {
    this.metric = metric;
  }

  @Override
  public final Optional<String> check(long committedRounds, Map<String, Double> metrics) {
    Double v = metrics.get(metric);
    if (v == null || !Double.isFinite(v)) {
      return Optional.empty();
    }
    scores.add(Metrics.score(metric, v));
    return judge(scores);
  }

  /** Empty to continue, or the reason to stop, given every score so far (oldest first, never empty). */
  protected abstract Optional<String> judge(List<Double> scores);
}
