package io.flotilla.console.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.console.app.overview.OverviewViewModel;
import io.flotilla.console.app.overview.RoundRow;
import io.flotilla.console.app.session.SessionInfo;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.RoundAborted;
import io.flotilla.engine.api.FederationEvent.RoundCommitted;
import io.flotilla.engine.api.FederationEvent.RoundPhaseChanged;
import io.flotilla.engine.api.FederationEvent.RoundStarted;
import io.flotilla.engine.api.FederationEvent.StateChanged;
import io.flotilla.engine.api.FederationEvent.UpdateAccepted;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.RoundPhase;
import io.flotilla.engine.api.Subscription;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's view models fed with synthetic engine events, on the test thread, without the FX toolkit. */
class ConsoleViewModelTest {
  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final List<String> commands = new ArrayList<>();
  private final List<Consumer<FederationEvent>> listeners = new ArrayList<>();
  private FederationState engineState = FederationState.CREATED;
  private ConsoleViewModel vm;
  private SessionInfo planned;
  private long seq;

  @BeforeEach
  void setUp() {
    SimulationConfig config = SimulationConfig.builder()
        .dataset("synthetic:0,0").participants(6).perRound(3).rounds(8).build();
    planned = SessionInfo.planned(config);
    vm = new ConsoleViewModel(Runnable::run, Runnable::run, Duration.ZERO, clock, planned);
  }

  private void ready() {
    vm.sessionReady(fakeFederation(), planned.loaded("tiny", "synthetic data over 6 participants"), false);
  }

  /** A Federation that records commands and hands subscribers to the test. */
  private Federation fakeFederation() {
    return (Federation) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Federation.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "subscribe" -> {
            @SuppressWarnings("unchecked")
            Consumer<FederationEvent> l = (Consumer<FederationEvent>) args[0];
            listeners.add(l);
            yield (Subscription) () -> listeners.remove(l);
          }
          case "state" -> engineState;
          case "snapshot" -> new java.util.concurrent.CompletableFuture<>(); // answered never: not under test
          case "start", "pause", "resume", "stop" -> {
            commands.add(method.getName());
            yield null;
          }
          case "toString" -> "fake federation";
          case "hashCode" -> 0;
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  /** Events as the engine publishes them: through whatever subscribed. */
  private void publish(FederationEvent... events) {
    for (FederationEvent e : events) {
      for (Consumer<FederationEvent> l : List.copyOf(listeners)) {
        l.accept(e);
      }
    }
  }

  private Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  private StateChanged state(FederationState from, FederationState to, String reason) {
    return new StateChanged(++seq, at(seq), from, to, reason);
  }

  private RoundPhaseChanged phase(long round, RoundPhase from, RoundPhase to, long millis) {
    return new RoundPhaseChanged(++seq, at(millis), round, from, to);
  }

  private RoundStarted started(long round, long millis, String... cohort) {
    return new RoundStarted(++seq, at(millis), round, round - 1, List.of(cohort), at(millis + 60_000));
  }

  private UpdateAccepted accepted(long round, String participant) {
    return new UpdateAccepted(++seq, at(seq), round, participant, 100, false, 20, Map.of());
  }

  private RoundCommitted committed(long round, int contributors, int selected, long millis, double acc,
      double trainLoss) {
    return new RoundCommitted(++seq, at(seq), round, round, "sha", contributors, selected,
        Map.of("test_accuracy", acc, "train_loss", trainLoss, "test_loss", trainLoss + 0.1,
            "train_accuracy", acc), millis);
  }

  /** A full round up to COLLECTING with the given cohort. */
  private void openRound(long round, long startMillis, String... cohort) {
    publish(phase(round, RoundPhase.PLANNED, RoundPhase.SELECTING, startMillis),
        started(round, startMillis, cohort),
        phase(round, RoundPhase.SELECTING, RoundPhase.BROADCAST, startMillis),
        phase(round, RoundPhase.BROADCAST, RoundPhase.COLLECTING, startMillis));
  }

  @Test
  void loadingThenReadyTellsTheOperatorWhatToDo() {
    OverviewViewModel overview = vm.overview();
    assertThat(vm.chipProperty().get()).isEqualTo(ConsoleViewModel.Chip.LOADING);
    assertThat(vm.loadingProperty().get()).isTrue();
    assertThat(overview.emptyTextProperty().get()).isEqualTo("Loading Synthetic(0, 0) for 6 participants…");
    assertThat(vm.startDisabledProperty().get()).isTrue();

    ready();

    assertThat(vm.loadingProperty().get()).isFalse();
    assertThat(vm.chipProperty().get()).isEqualTo(ConsoleViewModel.Chip.READY);
    assertThat(vm.federationNameProperty().get()).isEqualTo("tiny");
    assertThat(vm.statusTextProperty().get()).isEqualTo("embedded simulation: synthetic data over 6 participants");
    assertThat(overview.emptyTextProperty().get())
        .isEqualTo("Press Start to run 8 rounds on Synthetic(0, 0) with 6 participants, 3 per round.");
    assertThat(vm.startDisabledProperty().get()).isFalse();
    assertThat(vm.pauseDisabledProperty().get()).isTrue();
    assertThat(vm.stopDisabledProperty().get()).isFalse();
    assertThat(listeners).hasSize(1);
  }

  @Test
  void aRoundRowIsUpdatedInPlaceFromSelectionToCommit() {
    ready();
    publish(state(FederationState.CREATED, FederationState.RUNNING, "started"));
    openRound(1, 0, "p0", "p1", "p2");

    List<RoundRow> rows = vm.overview().rows();
    assertThat(rows).hasSize(1);
    RoundRow row = rows.get(0);
    assertThat(row.round()).isEqualTo(1);
    assertThat(row.phase()).isEqualTo(RoundPhase.COLLECTING);
    assertThat(row.participantsProperty().get()).isEqualTo("0/3");
    assertThat(vm.roundTextProperty().get()).isEqualTo("Round 1 of 8 · Collecting");

    publish(accepted(1, "p0"), accepted(1, "p2"));
    assertThat(row.participantsProperty().get()).isEqualTo("2/3");

    publish(phase(1, RoundPhase.COLLECTING, RoundPhase.AGGREGATING, 900),
        phase(1, RoundPhase.AGGREGATING, RoundPhase.EVALUATING, 1000),
        phase(1, RoundPhase.EVALUATING, RoundPhase.COMMITTED, 1200),
        committed(1, 3, 3, 1234, 0.71, 0.9));

    assertThat(vm.overview().rows()).containsExactly(row);
    assertThat(row.phase()).isEqualTo(RoundPhase.COMMITTED);
    assertThat(row.participantsProperty().get()).isEqualTo("3/3");
    assertThat(row.durationMillisProperty().get()).isEqualTo(1234);
    assertThat(row.testAccuracyProperty().get()).isEqualTo(0.71);
    assertThat(row.trainLossProperty().get()).isEqualTo(0.9);
    assertThat(row.testLossProperty().get()).isEqualTo(1.0);
    assertThat(vm.overview().curve().size()).isEqualTo(1);
    assertThat(vm.overview().curve().testAccuracy().get(1, 0)).isEqualTo(0.71);
    assertThat(vm.overview().committedRoundsProperty().get()).isEqualTo(1);
    assertThat(vm.lastCommitProperty().get()).isNotNull();
    assertThat(vm.roundTextProperty().get()).isEqualTo("Round 1 of 8 · Committed");
    assertThat(vm.overview().latestMetricsProperty().get())
        .isEqualTo("round 1 · test accuracy 71.0 % · train loss 0.9000");
  }

  @Test
  void newestRoundIsOnTopAndAnAbortedRoundShowsItsReason() {
    ready();
    publish(state(FederationState.CREATED, FederationState.RUNNING, "started"));
    openRound(1, 0, "p0", "p1", "p2");
    publish(committed(1, 3, 3, 500, 0.5, 1.2));
    openRound(2, 1_000, "p3", "p4", "p5");
    publish(phase(2, RoundPhase.COLLECTING, RoundPhase.ABORTED, 3_500),
        new RoundAborted(++seq, at(3_500), 2, "quorum not met: 0 accepted update(s), 1 required"));
    openRound(3, 4_000, "p0", "p3", "p5");

    List<RoundRow> rows = vm.overview().rows();
    assertThat(rows).extracting(RoundRow::round).containsExactly(3L, 2L, 1L);
    RoundRow aborted = rows.get(1);
    assertThat(aborted.phase()).isEqualTo(RoundPhase.ABORTED);
    assertThat(aborted.noteProperty().get()).isEqualTo("quorum not met: 0 accepted update(s), 1 required");
    assertThat(aborted.durationMillisProperty().get()).isEqualTo(2_500);
    assertThat(aborted.testAccuracyProperty().get()).isNaN();
    assertThat(vm.overview().curve().size()).isEqualTo(1);
  }

  @Test
  void chipAndButtonsFollowTheLifeCycle() {
    ready();
    publish(state(FederationState.CREATED, FederationState.RUNNING, "started"));
    assertThat(vm.chipProperty().get()).isEqualTo(ConsoleViewModel.Chip.RUNNING);
    assertThat(vm.chipProperty().get().text()).isEqualTo("Running");
    assertThat(vm.startDisabledProperty().get()).isTrue();
    assertThat(vm.pauseDisabledProperty().get()).isFalse();
    assertThat(vm.pauseTextProperty().get()).isEqualTo("Pause");

    publish(state(FederationState.RUNNING, FederationState.PAUSED, "paused by operator"));
    assertThat(vm.chipProperty().get()).isEqualTo(ConsoleViewModel.Chip.PAUSED);
    assertThat(vm.pauseTextProperty().get()).isEqualTo("Resume");
    assertThat(vm.stateDetailProperty().get()).isEqualTo("paused by operator");

    publish(state(FederationState.PAUSED, FederationState.RUNNING, "resumed by operator"),
        state(FederationState.RUNNING, FederationState.FINISHED, "completed 8 rounds"));
    assertThat(vm.chipProperty().get()).isEqualTo(ConsoleViewModel.Chip.FINISHED);
    assertThat(vm.startDisabledProperty().get()).isTrue();
    assertThat(vm.pauseDisabledProperty().get()).isTrue();
    assertThat(vm.stopDisabledProperty().get()).isTrue();
    assertThat(vm.overview().markers()).containsExactly(new OverviewViewModel.Marker(0, "paused, resumed"));
  }

  @Test
  void operatorActionsBecomeMarkersAtTheRoundWhereTheyHappened() {
    ready();
    publish(state(FederationState.CREATED, FederationState.RUNNING, "started"));
    openRound(1, 0, "p0", "p1", "p2");
    publish(state(FederationState.RUNNING, FederationState.PAUSED, "paused by operator"),
        committed(1, 3, 3, 500, 0.5, 1.2),
        state(FederationState.PAUSED, FederationState.RUNNING, "resumed by operator"));
    openRound(2, 1_000, "p3", "p4", "p5");
    publish(state(FederationState.RUNNING, FederationState.STOPPED, "stopped by operator"));

    assertThat(vm.overview().markers()).containsExactly(
        new OverviewViewModel.Marker(1, "paused, resumed"), new OverviewViewModel.Marker(2, "stopped"));
  }

  @Test
  void commandsGoToTheFederationAndPauseToggles() {
    vm.start(); // not loaded yet: nothing to command
    assertThat(commands).isEmpty();
    ready();

    vm.start();
    publish(state(FederationState.CREATED, FederationState.RUNNING, "started"));
    vm.togglePause();
    publish(state(FederationState.RUNNING, FederationState.PAUSED, "paused by operator"));
    vm.togglePause();
    vm.stop();

    assertThat(commands).containsExactly("start", "pause", "resume", "stop");
  }

  @Test
  void autoStartStartsAsSoonAsTheSimulationIsReady() {
    vm.sessionReady(fakeFederation(), planned, true);
    assertThat(commands).containsExactly("start");
  }

  @Test
  void stopConfirmationSaysWhatWillHappen() {
    ready();
    publish(state(FederationState.CREATED, FederationState.RUNNING, "started"));
    openRound(1, 0, "p0", "p1", "p2");
    assertThat(vm.stopConsequences())
        .startsWith("Round 1 will be aborted and no further rounds will run.")
        .contains("cannot be restarted");
  }

  @Test
  void eventsPerSecondAndLastCommitComeFromTheClock() {
    ready();
    publish(state(FederationState.CREATED, FederationState.RUNNING, "started"));
    openRound(1, 0, "p0", "p1", "p2");
    publish(committed(1, 3, 3, 500, 0.5, 1.2)); // 6 events in all
    clock.advance(Duration.ofSeconds(2));
    vm.tick();
    assertThat(vm.eventsPerSecondProperty().get()).isEqualTo(3.0);
    assertThat(vm.eventsRateTextProperty().get()).isEqualTo("3.0 events/s");
    assertThat(vm.lastCommitTextProperty().get()).startsWith("last commit ").endsWith("(2 s ago)");

    clock.advance(Duration.ofSeconds(1));
    vm.tick();
    assertThat(vm.eventsPerSecondProperty().get()).isZero();
  }

  @Test
  void historyAddsTheModelsAndAuditPagesAndPagesSwitch() {
    assertThat(vm.pages()).containsExactly(Page.OVERVIEW, Page.TIMELINE, Page.PARTICIPANTS, Page.LEARNING,
        Page.DRIFT, Page.CALIBRATION, Page.FAULTS, Page.TUNING);
    vm.show(Page.MODELS); // not available yet: ignored
    assertThat(vm.pageProperty().get()).isEqualTo(Page.OVERVIEW);
    vm.sessionReady(fakeFederation(), new io.flotilla.console.app.FakeHistory(), planned, false);
    assertThat(vm.pages()).containsExactly(Page.values());
    vm.show(Page.AUDIT);
    assertThat(vm.pageProperty().get()).isEqualTo(Page.AUDIT);
    assertThat(vm.statusTextProperty().get()).endsWith("history in memory");
  }

  @Test
  void abortsSuspensionsAndFailuresRaiseAlarmsNewestFirst() {
    ready();
    publish(state(FederationState.CREATED, FederationState.RUNNING, "started"));
    openRound(1, 0, "p0", "p1", "p2");
    publish(new RoundAborted(++seq, at(900), 1, "quorum not met"),
        new io.flotilla.engine.api.FederationEvent.ParticipantSuspended(++seq, at(950), "p2", 3, 0.12,
            "3 updates rejected as suspicious"),
        state(FederationState.RUNNING, FederationState.FAILED, "5 rounds aborted in a row"));
    assertThat(vm.alarms()).extracting(Alarm::title).containsExactly("Federation failed",
        "Participant p2 suspended", "Round 1 aborted");
    assertThat(vm.alarms().get(1).participantId()).isEqualTo("p2");
    assertThat(vm.alarms().get(2).roundId()).isEqualTo(1);
    assertThat(vm.alarms().get(0).severity()).isEqualTo(Alarm.Severity.ERROR);
  }

  @Test
  void everyBatchReachesEveryPageAndItsApplyTimeIsRecorded() {
    ready();
    publish(state(FederationState.CREATED, FederationState.RUNNING, "started"));
    openRound(1, 0, "p0", "p1", "p2");
    publish(accepted(1, "p0"));
    assertThat(vm.timeline().model().roundCount()).isEqualTo(1);
    assertThat(vm.participants().find("p0").acceptedProperty().get()).isEqualTo(1);
    assertThat(vm.drainTimes().count()).isGreaterThanOrEqualTo(6);
    assertThat(vm.roundNumberTextProperty().get()).isEqualTo("1 of 8");
    assertThat(vm.phaseTextProperty().get()).isEqualTo("Collecting");
  }

  @Test
  void theBusyIndicatorCoversLoadingAndLongOperations() {
    assertThat(vm.busyProperty().get()).isTrue();
    assertThat(vm.busyTextProperty().get()).isEqualTo("Loading Synthetic(0, 0)…");
    ready();
    assertThat(vm.busyProperty().get()).isFalse();
    OperationTracker.Operation op = vm.operations().begin("Exporting version 3…");
    assertThat(vm.busyProperty().get()).isTrue();
    assertThat(vm.busyTextProperty().get()).isEqualTo("Exporting version 3…");
    op.end();
    op.end();
    assertThat(vm.busyProperty().get()).isFalse();
  }

  @Test
  void aFailedLoadSaysWhy() {
    vm.sessionFailed(new IllegalArgumentException("invalid --dataset 'nope'"));
    assertThat(vm.chipProperty().get()).isEqualTo(ConsoleViewModel.Chip.FAILED);
    assertThat(vm.loadingProperty().get()).isFalse();
    assertThat(vm.startDisabledProperty().get()).isTrue();
    assertThat(vm.overview().emptyTextProperty().get()).contains("invalid --dataset 'nope'");
    assertThat(vm.statusTextProperty().get()).contains("could not start");
  }

  @Test
  void closingUnsubscribesAndIgnoresLateBatches() {
    ready();
    vm.close();
    assertThat(listeners).isEmpty();
    vm.apply(List.of(state(FederationState.CREATED, FederationState.RUNNING, "started")));
    assertThat(vm.chipProperty().get()).isEqualTo(ConsoleViewModel.Chip.READY);
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
