package io.flotilla.console.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.dataset.DataSet;
import io.flotilla.console.app.overview.RoundRow;
import io.flotilla.engine.api.RoundPhase;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The console window, headless (Monocle), on a tiny embedded federation: Synthetic(0, 0) over 6
 * participants, 3 per round, logistic regression. Pause and resume are exercised by
 * {@link ConsoleOperationsTest}.
 */
class ConsoleWindowTest extends FxRobot {
  static final Path SCREENSHOT = Path.of("target", "screenshots", "overview.png");

  private FlotillaConsoleApp app;

  private static SimulationConfig tiny(int rounds, Duration interval) {
    return SimulationConfig.builder()
        .dataset("synthetic:0,0")
        .participants(6)
        .perRound(3)
        .rounds(rounds)
        .model("logreg")
        .roundInterval(interval)
        .build();
  }

  private void launch(SimulationConfig config) throws Exception {
    FxToolkit.registerPrimaryStage();
    app = (FlotillaConsoleApp) FxToolkit.setupApplication(
        () -> new FlotillaConsoleApp(new ConsoleOptions(config, false)));
    // the window is up before the simulation is: Start enables once it has loaded
    await().atMost(Duration.ofSeconds(20)).until(() -> !"Loading".equals(fx(() -> chip().getText())));
    await().atMost(Duration.ofSeconds(60)).until(() -> fx(() -> app.settled())); // see ConsoleAppTest.awaitSettled
    assertThat(fx(() -> chip().getText())).as(fx(() -> lookup("#status").queryAs(Label.class).getText()))
        .isEqualTo("Ready");
    assertThat(fx(() -> button("#start").isDisabled())).isFalse();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (app != null) {
      FxToolkit.cleanupApplication(app);
    }
    FxToolkit.cleanupStages();
  }

  @Test
  void startRunsRoundsThatFillTheTableAndTheLearningCurve() throws Exception {
    launch(tiny(8, Duration.ofMillis(100)));
    assertThat(fx(() -> rounds().getItems().size())).isZero();

    clickOn("#start");

    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> rounds().getItems().size()) >= 3
        && fx(() -> accuracyPoints()) >= 3);
    assertThat(fx(() -> chip().getText())).isIn("Running", "Finished");
    await().atMost(Duration.ofSeconds(10)).until(() -> !"0.0 events/s".equals(fx(() -> lookup("#eventsRate")
        .queryAs(Label.class).getText())));

    // let the tiny federation finish so the screenshot shows a whole run
    await().atMost(Duration.ofSeconds(30)).until(() -> "Finished".equals(fx(() -> chip().getText())));
    assertThat(fx(() -> rounds().getItems().get(0).round())).isEqualTo(8);
    assertThat(fx(() -> rounds().getItems().get(0).participantsProperty().get())).isEqualTo("3/3");
    assertThat(fx(() -> accuracyPoints())).isEqualTo(8);
    WaitForAsyncUtils.waitForFxEvents();
    // a round's phase is a pseudo-class of its cell (no style-class re-match each round), and colours the dot
    java.util.List<javafx.scene.Node> committed = fx(() -> rounds().lookupAll(".table-cell").stream()
        .filter(n -> io.flotilla.console.app.console.PseudoStates.has(n, "phase-committed"))
        .filter(n -> ((javafx.scene.control.TableCell<?, ?>) n).getItem() != null).toList());
    assertThat(committed).hasSizeGreaterThanOrEqualTo(8);
    assertThat(fx(() -> rounds().lookupAll(".table-cell").stream()
        .flatMap(n -> n.getStyleClass().stream()).filter(c -> c.startsWith("phase-")).toList())).isEmpty();
    javafx.scene.paint.Paint dot = fx(() -> ((org.kordamp.ikonli.javafx.FontIcon) committed.get(0)
        .lookup(".phase-dot")).getIconColor());
    javafx.scene.paint.Paint successFg = fx(() -> {
      javafx.scene.shape.Rectangle probe = new javafx.scene.shape.Rectangle();
      probe.setStyle("-fx-fill: -phase-committed;");
      ((javafx.scene.layout.Pane) rounds().getParent()).getChildren().add(probe);
      probe.applyCss();
      javafx.scene.paint.Paint p = probe.getFill();
      ((javafx.scene.layout.Pane) rounds().getParent()).getChildren().remove(probe);
      return p;
    });
    assertThat(dot).isEqualTo(successFg);

    Files.deleteIfExists(SCREENSHOT);
    ConsoleScreenshots.snapshot(app.scene(), SCREENSHOT);
    assertThat(SCREENSHOT).isNotEmptyFile();
  }

  /**
   * No large region paints a fully transparent background: JavaFX fills transparent fills like any other,
   * which cost the software renderer a pass over every dirty area beneath (the scene root, the page holder,
   * each chart and its plot area did, until console.css said null instead of transparent).
   */
  @Test
  void noLargeRegionPaintsATransparentBackground() throws Exception {
    launch(tiny(3, Duration.ofMillis(100)));
    for (io.flotilla.console.app.console.Page page : java.util.List.of(io.flotilla.console.app.console.Page.OVERVIEW,
        io.flotilla.console.app.console.Page.TIMELINE, io.flotilla.console.app.console.Page.PARTICIPANTS,
        io.flotilla.console.app.console.Page.LEARNING)) {
      fx(() -> {
        app.viewModel().show(page);
        return null;
      });
      ConsoleAppTest.awaitSwitched(app); // the page is on screen, styled and laid out
      WaitForAsyncUtils.waitForFxEvents();
      java.util.List<String> wasteful = fx(() -> {
        java.util.List<String> out = new java.util.ArrayList<>();
        transparentFills(app.scene().getRoot(), out);
        return out;
      });
      assertThat(wasteful).as("regions over 50,000 px² with a transparent fill on " + page).isEmpty();
    }
  }

  private static void transparentFills(javafx.scene.Node n, java.util.List<String> out) {
    if (!n.isVisible()) {
      return;
    }
    if (n instanceof javafx.scene.layout.Region r && r.getBackground() != null
        && r.getWidth() * r.getHeight() >= 50_000
        && r.getBackground().getFills().stream().anyMatch(f -> f.getFill() instanceof javafx.scene.paint.Color c
            && c.getOpacity() == 0)) {
      out.add(n.getClass().getSimpleName() + n.getStyleClass() + " " + (int) r.getWidth() + "x" + (int) r.getHeight());
    }
    if (n instanceof javafx.scene.Parent p) {
      p.getChildrenUnmodifiable().forEach(c -> transparentFills(c, out));
    }
  }

  @Test
  void stopAsksFirstThenAbortsTheRunForGood() throws Exception {
    launch(tiny(200, Duration.ofMillis(150)));
    clickOn("#start");
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> rounds().getItems().size()) >= 1);

    clickOn("#stop");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(lookup(".dialog-pane .content").queryAs(Label.class).getText())
        .containsIgnoringCase("no further rounds will run");
    clickOn("#cancelStop");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> chip().getText())).isEqualTo("Running");

    clickOn("#stop");
    WaitForAsyncUtils.waitForFxEvents();
    clickOn("#confirmStop");
    await().atMost(Duration.ofSeconds(10)).until(() -> "Stopped".equals(fx(() -> chip().getText())));
    assertThat(fx(() -> button("#start").isDisabled() && button("#pause").isDisabled()
        && button("#stop").isDisabled())).isTrue();
    RoundRow top = fx(() -> rounds().getItems().get(0));
    assertThat(fx(top::phase)).isIn(RoundPhase.ABORTED, RoundPhase.COMMITTED);
  }

  // ------------------------------------------------------------------ helpers

  /** Reads the scene graph on the FX thread. */
  private static <T> T fx(Callable<T> read) throws Exception {
    return WaitForAsyncUtils.asyncFx(read).get(5, TimeUnit.SECONDS);
  }

  @SuppressWarnings("unchecked")
  private TableView<RoundRow> rounds() {
    return lookup("#rounds").queryAs(TableView.class);
  }

  private Label chip() {
    return lookup("#stateChip").queryAs(Label.class);
  }

  private Button button(String id) {
    return lookup(id).queryAs(Button.class);
  }

  private int accuracyPoints() {
    XYChart chart = lookup("#learningChart").queryAs(XYChart.class);
    return chart.getAllDatasets().stream()
        .filter(d -> d.getName().equals("test accuracy"))
        .mapToInt(DataSet::getDataCount)
        .findFirst()
        .orElse(0);
  }
}
