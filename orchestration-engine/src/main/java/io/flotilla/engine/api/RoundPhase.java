package io.flotilla.engine.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * Phases of a round and their legal transitions.
 *
 * <pre>
 * PLANNED → SELECTING → BROADCAST → COLLECTING → AGGREGATING → EVALUATING → COMMITTED
 *    └──────────┴───────────┴────────────┴─────────────┴─────────────┴──→ ABORTED
 * </pre>
 */
public enum RoundPhase {
  PLANNED,
  SELECTING,
  BROADCAST,
  COLLECTING,
  AGGREGATING,
  EVALUATING,
  COMMITTED,
  ABORTED;

  /** The phases this phase may move to. */
  public Set<RoundPhase> next() {
    return switch (this) {
      case PLANNED -> EnumSet.of(SELECTING, ABORTED);
      case SELECTING -> EnumSet.of(BROADCAST, ABORTED);
      case BROADCAST -> EnumSet.of(COLLECTING, ABORTED);
      case COLLECTING -> EnumSet.of(AGGREGATING, ABORTED);
      case AGGREGATING -> EnumSet.of(EVALUATING, ABORTED);
      case EVALUATING -> EnumSet.of(COMMITTED, ABORTED);
      case COMMITTED, ABORTED -> EnumSet.noneOf(RoundPhase.class);
    };
  }

  public boolean canMoveTo(RoundPhase target) {
    return next().contains(target);
  }

  public boolean isTerminal() {
    return this == COMMITTED || this == ABORTED;
  }
}
