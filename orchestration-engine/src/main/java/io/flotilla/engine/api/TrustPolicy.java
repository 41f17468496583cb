package io.flotilla.engine.api;

/**
 * How the coordinator's trust in a participant moves with the quality of its updates: each update
 * rejected as suspicious multiplies the trust score by {@code 1 − penalty} and counts a strike; each
 * accepted update adds {@code recovery} (up to 1). After {@code suspendAfter} strikes the participant is
 * suspended and no longer selected (0 = never suspend). Immutable.
 */
public record TrustPolicy(double penalty, double recovery, int suspendAfter) {
  /** Halve trust per suspicious update, recover 0.05 per good one, suspend after three strikes. */
  public static final TrustPolicy DEFAULT = new TrustPolicy(0.5, 0.05, 3);

  public TrustPolicy {
    if (!(penalty >= 0 && penalty <= 1)) {
      throw new IllegalArgumentException("trust penalty must be in [0, 1], was " + penalty);
    }
    if (!(recovery >= 0 && recovery <= 1)) {
      throw new IllegalArgumentException("trust recovery must be in [0, 1], was " + recovery);
    }
    if (suspendAfter < 0) {
      throw new IllegalArgumentException("suspendAfter must be >= 0, was " + suspendAfter);
    }
  }
}
