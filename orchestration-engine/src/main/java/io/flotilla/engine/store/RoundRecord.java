package io.flotilla.engine.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What is persisted about a finished round, committed or aborted: its cohort in fold order with each
 * member's outcome, the metadata of the updates it received, and the counters of the participants it
 * touched. Immutable.
 */
public record RoundRecord(
    String federation,
    long roundId,
    long baseVersion,
    Instant startedAt,
    Instant endedAt,
    List<Member> cohort,
    int contributors,
    List<UpdateRecord> updates,
    List<ParticipantRow> participants) {

  /** One cohort member and what became of it. */
  public record Member(String participantId, int foldIndex, String outcome) {}

  public RoundRecord {
    Objects.requireNonNull(federation, "federation");
    cohort = List.copyOf(cohort);
    updates = List.copyOf(updates);
    participants = List.copyOf(participants);
  }
}
