package io.flotilla.engine.validate;

import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.spi.UpdateValidator;
import java.util.Locale;
import java.util.Optional;

/**
 * Flags an update whose norm is an outlier against recently accepted norms, by the modified z-score of
 * its log-norm (Iglewicz and Hoaglin, "How to Detect and Handle Outliers", 1993: {@code z = 0.6745·(x −
 * median)/MAD}, outlier above 3.5): too large catches scaling (boosting) attacks and Gaussian noise; an
 * (almost) zero norm catches free riders that return the base model. Only large deviations count, so
 * honest partial work (smaller norms) passes. The MAD is floored so that very uniform honest norms do not
 * make every small variation an outlier. Passes everything until {@code minHistory} norms are known.
 * Stateless; thread-safe.
 */
public final class NormOutlierValidator implements UpdateValidator {
  private final double maxZ;
  private final int minHistory;
  private final double madFloor;
  private final double minRatio;

  public NormOutlierValidator(double maxZ, int minHistory, double madFloor, double minRatio) {
    this.maxZ = maxZ;
    this.minHistory = minHistory;
    this.madFloor = madFloor;
    this.minRatio = minRatio;
  }

  @Override
  public String name() {
    return "norm";
  }

  @Override
  public Optional<Rejection> check(UpdateFeatures u, RecentStatistics recent) {
    if (recent.count() < minHistory) {
      return Optional.empty();
    }
    double median = Math.exp(recent.medianLogNorm());
    if (u.norm() <= minRatio * median) {
      return Optional.of(new Rejection(RejectReason.SUSPICIOUS_NORM, String.format(Locale.ROOT,
          "norm %.3g is (almost) zero against a recent median of %.3g (free rider?)", u.norm(), median)));
    }
    double z = 0.6745 * (Math.log(u.norm()) - recent.medianLogNorm()) / Math.max(madFloor, recent.madLogNorm());
    if (z > maxZ) {
      return Optional.of(new Rejection(RejectReason.SUSPICIOUS_NORM, String.format(Locale.ROOT,
          "norm %.3g is %.1f× the recent median %.3g (modified z-score %.1f > %.1f)", u.norm(), u.norm() / median,
          median, z, maxZ)));
    }
    return Optional.empty();
  }
}
