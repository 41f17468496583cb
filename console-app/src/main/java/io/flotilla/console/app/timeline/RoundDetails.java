package io.flotilla.console.app.timeline;

import io.flotilla.engine.api.PhaseTimings;
import io.flotilla.engine.api.RoundPhase;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the timeline knows about one round, for the details drawer: when it ran, whom it selected,
 * who contributed, whose updates were refused and why, how long each round phase took, and how long the
 * contributors spent downloading, training and uploading ({@link #participantPhases()}). Immutable.
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
   * @param phases the download / train / upload times it reported, or null
   */
  public record Answer(String participantId, SegmentOutcome outcome, Instant answeredAt, long trainingMillis,
      String reason, PhaseTimings phases) {}

  /**
   * Median and maximum of one participant phase over the contributors that reported it.
   *
   * @param reported how many contributors reported their phases
   */
  public record PhaseStats(long medianMillis, long maxMillis, int reported) {}

  /**
   * The duration breakdown of the participants' work: for download, train and upload (in that order), the
   * median and maximum over the contributors (accepted updates) that reported phase timings; empty when none
   * did. The median of an even count is the lower middle value (a time some contributor really took).
   */
  public Map<String, PhaseStats> participantPhases() {
    List<PhaseTimings> reported = answers.stream()
        .filter(a -> a.phases() != null
            && (a.outcome() == SegmentOutcome.ACCEPTED || a.outcome() == SegmentOutcome.PARTIAL))
        .map(Answer::phases).toList();
    if (reported.isEmpty()) {
      return Map.of();
    }
    Map<String, PhaseStats> out = new java.util.LinkedHashMap<>();
    out.put("download", stats(reported.stream().mapToLong(PhaseTimings::downloadMillis).sorted().toArray()));
    out.put("train", stats(reported.stream().mapToLong(PhaseTimings::trainMillis).sorted().toArray()));
    out.put("upload", stats(reported.stream().mapToLong(PhaseTimings::uploadMillis).sorted().toArray()));
    return java.util.Collections.unmodifiableMap(out);
  }

  private static PhaseStats stats(long[] sorted) {
    return new PhaseStats(sorted[(sorted.length - 1) / 2], sorted[sorted.length - 1], sorted.length);
  }

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
