package io.flotilla.engine.converge;

import java.util.Locale;

/** Which way a metric improves: losses and errors fall, everything else (accuracy, AUC) rises. Stateless. */
final class Metrics {
  private Metrics() {}

  static boolean lowerIsBetter(String metric) {
    String m = metric.toLowerCase(Locale.ROOT);
    return m.contains("loss") || m.contains("error") || m.contains("perplexity");
  }

  /** {@code value} signed so that larger is always better. */
  static double score(String metric, double value) {
    return lowerIsBetter(metric) ? -value : value;
  }
}
