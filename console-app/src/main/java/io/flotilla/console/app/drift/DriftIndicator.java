package io.flotilla.console.app.drift;

import io.flotilla.engine.api.FederationEvent.ParticipantDrift;

/**
 * The drift indicators the heat map can show, with how each maps to a heat between 0 (calm) and 1 (hot).
 * The scales put the engine's default alarm thresholds (JS 0.05 bit, loss trend 0.15, norm trend 0.5) at
 * about half heat. Immutable.
 */
public enum DriftIndicator {
  /** Heat from the change since the participant's first report, as the drift monitor alarms on it. */
  LABEL_JS("Label JS change", 0.1),
  LOSS_TREND("Loss trend", 0.3),
  NORM_TREND("Update-norm trend", 1.0),
  COSINE("Cosine to the aggregate", 2.0);

  private final String title;
  private final double scale;

  DriftIndicator(String title, double scale) {
    this.title = title;
    this.scale = scale;
  }

  public String title() {
    return title;
  }

  /** The raw value of this indicator for one participant. */
  public double value(ParticipantDrift d) {
    return switch (this) {
      case LABEL_JS -> d.labelJs();
      case LOSS_TREND -> d.lossTrend();
      case NORM_TREND -> d.normTrend();
      case COSINE -> d.cosine();
    };
  }

  /** Heat in [0, 1] for a raw value; NaN for a value that is not finite. */
  public double heat(double v) {
    if (!Double.isFinite(v)) {
      return Double.NaN;
    }
    double h = this == COSINE ? (1 - v) / scale : Math.abs(v) / scale; // cosine 1 = aligned = calm
    return Math.max(0, Math.min(1, h));
  }

  @Override
  public String toString() {
    return title;
  }
}
