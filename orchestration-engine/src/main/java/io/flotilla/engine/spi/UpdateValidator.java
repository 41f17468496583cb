package io.flotilla.engine.spi;

import io.flotilla.engine.api.RejectReason;
import java.util.Objects;
import java.util.Optional;

/**
 * Screens an update before it is aggregated. The engine computes each update's {@link UpdateFeatures}
 * (norm, cosine to the previous aggregate direction) off the coordinator thread when the update arrives;
 * validators then decide on the coordinator thread, in cohort order, against {@link NormStatistics} of
 * recently accepted updates (earlier rounds plus this round's earlier members in cohort order), so the
 * verdicts do not depend on arrival timing. A validator must be cheap (O(1) or O(window)) and may keep
 * state across rounds; it is called from one thread.
 */
public interface UpdateValidator {
  String name();

  /** Empty to pass the update, or why it is suspicious. */
  Optional<Rejection> check(UpdateFeatures update, RecentStatistics recent);

  /** A suspicious verdict. */
  record Rejection(RejectReason reason, String detail) {
    public Rejection {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * What is known about one update without touching its parameters again.
   *
   * @param norm Euclidean norm of the delta
   * @param cosineToReference cosine similarity between the delta and the direction of the last committed
   *     aggregate step (the federation's recent consensus), or NaN in the first round
   * @param partial whether the participant completed fewer epochs than asked
   */
  record UpdateFeatures(
      String participantId, long roundId, long sampleCount, double norm, double cosineToReference,
      boolean partial) {}

  /**
   * Robust statistics of recently accepted updates: their log-norms and their cosines to the reference
   * direction of their round.
   *
   * @param count how many norms the window holds (0 in the first round before any acceptance)
   * @param medianLogNorm median of ln(norm)
   * @param madLogNorm median absolute deviation of ln(norm) around that median
   * @param cosineCount how many cosines the window holds (none before a reference direction exists)
   * @param medianCosine median cosine to the reference
   * @param madCosine median absolute deviation of the cosines
   */
  record RecentStatistics(int count, double medianLogNorm, double madLogNorm, int cosineCount, double medianCosine,
      double madCosine) {
    public static final RecentStatistics EMPTY =
        new RecentStatistics(0, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN);
  }
}
