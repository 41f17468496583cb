package io.flotilla.console.app.timeline;

import java.util.Locale;

/**
 * What became of one participant in one round, as drawn on the timeline: one colour per outcome, the same
 * in the legend, the hover card and the round's details. Immutable.
 */
public enum SegmentOutcome {
  /** Selected and working (downloading, training or uploading): the round is waiting for it. */
  PENDING("working"),
  ACCEPTED("accepted"),
  /** Accepted, but with fewer local epochs than asked (a straggler's partial work). */
  PARTIAL("accepted (partial)"),
  REJECTED("rejected"),
  LATE("late"),
  DROPPED("dropped"),
  TIMED_OUT("timed out"),
  /** The round was aborted while the participant was still working. */
  CANCELLED("cancelled");

  private final String label;

  SegmentOutcome(String label) {
    this.label = label;
  }

  /** "accepted", "timed out". */
  public String label() {
    return label;
  }

  /** CSS class of this outcome's colour: {@code outcome-timed-out}. */
  public String styleClass() {
    return "outcome-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** True once the participant has answered or the round gave up on it. */
  public boolean isFinal() {
    return this != PENDING;
  }

  /** True for outcomes where the participant's work was not used. */
  public boolean isBad() {
    return this == REJECTED || this == LATE || this == DROPPED || this == TIMED_OUT;
  }
}
