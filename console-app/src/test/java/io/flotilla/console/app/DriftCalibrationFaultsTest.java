package io.flotilla.console.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.console.app.console.Alarm;
import io.flotilla.console.app.console.Page;
import io.flotilla.console.app.faults.FaultsViewModel;
import io.flotilla.console.app.learning.LearningViewModel;
import io.flotilla.console.app.timeline.SegmentOutcome;
import io.flotilla.sim.data.DriftPlan;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Point2D;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Drift, Calibration and Simulator pages, headless (Monocle), on one running embedded federation
 * (Synthetic(0, 0) over 8 participants, all in every round, drift monitored as the console always does):
 * triggering a calibration produces results; a data shift injected from the Simulator page is logged, raises a
 * notification and a Learning marker, then the participant's drift alarm, which the Drift page lists and whose
 * heat-map cell opens the participant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DriftCalibrationFaultsTest extends FxRobot {
  private FlotillaConsoleApp app;

  @BeforeAll
  void launch() throws Exception {
    SimulationConfig config = SimulationConfig.builder()
        .dataset("synthetic:0,0").participants(8).perRound(8).rounds(400).model("logreg")
        .roundInterval(Duration.ofMillis(120)).build();
    ConsoleOptions options = new ConsoleOptions(config, false);
    FxToolkit.registerPrimaryStage();
    app = (FlotillaConsoleApp) FxToolkit.setupApplication(() -> new FlotillaConsoleApp(options));
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> !lookup("#start").queryButton().isDisabled()));
    await().atMost(Duration.ofSeconds(60)).until(() -> fx(() -> app.settled())); // see ConsoleAppTest.awaitSettled
    clickOn("#start");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> fx(() -> app.viewModel().overview().committedRoundsProperty().get()) >= 3);
  }

  @AfterAll
  void close() throws Exception {
    if (app != null) {
      FxToolkit.cleanupApplication(app);
    }
    FxToolkit.cleanupStages();
  }

  private static <T> T fx(Callable<T> read) throws Exception {
    return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
  }

  @SuppressWarnings("unchecked")
  private ComboBox<Object> combo(String id) {
    return (ComboBox<Object>) lookup(id).query();
  }

  @Test
  @Order(1)
  void triggeringCalibrationProducesResults() throws Exception {
    clickOn("#navCalibration");
    ConsoleAppTest.awaitSwitched(app);
    assertThat(fx(() -> app.viewModel().pageProperty().get())).isEqualTo(Page.CALIBRATION);
    clickOn("#runCalibration");
    await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> app.viewModel().calibration().history().size()) == 1);
    assertThat(fx(() -> lookup("#calibrationParticipants").queryAs(TableView.class).getItems().size())).isEqualTo(8);
    assertThat(fx(() -> lookup("#calibrationFeatures").queryAs(TableView.class).getItems().size())).isEqualTo(60);
    assertThat(fx(() -> lookup("#calibrationStatus").queryAs(Label.class).getText())).contains("#1");
    assertThat(fx(() -> lookup("#runCalibration").queryButton().isDisabled())).isFalse();
    assertThat(fx(() -> app.viewModel().learning().markers().stream()
        .anyMatch(m -> m.kind() == LearningViewModel.Kind.CALIBRATION))).isTrue();
  }

  @Test
  @Order(2)
  void aDataShiftInjectedFromTheSimulatorPageRaisesThatParticipantsDriftAlarm() throws Exception {
    clickOn("#navFaults");
    ConsoleAppTest.awaitSwitched(app);
    assertThat(fx(() -> lookup("#injectFault").queryButton().isDisabled())).isTrue(); // no participant chosen
    interact(() -> {
      combo("#faultParticipant").setValue("p5");
      combo("#faultKind").setValue(FaultsViewModel.Kind.DRIFT);
      combo("#faultShift").setValue(DriftPlan.Kind.LABEL_SHIFT);
    });
    clickOn("#injectFault");
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> app.faults().entries().size()) == 1);
    assertThat(fx(() -> app.faults().entries().get(0).text())).startsWith("shift data of p5 (label-shift) from round");
    String text = fx(() -> app.faults().entries().get(0).text());
    long injectedFrom = Long.parseLong(text.substring(text.lastIndexOf(' ') + 1));
    assertThat(fx(() -> app.viewModel().alarms().stream().anyMatch(a -> a.title().equals("Fault injected")
        && "p5".equals(a.participantId())))).isTrue();
    assertThat(fx(() -> app.viewModel().learning().markers().stream()
        .anyMatch(m -> m.kind() == LearningViewModel.Kind.FAULT))).isTrue();

    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> app.viewModel().drift().alarms().stream()
        .anyMatch(a -> "p5".equals(a.participantId()))));
    long from = fx(() -> app.viewModel().drift().alarms().stream()
        .filter(a -> "p5".equals(a.participantId())).findFirst().orElseThrow().roundId());
    assertThat(from).as("raised once the shift applies").isGreaterThanOrEqualTo(injectedFrom);
    assertThat(fx(() -> app.viewModel().alarms().stream().anyMatch(a -> a.severity() == Alarm.Severity.WARNING
        && a.title().startsWith("Participant p5 drifted")))).isTrue();
    // the Participants table carries the engine's drift indicator for every contributor
    assertThat(fx(() -> app.viewModel().participants().find("p5").driftProperty().get())).isFinite();
  }

  @Test
  @Order(3)
  void theDriftHeatMapShowsEveryParticipantAndACellOpensItsParticipant() throws Exception {
    clickOn("#navDrift");
    ConsoleAppTest.awaitSwitched(app);
    assertThat(fx(() -> app.viewModel().drift().participants())).isEqualTo(8);
    assertThat(fx(() -> app.viewModel().drift().rounds())).isGreaterThan(3);
    Point2D cell = fx(() -> {
      app.driftView().redraw();
      Point2D local = app.driftView().newestCellOf("p5");
      return app.driftView().canvas().localToScreen(local);
    });
    clickOn(cell);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> app.viewModel().drift().selectedProperty().get())).isEqualTo("p5");
    assertThat(fx(() -> app.consoleView().drawer().showingProperty().get())).isTrue();
    assertThat(fx(() -> lookup("#drawerTitle").queryAs(Label.class).getText())).isEqualTo("Participant p5");
    assertThat(fx(() -> lookup("#participantDrift").queryAs(Label.class).getText())).startsWith("label JS ");
    assertThat(fx(() -> app.viewModel().drift().alarms().size())).isGreaterThan(0);
  }

  @Test
  @Order(4)
  void aParticipantDroppedFromTheSimulatorPageFailsItsRoundsInTheTimelineUntilCleared() throws Exception {
    clickOn("#navFaults");
    ConsoleAppTest.awaitSwitched(app);
    interact(() -> {
      combo("#faultParticipant").setValue("p2");
      combo("#faultKind").setValue(FaultsViewModel.Kind.DROP);
    });
    clickOn("#injectFault");
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> app.faults().entries().size()) == 2);
    String text = fx(() -> app.faults().entries().get(0).text());
    assertThat(text).startsWith("drop p2 from round");
    long from = Long.parseLong(text.substring(text.lastIndexOf(' ') + 1));
    await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> app.viewModel().timeline().model().history("p2", 50)
        .stream().anyMatch(r -> r.roundId() >= from && r.outcome() == SegmentOutcome.DROPPED)));
    assertThat(fx(() -> app.viewModel().timeline().model().history("p2", 50).stream()
        .filter(r -> r.roundId() >= from && r.outcome() != SegmentOutcome.PENDING)
        .allMatch(r -> r.outcome() == SegmentOutcome.DROPPED && r.reason().contains("fault injected")))).isTrue();
    clickOn("#clearFaults");
    assertThat(fx(() -> app.faults().entries().get(0).text())).contains("cleared the faults of p2");
    long cleared = fx(() -> app.viewModel().currentRound()) + 2;
    await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> app.viewModel().timeline().model().history("p2", 50)
        .stream().anyMatch(r -> r.roundId() >= cleared && r.outcome() == SegmentOutcome.ACCEPTED)));
  }
}
