package io.flotilla.engine.select;

import io.flotilla.engine.spi.SelectionPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Uniform selection under a fairness quota: no participant takes part in more than
 * {@code ⌈maxShare · t⌉} of the first {@code t} rounds, so over time none exceeds the share
 * {@code maxShare} of rounds. Participants at their quota are skipped; the rest are sampled uniformly. May
 * return fewer than asked when the quota leaves too few eligible (a hard cap, never exceeded). Counts the
 * rounds itself (one {@link #select} call per round), so an instance belongs to one federation and is used
 * from one thread at a time.
 */
public final class FairnessQuotaSelection implements SelectionPolicy {
  private final double maxShare;
  private long round;

  public FairnessQuotaSelection(double maxShare) {
    if (!(maxShare > 0 && maxShare <= 1)) {
      throw new IllegalArgumentException("'fair-quota' parameter 'max-share' must be in (0, 1], got " + maxShare);
    }
    this.maxShare = maxShare;
  }

  @Override
  public String name() {
    return "fair-quota";
  }

  /** Most rounds a participant may have been selected for after {@code t} rounds. */
  long quota(long t) {
    return (long) Math.ceil(maxShare * t - 1e-9);
  }

  @Override
  public List<String> select(List<Candidate> candidates, int count, SplittableRandom random) {
    round++;
    long cap = quota(round);
    List<String> eligible = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c.roundsSelected() + 1 <= cap) {
        eligible.add(c.id());
      }
    }
    int k = Math.min(count, eligible.size());
    Shuffle.front(eligible, k, random);
    return List.copyOf(eligible.subList(0, k));
  }
}
