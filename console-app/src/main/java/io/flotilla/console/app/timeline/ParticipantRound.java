package io.flotilla.console.app.timeline;

import java.time.Instant;

/**
 * One round in a participant's history. Immutable.
 *
 * @param millis from selection to answer, or -1 while pending
 * @param reason why it was refused or failed; empty otherwise
 */
public record ParticipantRound(long roundId, SegmentOutcome outcome, Instant selectedAt, long millis, String reason) {}
