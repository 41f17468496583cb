package io.flotilla.console.app.timeline;

import io.flotilla.engine.api.RoundPhase;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the timeline knows about one round, for the details drawer: when it ran, whom it selected,
 * who contributed, whose updates were refused and why, and how long each phase took. Immutable.
 *
 * @param version the model version it committed, or -1
 * @param endedAt null while it runs
 * @param durationMillis the engine's duration for a committed round, else wall time from start to end, or -1
 * @param phaseMillis time spent in each phase that has ended, iterated in phase order
 * @param answers every cohort member's outcome (and refused updates from participants outside the cohort)
 * @param abortReason null unless aborted
 */
public record RoundDetails(
    long roundId,
    long baseVersion,
    long version,
    RoundPhase phase,
    Instant startedAt,
    Instant endedAt,
    Instant deadline,
    long durationMillis,
    int selected,
    int contributors,
    Map<RoundPhase, Long> phaseMillis,
    List<Answer> answers,
    Map<String, Double> metrics,
    String abortReason) {

  public RoundDetails {
    phaseMillis = java.util.Collections.unmodifiableMap(phaseMillis.isEmpty()
        ? new java.util.EnumMap<>(RoundPhase.class) : new java.util.EnumMap<>(phaseMillis));
    answers = List.copyOf(answers);
    metrics = Map.copyOf(metrics);
  }

  /**
   * One participant's part in the round.
   *
   * @param answeredAt when it answered or was given up on; null while pending
   * @param trainingMillis local training time it reported (accepted updates), else -1
   * @param reason why it was refused or failed; empty otherwise
   */
  public record Answer(String participantId, SegmentOutcome outcome, Instant answeredAt, long trainingMillis,
      String reason) {}

  /** Participants whose updates went into the new model. */
  public List<String> contributorIds() {
    return answers.stream()
        .filter(a -> a.outcome() == SegmentOutcome.ACCEPTED || a.outcome() == SegmentOutcome.PARTIAL)
        .map(Answer::participantId).toList();
  }

  /** Answers with the given outcomes. */
  public List<Answer> answers(SegmentOutcome... outcomes) {
    List<SegmentOutcome> want = List.of(outcomes);
    return answers.stream().filter(a -> want.contains(a.outcome())).toList();
  }
}
