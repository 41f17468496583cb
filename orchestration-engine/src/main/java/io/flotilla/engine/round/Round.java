package io.flotilla.engine.round;

import io.flotilla.engine.api.RoundPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One round's state machine and bookkeeping: its phase (legal moves listed in {@link RoundPhase}), the
 * selected cohort in fold order, each member's outcome, the deadline and the quorum. Illegal transitions
 * throw. Confined to the coordinator thread.
 */
public final class Round {
  /**
   * What became of one selected participant. {@code RECEIVED}: its update arrived and passed the basic
   * checks, and waits to be screened in cohort order; it then becomes ACCEPTED or REJECTED.
   */
  public enum Outcome { PENDING, RECEIVED, ACCEPTED, REJECTED, FAILED, TIMED_OUT }

  private final long id;
  private final long baseVersion;
  private final int quorum;
  private final Instant startedAt;
  private final Instant deadline;
  private final List<String> cohort;
  private final Map<String, Outcome> outcomes = new LinkedHashMap<>();
  private final Map<String, Long> nonces = new LinkedHashMap<>();
  private RoundPhase phase = RoundPhase.PLANNED;
  private String abortReason;

  public Round(long id, long baseVersion, int quorum, Instant startedAt, Instant deadline) {
    if (quorum <= 0) {
      throw new IllegalArgumentException("quorum must be positive, was " + quorum);
    }
    this.id = id;
    this.baseVersion = baseVersion;
    this.quorum = quorum;
    this.startedAt = Objects.requireNonNull(startedAt);
    this.deadline = Objects.requireNonNull(deadline);
    this.cohort = new ArrayList<>();
  }

  public long id() { return id; }
  public long baseVersion() { return baseVersion; }
  public int quorum() { return quorum; }
  public Instant startedAt() { return startedAt; }
  public Instant deadline() { return deadline; }
  public RoundPhase phase() { return phase; }
  public String abortReason() { return abortReason; }

  /** Moves to {@code target}, returning the previous phase; throws on an illegal transition. */
  public RoundPhase moveTo(RoundPhase target) {
    if (!phase.canMoveTo(target)) {
      throw new IllegalStateException("round " + id + ": illegal transition " + phase + " -> " + target);
    }
    RoundPhase from = phase;
    phase = target;
    return from;
  }

  /** Aborts with a reason (legal from any non-terminal phase). */
  public RoundPhase abort(String reason) {
    RoundPhase from = moveTo(RoundPhase.ABORTED);
    abortReason = reason;
    return from;
  }

  /** Fixes the cohort (in fold order) and the nonce each member must echo. Only while SELECTING. */
  public void setCohort(List<String> ids, Map<String, Long> nonceById) {
    if (phase != RoundPhase.SELECTING) {
      throw new IllegalStateException("round " + id + ": cohort can only be set while SELECTING, not " + phase);
    }
    cohort.clear();
    cohort.addAll(ids);
    outcomes.clear();
    for (String pid : ids) {
      outcomes.put(pid, Outcome.PENDING);
      Long n = nonceById.get(pid);
      if (n == null) {
        throw new IllegalArgumentException("no nonce for " + pid);
      }
      nonces.put(pid, n);
    }
  }

  public List<String> cohort() {
    return Collections.unmodifiableList(cohort);
  }

  public int indexOf(String participantId) {
    return cohort.indexOf(participantId);
  }

  public boolean isSelected(String participantId) {
    return outcomes.containsKey(participantId);
  }

  public long nonceOf(String participantId) {
    Long n = nonces.get(participantId);
    if (n == null) {
      throw new IllegalArgumentException(participantId + " is not in round " + id);
    }
    return n;
  }

  public Outcome outcome(String participantId) {
    return outcomes.get(participantId);
  }

  /**
   * Records a member's outcome: a PENDING member can be resolved once (or marked RECEIVED), a RECEIVED one
   * only to ACCEPTED or REJECTED.
   */
  public void resolve(String participantId, Outcome outcome) {
    Outcome cur = outcomes.get(participantId);
    if (cur == null) {
      throw new IllegalArgumentException(participantId + " is not in round " + id);
    }
    if (cur == Outcome.RECEIVED && (outcome == Outcome.ACCEPTED || outcome == Outcome.REJECTED)) {
      outcomes.put(participantId, outcome);
      return;
    }
    if (cur != Outcome.PENDING) {
      throw new IllegalStateException(participantId + " already resolved as " + cur + " in round " + id);
    }
    if (outcome == Outcome.PENDING) {
      throw new IllegalArgumentException("cannot resolve to PENDING");
    }
    outcomes.put(participantId, outcome);
  }

  public int count(Outcome o) {
    int n = 0;
    for (Outcome x : outcomes.values()) {
      if (x == o) {
        n++;
      }
    }
    return n;
  }

  public boolean allResolved() {
    return count(Outcome.PENDING) == 0 && count(Outcome.RECEIVED) == 0;
  }

  public boolean quorumMet() {
    return count(Outcome.ACCEPTED) >= quorum;
  }

  /** Marks every still-pending member as timed out; returns their ids in cohort order. */
  public List<String> expirePending() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
      if (e.getValue() == Outcome.PENDING) {
        e.setValue(Outcome.TIMED_OUT);
        out.add(e.getKey());
      }
    }
    return out;
  }
}
