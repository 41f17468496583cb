package io.flotilla.engine.participant;

import java.util.EnumSet;
import java.util.Set;

/**
 * A participant's standing in the federation.
 *
 * <pre>
 * PENDING → APPROVED → ACTIVE ⇄ IDLE → SUSPENDED → (ACTIVE) ; any → REVOKED
 * </pre>
 */
public enum ParticipantState {
  PENDING, APPROVED, ACTIVE, IDLE, SUSPENDED, REVOKED;

  public Set<ParticipantState> next() {
    return switch (this) {
      case PENDING -> EnumSet.of(APPROVED, REVOKED);
      case APPROVED -> EnumSet.of(ACTIVE, SUSPENDED, REVOKED);
      case ACTIVE -> EnumSet.of(IDLE, SUSPENDED, REVOKED);
      case IDLE -> EnumSet.of(ACTIVE, SUSPENDED, REVOKED);
      case SUSPENDED -> EnumSet.of(ACTIVE, REVOKED);
      case REVOKED -> EnumSet.noneOf(ParticipantState.class);
    };
  }

  /** May be selected for training. */
  public boolean isSelectable() {
    return this == ACTIVE || this == IDLE;
  }
}
