package io.flotilla.console.app.timeline;

import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.ParticipantFailed;
import io.flotilla.engine.api.FederationEvent.ParticipantJoined;
import io.flotilla.engine.api.FederationEvent.RoundAborted;
import io.flotilla.engine.api.FederationEvent.RoundCommitted;
import io.flotilla.engine.api.FederationEvent.RoundPhaseChanged;
import io.flotilla.engine.api.FederationEvent.RoundStarted;
import io.flotilla.engine.api.FederationEvent.UpdateAccepted;
import io.flotilla.engine.api.FederationEvent.UpdateRejected;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.RoundPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The round timeline's data: one lane per participant (shown as rows sorted by participant id, digits
 * compared as numbers) and, for each of the last
 * {@code capacity} rounds, when it started and ended, its deadline, and each cohort member's segment from
 * selection to its answer with the outcome. Memory is bounded: a ring of rounds, each holding arrays sized
 * by its cohort, so 1,000 rounds of 100 participants take a few megabytes.
 *
 * <p>Times are epoch milliseconds of the coordinator's clock (from the events). A segment runs from
 * selection to the answer; the download / train / upload times a participant reports
 * ({@link FederationEvent.UpdatePhases}, before or after its verdict) are kept with it (three more longs per
 * cohort member), for the sub-blocks, the hover card and the round's duration breakdown.
 *
 * <p>Thread-safety (the chart-fx pattern): one writer thread calls {@link #apply} under the write lock; the
 * FX thread reads visible rounds and segments under the read lock while it draws, and polls
 * {@link #version()} (a volatile counter) to know whether anything changed. Visitors run under the read
 * lock and must not call back into the model's writers.
 */
public final class TimelineModel {
  /** Rounds kept when none is given: more than a thousand rounds of history. */
  public static final int DEFAULT_CAPACITY = 2_000;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final int capacity;
  private final Round[] ring;
  private final Map<Long, Round> byId = new HashMap<>();
  private final List<String> lanes = new ArrayList<>();
  private final Map<String, Integer> laneOf = new HashMap<>();
  /** Display row of each lane (lanes are shown sorted by participant id) and the lane of each row. */
  private int[] rowOfLane = new int[0];
  private int[] laneOfRow = new int[0];
  private boolean lanesAdded;
  private int head;
  private int size;
  private long maxSpanMs;
  private long originMs = -1;
  private long latestMs = -1;
  private volatile long version;

  /** Draws the header band: one call per visible round. */
  @FunctionalInterface
  public interface RoundVisitor {
    /**
     * @param endMs when it ended, or the latest event time while it runs
     * @param deadlineMs its collection deadline
     */
    void round(long roundId, long startMs, long endMs, long deadlineMs, RoundPhase phase);
  }

  /** Draws the lanes: one call per visible segment. */
  @FunctionalInterface
  public interface SegmentVisitor {
    /**
     * @param downloadMs the download time the participant reported, -1 before (or without) a report; likewise
     *     {@code trainMs} and {@code uploadMs}
     */
    void segment(int lane, long startMs, long endMs, SegmentOutcome outcome, long roundId, long downloadMs,
        long trainMs, long uploadMs);
  }

  public TimelineModel() {
    this(DEFAULT_CAPACITY);
  }

  /** @param capacity rounds kept; older rounds are dropped */
  public TimelineModel(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.capacity = capacity;
    this.ring = new Round[capacity];
  }

  // ------------------------------------------------------------------ writing (one writer thread)

  /** Applies a batch of events in order. Writer thread. */
  public void apply(List<FederationEvent> batch) {
    lock.writeLock().lock();
    try {
      for (FederationEvent e : batch) {
        apply(e);
      }
      sortLanes();
      version++;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void apply(FederationEvent e) {
    long t = e.time().toEpochMilli();
    if (originMs < 0) {
      originMs = t;
    }
    latestMs = Math.max(latestMs, t);
    if (e instanceof ParticipantJoined pj) {
      lane(pj.participantId());
    } else if (e instanceof RoundStarted rs) {
      started(rs, t);
    } else if (e instanceof RoundPhaseChanged pc) {
      Round r = byId.get(pc.roundId());
      if (r != null) {
        r.phase = pc.to();
        r.phaseStartMs[pc.to().ordinal()] = t;
        if (pc.to().isTerminal() && r.endMs < 0) {
          end(r, t);
        }
      }
    } else if (e instanceof UpdateAccepted ua) {
      Round r = byId.get(ua.roundId());
      if (r != null) {
        answer(r, ua.participantId(), ua.partial() ? SegmentOutcome.PARTIAL : SegmentOutcome.ACCEPTED, t, "")
            .training(ua.trainingMillis());
      }
    } else if (e instanceof UpdateRejected ur) {
      Round r = byId.get(ur.roundId());
      if (r != null) {
        SegmentOutcome o = ur.reason() == RejectReason.LATE ? SegmentOutcome.LATE : SegmentOutcome.REJECTED;
        String why = ur.detail() == null || ur.detail().isBlank()
            ? ur.reason().name() : ur.reason().name() + ": " + ur.detail();
        answer(r, ur.participantId(), o, t, why);
      }
    } else if (e instanceof FederationEvent.UpdatePhases up) {
      Round r = byId.get(up.roundId());
      int i = r == null ? -1 : r.indexOf(up.participantId());
      if (i >= 0) { // before or after its verdict: kept with the member either way
        r.downloadMs[i] = up.timings().downloadMillis();
        r.workTrainMs[i] = up.timings().trainMillis();
        r.uploadMs[i] = up.timings().uploadMillis();
      }
    } else if (e instanceof ParticipantFailed pf) {
      Round r = byId.get(pf.roundId());
      if (r != null) {
        String reason = pf.reason() == null ? "" : pf.reason();
        SegmentOutcome o = reason.contains("deadline") ? SegmentOutcome.TIMED_OUT : SegmentOutcome.DROPPED;
        answer(r, pf.participantId(), o, t, reason);
      }
    } else if (e instanceof RoundCommitted rc) {
      Round r = byId.get(rc.roundId());
      if (r != null) {
        r.phase = RoundPhase.COMMITTED;
        r.version = rc.version();
        r.contributors = rc.contributors();
        r.durationMs = rc.durationMillis();
        r.metrics = rc.metrics() == null ? Map.of() : rc.metrics();
        if (r.endMs < 0) {
          end(r, t);
        }
      }
    } else if (e instanceof RoundAborted ra) {
      Round r = byId.get(ra.roundId());
      if (r != null) {
        r.phase = RoundPhase.ABORTED;
        r.abortReason = ra.reason();
        if (r.endMs < 0) {
          end(r, t);
        }
        for (int i = 0; i < r.n; i++) {
          if (r.outcomes[i] == SegmentOutcome.PENDING) {
            r.outcomes[i] = SegmentOutcome.CANCELLED;
            r.answeredMs[i] = t;
            r.reasons[i] = "round aborted: " + ra.reason();
          }
        }
      }
    }
  }

  /** Adds lanes for participants known from elsewhere (a snapshot), so that idle ones show too. Writer thread. */
  public void addLanes(List<String> participantIds) {
    lock.writeLock().lock();
    try {
      for (String id : participantIds) {
        lane(id);
      }
      sortLanes();
      version++;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private int lane(String participantId) {
    Integer l = laneOf.get(participantId);
    if (l != null) {
      return l;
    }
    int n = lanes.size();
    lanes.add(participantId);
    laneOf.put(participantId, n);
    lanesAdded = true;
    return n;
  }

  private void sortLanes() {
    if (!lanesAdded) {
      return;
    }
    lanesAdded = false;
    Integer[] order = new Integer[lanes.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> natural(lanes.get(a), lanes.get(b)));
    laneOfRow = new int[order.length];
    rowOfLane = new int[order.length];
    for (int row = 0; row < order.length; row++) {
      laneOfRow[row] = order[row];
      rowOfLane[order[row]] = row;
    }
  }

  /** Compares ids with runs of digits compared as numbers: p2 before p10. */
  static int natural(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
        int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
        if (c != 0) {
          return c;
        }
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    int c = Integer.compare(a.length() - i, b.length() - j);
    return c != 0 ? c : a.compareTo(b);
  }

  private void started(RoundStarted rs, long t) {
    if (byId.containsKey(rs.roundId())) {
      return;
    }
    Round r = new Round(rs.roundId(), rs.baseVersion(), t,
        rs.deadline() == null ? -1 : rs.deadline().toEpochMilli(), rs.selected().size());
    for (String pid : rs.selected()) {
      r.add(lane(pid), pid);
    }
    if (size == capacity) {
      Round oldest = ring[head];
      byId.remove(oldest.id);
      ring[head] = null;
      head = (head + 1) % capacity;
      size--;
    }
    ring[(head + size) % capacity] = r;
    size++;
    byId.put(r.id, r);
  }

  private void end(Round r, long t) {
    r.endMs = t;
    span(r, t);
  }

  private void span(Round r, long t) {
    r.lastMs = Math.max(r.lastMs, t);
    maxSpanMs = Math.max(maxSpanMs, r.lastMs - r.startMs);
  }

  private Member answer(Round r, String pid, SegmentOutcome o, long t, String reason) {
    int i = r.indexOf(pid);
    if (i < 0) {
      r.outsiders.add(new Member(pid, o, t, reason));
      span(r, t);
      return r.outsiders.get(r.outsiders.size() - 1);
    }
    r.outcomes[i] = o;
    r.answeredMs[i] = t;
    r.reasons[i] = reason;
    span(r, t);
    return new Member(pid, o, t, reason) {
      @Override
      void training(long ms) {
        r.trainingMs[i] = ms;
      }
    };
  }

  // ------------------------------------------------------------------ reading (any thread, typically FX)

  /** Changes whenever a batch has been applied. */
  public long version() {
    return version;
  }

  /** Rounds kept at most. */
  public int capacity() {
    return capacity;
  }

  /** Rows (lanes) to draw. */
  public int laneCount() {
    lock.readLock().lock();
    try {
      return laneOfRow.length;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The participant shown in row {@code row}, or null. */
  public String laneId(int row) {
    lock.readLock().lock();
    try {
      return row >= 0 && row < laneOfRow.length ? lanes.get(laneOfRow[row]) : null;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The row of a participant, or -1. */
  public int laneOf(String participantId) {
    lock.readLock().lock();
    try {
      Integer l = laneOf.get(participantId);
      return l == null || l >= rowOfLane.length ? -1 : rowOfLane[l];
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Time of the first event, or -1 before any. */
  public long originMs() {
    lock.readLock().lock();
    try {
      return originMs;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Time of the newest event, or -1 before any. */
  public long latestMs() {
    lock.readLock().lock();
    try {
      return latestMs;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Start of the oldest round kept, or -1. */
  public long firstStartMs() {
    lock.readLock().lock();
    try {
      return size == 0 ? -1 : ring[head].startMs;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Rounds kept. */
  public int roundCount() {
    lock.readLock().lock();
    try {
      return size;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Id of the newest round kept, or 0. */
  public long lastRoundId() {
    lock.readLock().lock();
    try {
      return size == 0 ? 0 : at(size - 1).id;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Start time of a kept round, or -1. */
  public long startOf(long roundId) {
    lock.readLock().lock();
    try {
      Round r = byId.get(roundId);
      return r == null ? -1 : r.startMs;
    } finally {
      lock.readLock().unlock();
    }
  }

  private Round at(int logical) {
    return ring[(head + logical) % capacity];
  }

  /** Index of the last kept round that starts at or before {@code ms}, or -1. */
  private int lastStartingBy(long ms) {
    int lo = 0;
    int hi = size - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (at(mid).startMs <= ms) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private long endForDrawing(Round r) {
    return r.endMs < 0 ? Math.max(latestMs, r.startMs) : Math.max(r.endMs, r.lastMs);
  }

  /** Visits the rounds that overlap [{@code fromMs}, {@code toMs}], newest first. */
  public void visitRounds(long fromMs, long toMs, RoundVisitor v) {
    lock.readLock().lock();
    try {
      for (int i = lastStartingBy(toMs); i >= 0; i--) {
        Round r = at(i);
        if (r.startMs < fromMs - maxSpanMs && r.endMs >= 0) {
          break; // no older round can reach into the window
        }
        long end = r.endMs < 0 ? Math.max(latestMs, r.startMs) : r.endMs;
        if (end >= fromMs) {
          v.round(r.id, r.startMs, end, r.deadlineMs, r.phase);
        }
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Visits the segments of rows {@code firstLane..lastLane} that overlap [{@code fromMs}, {@code toMs}],
   * newest round first; the visitor gets the row.
   */
  public void visitSegments(long fromMs, long toMs, int firstLane, int lastLane, SegmentVisitor v) {
    lock.readLock().lock();
    try {
      for (int i = lastStartingBy(toMs); i >= 0; i--) {
        Round r = at(i);
        if (r.startMs < fromMs - maxSpanMs && r.endMs >= 0) {
          break;
        }
        if (endForDrawing(r) < fromMs) {
          continue;
        }
        long runningEnd = r.endMs < 0 ? Math.max(latestMs, r.startMs) : r.endMs;
        for (int k = 0; k < r.n; k++) {
          int row = rowOfLane[r.lanes[k]];
          if (row < firstLane || row > lastLane) {
            continue;
          }
          long end = r.answeredMs[k] >= 0 ? r.answeredMs[k] : runningEnd;
          if (end >= fromMs) {
            v.segment(row, r.startMs, end, r.outcomes[k], r.id, r.downloadMs[k], r.workTrainMs[k], r.uploadMs[k]);
          }
        }
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The segment under time {@code ms} in row {@code row} (within {@code slackMs}), or null. */
  public SegmentInfo segmentAt(long ms, int row, long slackMs) {
    lock.readLock().lock();
    try {
      if (row < 0 || row >= laneOfRow.length) {
        return null;
      }
      int lane = laneOfRow[row];
      for (int i = lastStartingBy(ms + slackMs); i >= 0; i--) {
        Round r = at(i);
        if (r.startMs < ms - slackMs - maxSpanMs && r.endMs >= 0) {
          break;
        }
        long runningEnd = r.endMs < 0 ? Math.max(latestMs, r.startMs) : r.endMs;
        for (int k = 0; k < r.n; k++) {
          if (r.lanes[k] != lane) {
            continue;
          }
          long end = r.answeredMs[k] >= 0 ? r.answeredMs[k] : runningEnd;
          if (ms >= r.startMs - slackMs && ms <= end + slackMs) {
            return new SegmentInfo(r.pids[k], r.id, r.outcomes[k], Instant.ofEpochMilli(r.startMs),
                r.answeredMs[k] >= 0 ? Instant.ofEpochMilli(r.answeredMs[k]) : null,
                r.deadlineMs >= 0 ? Instant.ofEpochMilli(r.deadlineMs) : null, r.trainingMs[k], r.reasons[k],
                r.phases(k));
          }
        }
      }
      return null;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The round running at {@code ms} (the newest if several overlap), or -1. */
  public long roundAt(long ms, long slackMs) {
    lock.readLock().lock();
    try {
      for (int i = lastStartingBy(ms + slackMs); i >= 0; i--) {
        Round r = at(i);
        long end = r.endMs < 0 ? Math.max(latestMs, r.startMs) : r.endMs;
        if (ms >= r.startMs - slackMs && ms <= end + slackMs) {
          return r.id;
        }
        if (r.startMs < ms - slackMs - maxSpanMs && r.endMs >= 0) {
          break;
        }
      }
      return -1;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Everything about a kept round, or null when it is unknown or was dropped from the ring. */
  public RoundDetails details(long roundId) {
    lock.readLock().lock();
    try {
      Round r = byId.get(roundId);
      if (r == null) {
        return null;
      }
      Map<RoundPhase, Long> phases = new EnumMap<>(RoundPhase.class);
      RoundPhase[] all = RoundPhase.values();
      for (int p = 0; p < all.length; p++) {
        if (all[p].isTerminal() || r.phaseStartMs[p] < 0) {
          continue;
        }
        long next = -1;
        for (int q = p + 1; q < all.length && next < 0; q++) {
          next = r.phaseStartMs[q];
        }
        if (next < 0 && r.endMs >= 0) {
          next = r.endMs;
        }
        if (next >= 0) {
          phases.put(all[p], Math.max(0, next - r.phaseStartMs[p]));
        }
      }
      List<RoundDetails.Answer> answers = new ArrayList<>();
      for (int k = 0; k < r.n; k++) {
        answers.add(new RoundDetails.Answer(r.pids[k], r.outcomes[k],
            r.answeredMs[k] >= 0 ? Instant.ofEpochMilli(r.answeredMs[k]) : null, r.trainingMs[k], r.reasons[k],
            r.phases(k)));
      }
      for (Member m : r.outsiders) {
        answers.add(new RoundDetails.Answer(m.pid, m.outcome, Instant.ofEpochMilli(m.atMs), -1, m.reason, null));
      }
      answers.sort((a, b) -> natural(a.participantId(), b.participantId())); // as the lanes are
      long duration = r.durationMs >= 0 ? r.durationMs : r.endMs >= 0 ? r.endMs - r.startMs : -1;
      return new RoundDetails(r.id, r.baseVersion, r.version, r.phase, Instant.ofEpochMilli(r.startMs),
          r.endMs >= 0 ? Instant.ofEpochMilli(r.endMs) : null,
          r.deadlineMs >= 0 ? Instant.ofEpochMilli(r.deadlineMs) : null, duration, r.n, r.contributors, phases,
          answers, r.metrics, r.abortReason);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The newest {@code max} kept rounds that selected {@code participantId}, newest first. */
  public List<ParticipantRound> history(String participantId, int max) {
    lock.readLock().lock();
    try {
      List<ParticipantRound> out = new ArrayList<>();
      for (int i = size - 1; i >= 0 && out.size() < max; i--) {
        Round r = at(i);
        int k = r.indexOf(participantId);
        if (k >= 0) {
          long millis = r.answeredMs[k] >= 0 ? r.answeredMs[k] - r.startMs : -1;
          out.add(new ParticipantRound(r.id, r.outcomes[k], Instant.ofEpochMilli(r.startMs), millis, r.reasons[k]));
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  // ------------------------------------------------------------------ storage

  /** An answer from outside the cohort, or a view of a cohort member's slot. */
  private static class Member {
    final String pid;
    final SegmentOutcome outcome;
    final long atMs;
    final String reason;
    long trainingMs = -1;

    Member(String pid, SegmentOutcome outcome, long atMs, String reason) {
      this.pid = pid;
      this.outcome = outcome;
      this.atMs = atMs;
      this.reason = reason;
    }

    void training(long ms) {
      trainingMs = ms;
    }
  }

  /** One round's trace: cohort arrays indexed by the member's position in the cohort. */
  private static final class Round {
    final long id;
    final long baseVersion;
    final long startMs;
    final long deadlineMs;
    final int[] lanes;
    final String[] pids;
    final long[] answeredMs;
    final long[] trainingMs;
    // the phases the member reported (UpdatePhases), -1 until then
    final long[] downloadMs;
    final long[] workTrainMs;
    final long[] uploadMs;
    final SegmentOutcome[] outcomes;
    final String[] reasons;
    final long[] phaseStartMs = new long[RoundPhase.values().length];
    final List<Member> outsiders = new ArrayList<>(0);
    final Map<String, Integer> index;
    int n;
    long endMs = -1;
    long lastMs;
    RoundPhase phase = RoundPhase.SELECTING;
    long version = -1;
    int contributors;
    long durationMs = -1;
    Map<String, Double> metrics = Map.of();
    String abortReason;

    Round(long id, long baseVersion, long startMs, long deadlineMs, int cohort) {
      this.id = id;
      this.baseVersion = baseVersion;
      this.startMs = startMs;
      this.lastMs = startMs;
      this.deadlineMs = deadlineMs;
      this.lanes = new int[cohort];
      this.pids = new String[cohort];
      this.answeredMs = new long[cohort];
      this.trainingMs = new long[cohort];
      this.downloadMs = new long[cohort];
      this.workTrainMs = new long[cohort];
      this.uploadMs = new long[cohort];
      this.outcomes = new SegmentOutcome[cohort];
      this.reasons = new String[cohort];
      this.index = new HashMap<>(cohort * 2);
      Arrays.fill(phaseStartMs, -1);
      phaseStartMs[RoundPhase.SELECTING.ordinal()] = startMs;
    }

    void add(int lane, String pid) {
      lanes[n] = lane;
      pids[n] = pid;
      answeredMs[n] = -1;
      trainingMs[n] = -1;
      downloadMs[n] = -1;
      workTrainMs[n] = -1;
      uploadMs[n] = -1;
      outcomes[n] = SegmentOutcome.PENDING;
      reasons[n] = "";
      index.put(pid, n);
      n++;
    }

    io.flotilla.engine.api.PhaseTimings phases(int k) {
      return downloadMs[k] < 0 ? null
          : new io.flotilla.engine.api.PhaseTimings(downloadMs[k], workTrainMs[k], uploadMs[k]);
    }

    int indexOf(String pid) {
      Integer i = index.get(pid);
      return i == null ? -1 : i;
    }
  }
}
