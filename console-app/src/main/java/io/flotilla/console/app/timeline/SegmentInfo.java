package io.flotilla.console.app.timeline;

import io.flotilla.engine.api.PhaseTimings;
import java.time.Instant;

/**
 * One participant in one round, as the hover card describes it. Immutable.
 *
 * @param answeredAt null while pending
 * @param trainingMillis local training time it reported, or -1
 * @param reason why it was refused or failed; empty otherwise
 * @param phases the download / train / upload times it reported, or null before (or without) a report
 */
public record SegmentInfo(String participantId, long roundId, SegmentOutcome outcome, Instant selectedAt,
    Instant answeredAt, Instant deadline, long trainingMillis, String reason, PhaseTimings phases) {}
