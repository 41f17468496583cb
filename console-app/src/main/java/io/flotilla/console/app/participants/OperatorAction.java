package io.flotilla.console.app.participants;

import io.flotilla.engine.api.Federation;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * What an operator can do to one participant from the Participants page, each an audited command of the
 * {@link Federation} facade that takes the operator's name and a reason. Immutable.
 */
public enum OperatorAction {
  /** Not selected again until resumed; an update in flight is refused. */
  SUSPEND("Suspend", "suspended"),
  /** A suspended participant may be selected again ({@link Federation#reinstate}). */
  RESUME("Resume", "resumed"),
  /** Removed for good: never selected again. */
  REVOKE("Revoke", "revoked");

  private final String label;
  private final String done;

  OperatorAction(String label, String done) {
    this.label = label;
    this.done = done;
  }

  /** "Suspend", for buttons and menus. */
  public String label() {
    return label;
  }

  /** "suspended", for "p003 suspended". */
  public String pastTense() {
    return done;
  }

  /** Whether the action makes sense for a participant in {@code state} (the engine's name, e.g. ACTIVE). */
  public boolean appliesTo(String state) {
    String s = state == null ? "" : state.toUpperCase(Locale.ROOT);
    return switch (this) {
      case SUSPEND -> !s.equals("SUSPENDED") && !s.equals("REVOKED");
      case RESUME -> s.equals("SUSPENDED");
      case REVOKE -> !s.equals("REVOKED");
    };
  }

  /** What confirming it will do, for the dialog. */
  public String consequence(String participantId) {
    return switch (this) {
      case SUSPEND -> participantId + " will not be selected for new rounds until it is resumed; an update it "
          + "is sending for the current round will be refused.";
      case RESUME -> participantId + " may be selected again from the next round.";
      case REVOKE -> participantId + " will be removed from the federation for good and never selected again. "
          + "This cannot be undone.";
    };
  }

  CompletableFuture<Void> send(Federation f, String participantId, String actor, String reason) {
    return switch (this) {
      case SUSPEND -> f.suspend(participantId, actor, reason);
      case RESUME -> f.reinstate(participantId, actor, reason);
      case REVOKE -> f.revoke(participantId, actor, reason);
    };
  }
}
