package io.flotilla.console.app.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.console.app.TestEvents;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.RoundPhase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineModelTest {
  private final TestEvents ev = new TestEvents();
  private final TimelineModel model = new TimelineModel(100);

  private record Seg(int row, long start, long end, SegmentOutcome outcome, long round) {}

  private List<Seg> segments(long from, long to) {
    List<Seg> out = new ArrayList<>();
    model.visitSegments(from, to, 0, Integer.MAX_VALUE, (row, s, e, o, r, dl, tr, up) -> out.add(new Seg(row, s, e, o, r)));
    return out;
  }

  private long ms(long offset) {
    return TestEvents.T0.toEpochMilli() + offset;
  }

  @Test
  void eachCohortMemberGetsASegmentFromSelectionToItsAnswerWithItsOutcome() {
    model.apply(ev.open(1, 0, 60_000, "p1", "p2", "p3", "p4", "p5"));
    model.apply(List.of(
        ev.accepted(1, "p1", 400, 0.5),
        ev.partial(1, "p2", 500),
        ev.rejected(1, "p3", RejectReason.SUSPICIOUS_NORM, "norm 9 is 5x the median", 600),
        ev.failed(1, "p4", "dropped out (device phone)", 700)));

    List<Seg> segs = segments(ms(0), ms(1_000));
    assertThat(segs).hasSize(5);
    assertThat(segs).filteredOn(s -> s.outcome() == SegmentOutcome.PENDING).singleElement()
        .satisfies(s -> assertThat(s.end()).isEqualTo(ms(700))); // runs to the newest event
    assertThat(segs).extracting(Seg::outcome).containsExactlyInAnyOrder(SegmentOutcome.ACCEPTED,
        SegmentOutcome.PARTIAL, SegmentOutcome.REJECTED, SegmentOutcome.DROPPED, SegmentOutcome.PENDING);
    Seg rejected = segs.stream().filter(s -> s.outcome() == SegmentOutcome.REJECTED).findFirst().orElseThrow();
    assertThat(rejected.start()).isEqualTo(ms(0));
    assertThat(rejected.end()).isEqualTo(ms(600));

    model.apply(List.of(ev.failed(1, "p5", "deadline passed", 60_000)));
    model.apply(ev.close(1, 60_010, 2, 5, 0.7));
    RoundDetails d = model.details(1);
    assertThat(d.phase()).isEqualTo(RoundPhase.COMMITTED);
    assertThat(d.contributorIds()).containsExactly("p1", "p2");
    assertThat(d.answers(SegmentOutcome.REJECTED)).singleElement()
        .satisfies(a -> assertThat(a.reason()).isEqualTo("SUSPICIOUS_NORM: norm 9 is 5x the median"));
    assertThat(d.answers(SegmentOutcome.TIMED_OUT)).extracting(RoundDetails.Answer::participantId)
        .containsExactly("p5");
    assertThat(d.deadline()).isEqualTo(ev.at(60_000));
    assertThat(d.version()).isEqualTo(1);
  }

  @Test
  void reportedPhasesStayWithTheSegmentWhicheverArrivesFirstAndRoundDetailsBreakThemDown() {
    List<long[]> seen = new ArrayList<>();
    model.apply(ev.open(1, 0, 60_000, "p1", "p2", "p3", "p4"));
    model.apply(List.of(
        ev.phases(1, "p1", 100, 600, 300, 900), // before its verdict
        ev.accepted(1, "p1", 1_000, 0.5),
        ev.accepted(1, "p2", 1_100, 0.5),
        ev.phases(1, "p2", 200, 800, 100, 1_150), // after it
        ev.accepted(1, "p3", 1_200, 0.5),
        ev.phases(1, "p3", 50, 400, 900, 1_250),
        ev.rejected(1, "p4", RejectReason.SUSPICIOUS_NORM, "too big", 1_300),
        ev.phases(1, "p4", 9_000, 9_000, 9_000, 1_350), // not a contributor: not in the breakdown
        ev.phases(1, "stranger", 1, 1, 1, 1_400))); // outside the cohort: ignored
    model.apply(ev.close(1, 1_500, 3, 4, 0.7));
    model.visitSegments(ms(0), ms(2_000), model.laneOf("p1"), model.laneOf("p1"),
        (row, s, e, o, r, dl, tr, up) -> seen.add(new long[] {dl, tr, up}));
    assertThat(seen).singleElement().isEqualTo(new long[] {100, 600, 300});
    SegmentInfo p2 = model.segmentAt(ms(500), model.laneOf("p2"), 0);
    assertThat(p2.phases()).isEqualTo(new io.flotilla.engine.api.PhaseTimings(200, 800, 100));

    java.util.Map<String, RoundDetails.PhaseStats> work = model.details(1).participantPhases();
    assertThat(work.keySet()).containsExactly("download", "train", "upload");
    assertThat(work.get("download")).isEqualTo(new RoundDetails.PhaseStats(100, 200, 3));
    assertThat(work.get("train")).isEqualTo(new RoundDetails.PhaseStats(600, 800, 3));
    assertThat(work.get("upload")).isEqualTo(new RoundDetails.PhaseStats(300, 900, 3));
  }

  @Test
  void phaseDurationsComeInPhaseOrderAndEndAtTheCommit() {
    model.apply(ev.open(1, 0, 60_000, "p1"));
    model.apply(List.of(ev.accepted(1, "p1", 300, 0.4)));
    model.apply(ev.close(1, 300, 1, 1, 0.7));
    RoundDetails d = model.details(1);
    assertThat(d.phaseMillis().keySet()).containsExactly(RoundPhase.SELECTING, RoundPhase.BROADCAST,
        RoundPhase.COLLECTING, RoundPhase.AGGREGATING, RoundPhase.EVALUATING);
    assertThat(d.phaseMillis().get(RoundPhase.COLLECTING)).isEqualTo(298);
    assertThat(d.phaseMillis().get(RoundPhase.AGGREGATING)).isEqualTo(10);
    assertThat(d.phaseMillis().get(RoundPhase.EVALUATING)).isEqualTo(20);
  }

  @Test
  void anAbortedRoundCancelsWhoIsStillWorkingAndLateUpdatesStayVisibleAfterTheEnd() {
    model.apply(ev.open(1, 0, 1_000, "p1", "p2"));
    model.apply(List.of(ev.failed(1, "p1", "deadline passed", 1_000),
        ev.phase(1, RoundPhase.COLLECTING, RoundPhase.ABORTED, 1_000),
        ev.aborted(1, "quorum not met", 1_000),
        ev.rejected(1, "p1", RejectReason.LATE, "round 1 is closed", 1_500)));
    RoundDetails d = model.details(1);
    assertThat(d.abortReason()).isEqualTo("quorum not met");
    assertThat(d.answers(SegmentOutcome.CANCELLED)).extracting(RoundDetails.Answer::participantId)
        .containsExactly("p2");
    assertThat(d.answers(SegmentOutcome.LATE)).extracting(RoundDetails.Answer::participantId)
        .containsExactly("p1");
    // the late answer reaches past the round's end, and a window after the end still finds it
    assertThat(segments(ms(1_200), ms(2_000))).extracting(Seg::outcome).containsExactly(SegmentOutcome.LATE);
    assertThat(model.segmentAt(ms(1_400), model.laneOf("p1"), 0).outcome()).isEqualTo(SegmentOutcome.LATE);
  }

  @Test
  void lanesAreSortedByIdWithNumbersComparedAsNumbers() {
    model.apply(ev.open(1, 0, 60_000, "p10", "p2", "p1"));
    model.addLanes(List.of("p3", "p20", "p2"));
    assertThat(model.laneCount()).isEqualTo(5);
    List<String> rows = new ArrayList<>();
    for (int r = 0; r < model.laneCount(); r++) {
      rows.add(model.laneId(r));
    }
    assertThat(rows).containsExactly("p1", "p2", "p3", "p10", "p20");
    assertThat(model.laneOf("p10")).isEqualTo(3);
    assertThat(segments(ms(0), ms(10))).extracting(Seg::row).containsExactlyInAnyOrder(0, 1, 3);
    assertThat(TimelineModel.natural("p007", "p7")).isNotZero(); // equal numbers, different text: stable
    assertThat(TimelineModel.natural("a9b", "a10a")).isNegative();
  }

  @Test
  void onlyRowsAndRoundsInTheWindowAreVisited() {
    for (long r = 1; r <= 10; r++) {
      long t = (r - 1) * 1_000;
      model.apply(ev.open(r, t, t + 60_000, "p" + r, "p" + (r + 1)));
      model.apply(List.of(ev.accepted(r, "p" + r, t + 500, 0.5), ev.accepted(r, "p" + (r + 1), t + 600, 0.5)));
      model.apply(ev.close(r, t + 600, 2, 2, 0.5));
    }
    List<Seg> segs = new ArrayList<>();
    model.visitSegments(ms(3_000), ms(4_700), model.laneOf("p4"), model.laneOf("p5"),
        (row, s, e, o, r, dl, tr, up) -> segs.add(new Seg(row, s, e, o, r)));
    assertThat(segs).extracting(Seg::round).containsExactlyInAnyOrder(4L, 4L, 5L);
    List<Long> rounds = new ArrayList<>();
    model.visitRounds(ms(3_000), ms(4_700), (id, s, e, d, p) -> rounds.add(id));
    assertThat(rounds).containsExactly(5L, 4L);
    assertThat(model.roundAt(ms(4_300), 0)).isEqualTo(5);
  }

  @Test
  void theRingKeepsTheNewestRoundsOnly() {
    TimelineModel small = new TimelineModel(3);
    for (long r = 1; r <= 5; r++) {
      small.apply(ev.open(r, r * 1_000, r * 1_000 + 500, "p1"));
      small.apply(ev.close(r, r * 1_000 + 100, 1, 1, 0.5));
    }
    assertThat(small.roundCount()).isEqualTo(3);
    assertThat(small.details(2)).isNull();
    assertThat(small.details(3)).isNotNull();
    assertThat(small.firstStartMs()).isEqualTo(ms(3_000));
    assertThat(small.history("p1", 10)).extracting(ParticipantRound::roundId).containsExactly(5L, 4L, 3L);
  }

  @Test
  void aThousandRoundsOfAThousandParticipantsStayCheapToDraw() {
    TimelineModel big = new TimelineModel(1_000);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      ids.add(String.format("p%03d", i));
    }
    big.addLanes(ids);
    for (long r = 1; r <= 1_200; r++) {
      long t = r * 1_000;
      String[] cohort = new String[100];
      for (int k = 0; k < 100; k++) {
        cohort[k] = ids.get((int) ((r * 37 + k * 10) % 1_000));
      }
      List<FederationEvent> batch = new ArrayList<>(ev.open(r, t, t + 800, cohort));
      for (int k = 0; k < 100; k++) {
        batch.add(ev.accepted(r, cohort[k], t + 100 + k, 0.5));
      }
      batch.addAll(ev.close(r, t + 300, 100, 100, 0.5));
      big.apply(batch);
    }
    assertThat(big.roundCount()).isEqualTo(1_000);
    long t0 = System.nanoTime();
    int[] n = new int[1];
    // a 50-lane window over the whole history, the worst case for a zoomed-out view
    big.visitSegments(big.firstStartMs(), big.latestMs(), 0, 49, (row, s, e, o, r, dl, tr, up) -> n[0]++);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(n[0]).isEqualTo(5_000);
    assertThat(millis).isLessThan(200);
  }
}
