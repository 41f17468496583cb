package io.flotilla.engine.validate;

import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.spi.UpdateValidator;
import java.util.Locale;
import java.util.Optional;

/**
 * Flags an update that points away from the federation's recent direction. Its cosine similarity to the
 * last committed aggregate step is compared with the cosines of recently accepted updates: it is
 * suspicious when it lies more than {@code z} robust standard deviations below their median (modified
 * z-score, Iglewicz and Hoaglin 1993) <em>and</em> below {@code maxCosine} (an update that agrees with the
 * consensus is never flagged), or when it is below the hard floor {@code minCosine}. Sign-flipping
 * attackers send roughly the negation of an honest update and land far below the honest cosines wherever
 * those are clearly positive (the idea behind cosine-based filters such as FLTrust, Cao et al., NDSS 2021,
 * with the previous aggregate as the trusted direction instead of a server data set); where honest
 * updates themselves scatter around zero (strongly non-IID data, many local epochs) direction carries no
 * signal and the relative rule stays quiet instead of rejecting honest work. Passes when no reference
 * exists yet. Stateless; thread-safe.
 */
public final class DirectionValidator implements UpdateValidator {
  private final double z;
  private final int minHistory;
  private final double madFloor;
  private final double maxCosine;
  private final double minCosine;

  public DirectionValidator(double z, int minHistory, double madFloor, double maxCosine, double minCosine) {
    this.z = z;
    this.minHistory = minHistory;
    this.madFloor = madFloor;
    this.maxCosine = maxCosine;
    this.minCosine = minCosine;
  }

  @Override
  public String name() {
    return "direction";
  }

  @Override
  public Optional<Rejection> check(UpdateFeatures u, RecentStatistics recent) {
    double c = u.cosineToReference();
    if (Double.isNaN(c)) {
      return Optional.empty();
    }
    if (c < minCosine) {
      return Optional.of(new Rejection(RejectReason.SUSPICIOUS_DIRECTION, String.format(Locale.ROOT,
          "cosine similarity %.3f to the last aggregate step is below the floor %.3f", c, minCosine)));
    }
    if (recent == null || recent.cosineCount() < minHistory || c >= maxCosine) {
      return Optional.empty();
    }
    double spread = Math.max(madFloor, recent.madCosine());
    double score = 0.6745 * (recent.medianCosine() - c) / spread;
    if (score > z) {
      return Optional.of(new Rejection(RejectReason.SUSPICIOUS_DIRECTION, String.format(Locale.ROOT,
          "cosine similarity %.3f to the last aggregate step is far below the recent median %.3f "
              + "(modified z-score %.1f > %.1f)", c, recent.medianCosine(), score, z)));
    }
    return Optional.empty();
  }
}
