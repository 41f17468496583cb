package io.flotilla.engine.spi;

import io.flotilla.engine.api.Health;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses which participants train in a round. Deterministic given the random generator it is handed: the
 * coordinator passes candidates sorted by id and a generator seeded from (federation seed, round). A policy
 * may keep state across rounds (it is called once per round, on the coordinator thread).
 */
public interface SelectionPolicy {
  String name();

  /**
   * Picks up to {@code count} distinct ids from {@code candidates}, in the order they should be folded. A
   * policy may return fewer (for example when quotas or device health leave too few eligible).
   */
  List<String> select(List<Candidate> candidates, int count, SplittableRandom random);

  /**
   * What the policy may know about a participant: never raw data.
   *
   * @param labelHistogram samples per label as declared at join (may be empty)
   * @param recentLoss the local training loss of its last accepted update, NaN before the first
   * @param health its last heartbeat, or null if it never sent one
   * @param trust its trust score in [0, 1] (falls when its updates look suspicious)
   */
  record Candidate(
      String id, String deviceClass, long sampleCount, long[] labelHistogram, long roundsSelected,
      long updatesAccepted, double recentLoss, Health health, double trust) {

    /** A candidate with no history, health or loss (for tests and tools). */
    public Candidate(String id, String deviceClass, long sampleCount, long[] labelHistogram, long roundsSelected,
        long updatesAccepted) {
      this(id, deviceClass, sampleCount, labelHistogram, roundsSelected, updatesAccepted, Double.NaN, null, 1.0);
    }
  }
}
