package io.flotilla.engine.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Decides, after each committed round, whether the federation has trained enough (target accuracy reached,
 * loss plateau, budget spent). Called on the coordinator thread; may keep state.
 */
public interface StoppingRule {
  String name();

  /**
   * Empty to continue, or the reason to stop.
   *
   * @param committedRounds rounds committed so far, this one included
   * @param metrics the committed round's evaluation metrics
   */
  Optional<String> check(long committedRounds, Map<String, Double> metrics);
}
