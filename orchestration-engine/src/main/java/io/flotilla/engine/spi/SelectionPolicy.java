package io.flotilla.engine.spi;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses which participants train in a round. Deterministic given the random generator it is handed: the
 * coordinator passes candidates sorted by id and a generator seeded from (federation seed, round).
 */
public interface SelectionPolicy {
  String name();

  /**
   * Picks up to {@code count} distinct ids from {@code candidates}, in the order they should be folded.
   */
  List<String> select(List<Candidate> candidates, int count, SplittableRandom random);

  /** What the policy may know about a participant: never raw data. */
  record Candidate(
      String id, String deviceClass, long sampleCount, long[] labelHistogram, long roundsSelected,
      long updatesAccepted) {}
}
