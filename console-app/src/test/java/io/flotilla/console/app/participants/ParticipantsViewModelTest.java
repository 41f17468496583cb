package io.flotilla.console.app.participants;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.console.app.FakeFederation;
import io.flotilla.console.app.RecordingOperatorFederation;
import io.flotilla.console.app.TestEvents;
import io.flotilla.engine.api.FederationSnapshot;
import io.flotilla.engine.api.FederationSnapshot.ParticipantSnapshot;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.RejectReason;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ParticipantsViewModelTest {
  private final TestEvents ev = new TestEvents();
  private final AtomicLong queued = new AtomicLong();
  private final FakeFederation fed = new FakeFederation();
  private final ParticipantsViewModel vm = new ParticipantsViewModel(Runnable::run,
      Clock.fixed(Instant.parse("2025-01-01T10:00:10Z"), ZoneOffset.UTC), queued::get);

  private static FederationSnapshot snapshot(ParticipantSnapshot... ps) {
    return new FederationSnapshot("f", FederationState.RUNNING, 1, null, 1, "sha", 1, List.of(ps));
  }

  @Test
  void rowsChangeInPlaceAsEventsArrive() {
    vm.apply(List.of(ev.joined("p1", "phone", 600, 0), ev.joined("p2", "laptop", 900, 0)));
    ParticipantRow p1 = vm.find("p1");
    assertThat(vm.rows()).hasSize(2);
    vm.apply(ev.open(1, 0, 60_000, "p1", "p2"));
    vm.apply(List.of(ev.accepted(1, "p1", 300, 0.4),
        ev.rejected(1, "p2", RejectReason.SUSPICIOUS_NORM, "too big", 400)));
    assertThat(vm.find("p1")).isSameAs(p1);
    assertThat(p1.selectedProperty().get()).isEqualTo(1);
    assertThat(p1.acceptedProperty().get()).isEqualTo(1);
    assertThat(p1.successRateProperty().get()).isEqualTo(1.0);
    assertThat(p1.healthProperty().get()).isEqualTo(ParticipantRow.Health.GOOD);
    ParticipantRow p2 = vm.find("p2");
    assertThat(p2.refusedProperty().get()).isEqualTo(1);
    assertThat(p2.healthProperty().get()).isEqualTo(ParticipantRow.Health.WARN);
    assertThat(p2.lastNoteProperty().get()).contains("SUSPICIOUS_NORM");

    vm.apply(List.of(ev.suspended("p2", 3, 0.12, 500)));
    assertThat(p2.state()).isEqualTo("SUSPENDED");
    assertThat(p2.healthProperty().get()).isEqualTo(ParticipantRow.Health.BAD);
    assertThat(vm.countsProperty().get()).isEqualTo("2 participants · 1 active · 1 suspended · 1 need attention");
    assertThat(vm.headlineProperty().get()).isEqualTo("1 of 2");

    vm.tick();
    assertThat(p1.lastAnswerTextProperty().get()).isEqualTo("10 s ago");
  }

  @Test
  void rowsNobodyLooksAtHoldTheirNotificationsButNotTheirValues() {
    vm.apply(List.of(ev.joined("p1", "phone", 600, 0), ev.joined("p2", "laptop", 900, 0)));
    ParticipantRow p2 = vm.find("p2");
    List<Object> heard = new java.util.ArrayList<>();
    p2.healthProperty().addListener((o, was, is) -> heard.add(is));
    p2.stateProperty().addListener((o, was, is) -> heard.add(is));

    vm.liveRows(false); // the Participants page hidden, no participant in the drawer
    vm.apply(ev.open(1, 0, 60_000, "p1", "p2"));
    vm.apply(List.of(ev.rejected(1, "p2", RejectReason.SUSPICIOUS_NORM, "too big", 400)));
    vm.apply(List.of(ev.suspended("p2", 3, 0.12, 500)));
    // values, counts and the filter are current
    assertThat(p2.state()).isEqualTo("SUSPENDED");
    assertThat(p2.healthProperty().get()).isEqualTo(ParticipantRow.Health.BAD);
    assertThat(vm.headlineProperty().get()).isEqualTo("1 of 2");
    vm.filterProperty().set("bad");
    assertThat(vm.rows()).containsExactly(p2);
    vm.filterProperty().set("");
    // listeners (the table's cells) have heard nothing yet
    assertThat(heard).isEmpty();
    assertThat(vm.heldRowChanges()).isPositive();

    vm.liveRows(true); // shown: one notification per changed value, with the newest
    assertThat(heard).containsExactlyInAnyOrder(ParticipantRow.Health.BAD, "SUSPENDED");
    assertThat(vm.heldRowChanges()).isZero();
  }

  @Test
  void heartbeatsShowTheirAgeAndTelemetryAndAStaleOneTurnsTheRowBad() {
    // the clock reads T0 + 10 s; heartbeats every second from p1, p2 beat twice long ago, p3 on a low battery
    vm.heartbeatInterval(java.time.Duration.ofSeconds(1));
    vm.apply(List.of(ev.state(FederationState.CREATED, FederationState.RUNNING, "started", 0),
        ev.heartbeat("p1", io.flotilla.engine.api.Health.mains(0.3), 9_000),
        ev.heartbeat("p1", io.flotilla.engine.api.Health.mains(0.35), 10_000),
        ev.heartbeat("p2", new io.flotilla.engine.api.Health(0.8, false, 0.2, 2L << 30), 4_000),
        ev.heartbeat("p2", new io.flotilla.engine.api.Health(0.8, false, 0.2, 2L << 30), 5_000),
        ev.heartbeat("p3", new io.flotilla.engine.api.Health(0.05, false, 0.95, 1L << 30), 9_500)));
    vm.tick();
    ParticipantRow p1 = vm.find("p1");
    assertThat(p1.lastHeartbeatTextProperty().get()).isEqualTo("just now");
    assertThat(p1.cpuLoadProperty().get()).isEqualTo(0.35);
    assertThat(p1.onMains()).isTrue();
    assertThat(p1.heartbeatIntervalMillis()).isEqualTo(1_000);
    assertThat(p1.heartbeatHealthProperty().get()).isEqualTo(ParticipantRow.Health.GOOD);
    ParticipantRow p2 = vm.find("p2");
    assertThat(p2.lastHeartbeatTextProperty().get()).isEqualTo("5 s ago");
    assertThat(p2.stale()).as("5 s > 3 intervals of 1 s").isTrue();
    assertThat(p2.heartbeatHealthProperty().get()).isEqualTo(ParticipantRow.Health.BAD);
    assertThat(p2.healthProperty().get()).isEqualTo(ParticipantRow.Health.BAD);
    assertThat(p2.batteryProperty().get()).isEqualTo(0.8);
    assertThat(p2.freeMemoryProperty().get()).isEqualTo(2L << 30);
    ParticipantRow p3 = vm.find("p3");
    assertThat(p3.heartbeatHealthProperty().get()).isEqualTo(ParticipantRow.Health.WARN);
    assertThat(vm.countsProperty().get()).endsWith("2 need attention");
    // paused: nobody is expected to beat (a simulation beats between rounds), so nothing is stale
    vm.apply(List.of(ev.state(FederationState.RUNNING, FederationState.PAUSED, "operator", 10_000)));
    vm.tick();
    assertThat(p2.stale()).isFalse();
    assertThat(p2.heartbeatHealthProperty().get()).isEqualTo(ParticipantRow.Health.GOOD);
    vm.apply(List.of(ev.state(FederationState.PAUSED, FederationState.RUNNING, "operator", 10_000)));
    vm.tick();
    assertThat(p2.stale()).isTrue();
    // a fresh heartbeat makes p2 good again at once
    vm.apply(List.of(ev.heartbeat("p2", new io.flotilla.engine.api.Health(0.8, true, 0.2, 2L << 30), 10_000)));
    assertThat(p2.stale()).isFalse();
    assertThat(p2.healthProperty().get()).isEqualTo(ParticipantRow.Health.GOOD);
  }

  @Test
  void theDetailsPaneSummarisesTheLastHeartbeat() {
    vm.apply(List.of(ev.state(FederationState.CREATED, FederationState.RUNNING, "started", 0),
        ev.heartbeat("p1", io.flotilla.engine.api.Health.mains(0.35), 9_000),
        ev.heartbeat("p2", new io.flotilla.engine.api.Health(0.8, true, 0.2, 2L << 30), 9_000)));
    vm.tick();
    assertThat(ParticipantDetailsPane.healthText(vm.find("p1"))).startsWith("CPU 35").contains("mains power")
        .doesNotContain("battery");
    assertThat(ParticipantDetailsPane.healthText(vm.find("p2"))).startsWith("CPU 20").contains("battery 80")
        .contains("(charging)").contains("2.0 GiB free");
  }

  @Test
  void driftIndicatorsShowOnTheRowAndADriftingParticipantNeedsAttention() {
    vm.apply(List.of(ev.joined("p1", "phone", 600, 0), ev.joined("p2", "laptop", 900, 0)));
    assertThat(vm.find("p1").driftProperty().get()).isNaN();
    assertThat(vm.find("p1").driftTextProperty().get()).isEqualTo("no drift indicators yet");
    vm.apply(List.of(ev.drift(4, 5_000, TestEvents.drifted("p1", 0.012, 0.02, false),
        TestEvents.drifted("p2", 0.231, 0.4, true))));
    ParticipantRow p1 = vm.find("p1");
    ParticipantRow p2 = vm.find("p2");
    assertThat(p1.driftProperty().get()).isEqualTo(0.012);
    assertThat(p1.driftingProperty().get()).isFalse();
    assertThat(p1.healthProperty().get()).isEqualTo(ParticipantRow.Health.GOOD);
    assertThat(p2.driftProperty().get()).isEqualTo(0.231);
    assertThat(p2.driftingProperty().get()).isTrue();
    assertThat(p2.healthProperty().get()).isEqualTo(ParticipantRow.Health.WARN);
    assertThat(p2.driftTextProperty().get())
        .isEqualTo("label JS 0.231 bits · loss trend +40 % · norm trend +1 % (round 4), drifting");
    vm.filterProperty().set("drifting");
    assertThat(vm.rows()).extracting(ParticipantRow::id).containsExactly("p2");
    // the next round's indicators are quiet again: so is the row
    vm.apply(List.of(ev.drift(5, 6_000, TestEvents.drifted("p2", 0.05, 0.0, false))));
    assertThat(vm.rows()).isEmpty();
    assertThat(p2.healthProperty().get()).isEqualTo(ParticipantRow.Health.GOOD);
    assertThat(p2.driftTextProperty().get()).endsWith("(round 5)");
  }

  @Test
  void theFilterMatchesIdDeviceStateAndHealth() {
    vm.apply(List.of(ev.joined("p1", "phone", 600, 0), ev.joined("p2", "laptop", 900, 0),
        ev.joined("p10", "phone", 100, 0), ev.suspended("p10", 3, 0.1, 1)));
    vm.filterProperty().set("phone");
    assertThat(vm.rows()).extracting(ParticipantRow::id).containsExactly("p1", "p10");
    vm.filterProperty().set("phone suspended");
    assertThat(vm.rows()).extracting(ParticipantRow::id).containsExactly("p10");
    vm.filterProperty().set("bad");
    assertThat(vm.rows()).extracting(ParticipantRow::id).containsExactly("p10");
    assertThat(vm.countsProperty().get()).endsWith("1 shown");
    vm.filterProperty().set("");
    assertThat(vm.rows()).hasSize(3);
  }

  @Test
  void aSnapshotWaitsForTheEventsItAlreadyReflectsSoNothingCountsTwice() {
    vm.attach(fed.federation);
    assertThat(fed.snapshots).hasSize(1);
    // the coordinator took the snapshot after event 6 (the round's selection); the bridge has queued it
    vm.apply(List.of(ev.joined("p1", "phone", 600, 0)));
    var open = ev.open(1, 0, 60_000, "p1");
    queued.set(ev.lastSeq());
    fed.snapshots.get(0).complete(snapshot(new ParticipantSnapshot("p1", "phone", "ACTIVE", 1, 0, 0, 0.9, 0)));
    assertThat(vm.find("p1").selectedProperty().get()).isZero(); // held back: events 2..5 not applied yet

    vm.apply(open); // now applied: the snapshot (which counts the selection once) replaces the counters
    assertThat(vm.find("p1").selectedProperty().get()).isEqualTo(1);
    assertThat(vm.find("p1").trustProperty().get()).isEqualTo(0.9);
  }

  @Test
  void snapshotsAreAskedForAtMostOnceASecondAndOnlyOneAtATime() {
    vm.attach(fed.federation);
    vm.apply(List.of(ev.joined("p1", "phone", 600, 0)));
    vm.tick();
    assertThat(fed.snapshots).hasSize(1); // the first is still in flight
    fed.snapshots.get(0).complete(snapshot());
    vm.tick(); // the fixed clock has not moved a second since the request
    assertThat(fed.snapshots).hasSize(1);
  }

  @Test
  void latencyIsFromTheRoundsStartToTheVerdictOnTheUpdate() {
    vm.apply(List.of(ev.joined("p1", "phone", 600, 0), ev.joined("p2", "laptop", 900, 0)));
    assertThat(vm.find("p1").latencyProperty().get()).isNaN();
    vm.apply(ev.open(1, 1_000, 60_000, "p1", "p2"));
    vm.apply(List.of(ev.accepted(1, "p1", 1_300, 0.4), ev.failed(1, "p2", "dropped out", 1_900)));
    assertThat(vm.find("p1").latencyProperty().get()).isEqualTo(300.0);
    assertThat(vm.find("p2").latencyProperty().get()).as("a dropout is not a response").isNaN();
    vm.apply(ev.open(2, 2_000, 60_000, "p1"));
    vm.apply(List.of(ev.rejected(2, "p1", RejectReason.SUSPICIOUS_NORM, "too big", 2_500)));
    assertThat(vm.find("p1").latencyProperty().get()).isEqualTo(500.0);
    assertThat(vm.find("p1").meanLatencyMillis()).isEqualTo(400.0);
  }

  @Test
  void operatorActionsGoToTheFederationWithTheActorAndReason() {
    RecordingOperatorFederation rec = new RecordingOperatorFederation(fed.federation);
    vm.attach(rec);
    vm.actor("console:ada");
    vm.apply(List.of(ev.joined("p1", "phone", 600, 0), ev.suspended("p2", 3, 0.1, 1)));
    int snapshotsBefore = fed.snapshots.size();

    ParticipantsViewModel.ActionResult r = vm.act(OperatorAction.SUSPEND, "p1", "  flaky uploads ").join();
    assertThat(r.ok()).isTrue();
    assertThat(rec.calls).containsExactly(
        new RecordingOperatorFederation.Call("suspend", "p1", "console:ada", "flaky uploads"));
    assertThat(vm.actionMessageProperty().get()).isEqualTo("p1 suspended");
    fed.snapshots.get(0).complete(null); // the attach's first snapshot, answered: the next may be asked for
    vm.tick();
    assertThat(fed.snapshots.size()).as("asks for the new state").isGreaterThan(snapshotsBefore);

    assertThat(vm.act(OperatorAction.RESUME, "p2", "reviewed").join().ok()).isTrue();
    assertThat(vm.act(OperatorAction.REVOKE, "p2", "stolen device").join().ok()).isTrue();
    assertThat(rec.calls).extracting(RecordingOperatorFederation.Call::command)
        .containsExactly("suspend", "reinstate", "revoke");
    assertThat(vm.actionsInFlightProperty().get()).isZero();
  }

  @Test
  void aRefusedActionIsReportedAndChangesNothing() {
    RecordingOperatorFederation rec = new RecordingOperatorFederation(fed.federation);
    vm.attach(rec);
    vm.apply(List.of(ev.joined("p1", "phone", 600, 0), ev.suspended("p2", 3, 0.1, 1)));
    List<ParticipantsViewModel.ActionResult> reported = new java.util.ArrayList<>();
    vm.onActionResult(reported::add);

    // the coordinator on this branch does not implement the commands yet
    rec.failWith = new UnsupportedOperationException("suspend is not supported here");
    ParticipantsViewModel.ActionResult r = vm.act(OperatorAction.SUSPEND, "p1", "flaky").join();
    assertThat(r.ok()).isFalse();
    assertThat(r.message()).isEqualTo(
        "Could not suspend p1: this federation does not support it yet (suspend is not supported here)");
    assertThat(vm.actionMessageProperty().get()).isEqualTo(r.message());
    assertThat(vm.find("p1").state()).isEqualTo("ACTIVE");

    // refused here, before the federation is asked: no reason, wrong state, unknown participant
    rec.failWith = null;
    assertThat(vm.act(OperatorAction.SUSPEND, "p1", "  ").join().error()).contains("a reason is required");
    assertThat(vm.act(OperatorAction.RESUME, "p1", "ok").join().error()).isEqualTo("it is active");
    assertThat(vm.act(OperatorAction.SUSPEND, "p2", "again").join().error()).isEqualTo("it is suspended");
    assertThat(vm.act(OperatorAction.REVOKE, "p9", "who").join().error()).contains("unknown participant 'p9'");
    assertThat(rec.calls).hasSize(1);
    assertThat(reported).hasSize(5).noneMatch(ParticipantsViewModel.ActionResult::ok);
  }

  @Test
  void actionsApplyOnlyToStatesTheyChange() {
    assertThat(OperatorAction.SUSPEND.appliesTo("ACTIVE")).isTrue();
    assertThat(OperatorAction.SUSPEND.appliesTo("IDLE")).isTrue();
    assertThat(OperatorAction.SUSPEND.appliesTo("SUSPENDED")).isFalse();
    assertThat(OperatorAction.RESUME.appliesTo("SUSPENDED")).isTrue();
    assertThat(OperatorAction.RESUME.appliesTo("ACTIVE")).isFalse();
    assertThat(OperatorAction.REVOKE.appliesTo("SUSPENDED")).isTrue();
    assertThat(OperatorAction.REVOKE.appliesTo("REVOKED")).isFalse();
  }
}
