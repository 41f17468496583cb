package io.flotilla.console.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.console.app.console.ConsoleView;
import io.flotilla.console.app.console.Page;
import io.flotilla.console.app.history.AuditRecord;
import io.flotilla.console.app.learning.LearningViewModel;
import io.flotilla.console.app.models.ModelVersionRow;
import io.flotilla.console.app.participants.ParticipantRow;
import io.flotilla.console.app.settings.ConsoleSettings;
import io.flotilla.console.app.settings.SettingsStore;
import io.flotilla.console.app.timeline.RoundDetails;
import io.flotilla.console.app.timeline.TimelineViewModel;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Pane;
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
 * The operator's actions on every page, headless (Monocle), against one running embedded federation kept
 * for the whole class (Synthetic(0, 0) over 8 participants, 4 per round, with stored history in a
 * temporary directory), paused once a few rounds have committed (and checked to stay still): keyboard
 * navigation and the drawer, a click on a round in the timeline, the
 * participants' filter and "show in timeline", a rollback that changes the current version and lands in the
 * audit log, an export, the theme, and the settings remembered on exit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleOperationsTest extends FxRobot {
  private Path dir;
  private Path settingsFile;
  private FlotillaConsoleApp app;

  @BeforeAll
  void launch() throws Exception {
    dir = Files.createTempDirectory("flotilla-console-test");
    settingsFile = dir.resolve("config").resolve("console.json");
    SimulationConfig config = SimulationConfig.builder()
        .dataset("synthetic:0,0").participants(8).perRound(4).rounds(400).model("logreg")
        .roundInterval(Duration.ofMillis(150)).build();
    ConsoleOptions options = new ConsoleOptions(config, false).withSettingsFile(settingsFile);
    // a previous run hid the CPU column and showed the detailed counts
    new SettingsStore(settingsFile).save(ConsoleSettings.DEFAULTS.withParticipantsHiddenColumns(List.of("colCpu")));
    FxToolkit.registerPrimaryStage();
    app = (FlotillaConsoleApp) FxToolkit.setupApplication(() -> {
      FlotillaConsoleApp a = new FlotillaConsoleApp(options);
      a.setExportTarget((window, row) -> dir.resolve("v" + row.version() + ".safetensors"));
      return a;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> !lookup("#start").queryButton().isDisabled()));
    await().atMost(Duration.ofSeconds(60)).until(() -> fx(() -> app.settled())); // see ConsoleAppTest.awaitSettled
    clickOn("#start");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> fx(() -> app.viewModel().overview().committedRoundsProperty().get()) >= 6);
    // pausing stops new rounds: the round in flight finishes, then nothing new starts; every test below
    // works on this still federation
    clickOn("#pause");
    await().atMost(Duration.ofSeconds(10)).until(() -> "Paused".equals(fx(() -> lookup("#stateChip")
        .queryAs(Label.class).getText())) && fx(() -> app.viewModel().overview().rows().get(0).phase().isTerminal()));
    int rounds = fx(() -> app.viewModel().overview().rows().size());
    await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2))
        .until(() -> fx(() -> app.viewModel().overview().rows().size()) == rounds);
  }

  @AfterAll
  void close() throws Exception {
    if (app != null) {
      FxToolkit.cleanupApplication(app); // stop(): saves the settings on a background thread
    }
    FxToolkit.cleanupStages();
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(settingsFile)
        && new SettingsStore(settingsFile).load().dark());
    ConsoleSettings saved = new SettingsStore(settingsFile).load();
    assertThat(saved.page()).isEqualTo(Page.MODELS.name());
    assertThat(saved.participantsHiddenColumns()).containsExactly("colCpu");
    assertThat(saved.width()).isGreaterThan(0);
  }

  private static <T> T fx(Callable<T> read) throws Exception {
    return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
  }

  /** The {@code n}-th visible row of a table. */
  /**
   * The first cell of the row showing item {@code n}. The table's virtual flow keeps reused and empty row
   * cells in no particular child order (after a filter, the first row cell found may be an empty one), and a
   * wide table's row extends past the window, so a click on a row's centre could land outside it.
   */
  private Node row(String table, int n) throws Exception {
    WaitForAsyncUtils.waitForFxEvents();
    return fx(() -> {
      TableRow<?> r = lookup(table + " .table-row-cell").queryAllAs(TableRow.class).stream()
          .filter(x -> x.isVisible() && !x.isEmpty() && x.getIndex() == n).findFirst()
          .orElseThrow(() -> new AssertionError("no row " + n + " shown in " + table));
      return from(r).lookup(".table-cell").query();
    });
  }

  private Page page() throws Exception {
    return fx(() -> app.viewModel().pageProperty().get());
  }

  private boolean drawerShowing() throws Exception {
    return fx(() -> app.consoleView().drawer().showingProperty().get());
  }

  private String drawerTitle() throws Exception {
    return fx(() -> lookup("#drawerTitle").queryAs(Label.class).getText());
  }

  @Test
  @Order(1)
  void keysSwitchPagesAndEveryPageWithHistoryIsListed() throws Exception {
    assertThat(fx(() -> lookup("#navModels").tryQuery().isPresent() && lookup("#navAudit").tryQuery().isPresent()))
        .isTrue();
    press(KeyCode.CONTROL, KeyCode.DIGIT2).release(KeyCode.DIGIT2, KeyCode.CONTROL);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(page()).isEqualTo(Page.TIMELINE);
    assertThat(fx(() -> lookup("#timeline").query().isVisible() && lookup("#timeline").query().getScene() != null))
        .isTrue();
    press(KeyCode.CONTROL, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.CONTROL);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(page()).isEqualTo(Page.LEARNING);
    clickOn("#navOverview");
    ConsoleAppTest.awaitSwitched(app);
    assertThat(page()).isEqualTo(Page.OVERVIEW);
    assertThat(fx(() -> lookup("#tileRoundValue").queryAs(Label.class).getText())).endsWith("of 400");
  }

  @Test
  @Order(2)
  void clickingARoundInTheTimelineOpensItsDetailsAndHoverShowsExactTimes() throws Exception {
    clickOn("#navTimeline");
    ConsoleAppTest.awaitSwitched(app);
    TimelineViewModel tl = app.viewModel().timeline();
    // a committed round and one of its contributors, with the view held still around it
    long round = fx(() -> tl.model().lastRoundId() - 2);
    String who = fx(() -> tl.model().details(round).contributorIds().get(0));
    Point2D at = fx(() -> {
      tl.reveal(round);
      tl.select(-1);
      app.timelineView().drawNow();
      double[] p = app.timelineView().pointOf(who, round);
      app.timelineView().drawNow();
      return app.timelineView().canvas().localToScreen(p[0], p[1]);
    });
    moveTo(at);
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> lookup("#hoverCard").query().isVisible()));
    assertThat(fx(() -> ((Label) ((Pane) lookup("#hoverCard").query()).getChildren().get(0)).getText()))
        .isEqualTo(who + " · round " + round);

    clickOn(at);
    await().atMost(Duration.ofSeconds(5)).until(this::drawerShowing);
    assertThat(drawerTitle()).isEqualTo("Round " + round);
    assertThat(fx(() -> lookup("#roundStrategy").queryAs(Label.class).getText())).isEqualTo("fedavg");
    assertThat(fx(() -> lookup("#roundStatus").queryAs(Label.class).getText())).startsWith("Committed version");
    assertThat(fx(() -> ((Pane) lookup("#roundContributors").query()).getChildren().stream()
        .map(n -> ((Hyperlink) n).getText()).toList())).contains(who);
    RoundDetails d = fx(() -> tl.detailsProperty().get());
    assertThat(d.roundId()).isEqualTo(round);

    double before = fx(() -> tl.viewport().msPerPx());
    clickOn("#zoomIn");
    assertThat(fx(() -> tl.viewport().msPerPx())).isLessThan(before);

    // make sure the console's window has the keyboard focus before pressing Escape (alarm notifications are
    // in-window toasts now and take no focus, but an earlier step of this test may have moved it)
    interact(() -> FxToolkit.toolkitContext().getRegisteredStage().requestFocus());
    push(KeyCode.ESCAPE);
    await().atMost(Duration.ofSeconds(5)).until(() -> !drawerShowing());
    assertThat(fx(() -> tl.selectedRoundProperty().get())).isEqualTo(-1);
    clickOn("#timelineLive");
    assertThat(fx(() -> tl.viewport().following())).isTrue();
  }

  @Test
  @Order(3)
  void theParticipantsTableFiltersAndOpensAParticipantThatTheTimelineCanShow() throws Exception {
    press(KeyCode.CONTROL, KeyCode.DIGIT3).release(KeyCode.DIGIT3, KeyCode.CONTROL);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(page()).isEqualTo(Page.PARTICIPANTS);
    @SuppressWarnings("unchecked")
    TableView<ParticipantRow> table = fx(() -> lookup("#participants").queryAs(TableView.class));
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> table.getItems().size()) == 8);
    clickOn("#participantFilter").write("p3");
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> table.getItems().size()) == 1);
    assertThat(fx(() -> table.getItems().get(0).id())).isEqualTo("p3");
    assertThat(fx(() -> table.getItems().get(0).selectedProperty().get())).isPositive();

    // the page may still be settling after the filter (a click was seen to land on a scroll bar's thumb
    // that was passing under the row): click the row's first cell until the drawer opens
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      clickOn(row("#participants", 0));
      return drawerShowing();
    });
    assertThat(drawerTitle()).isEqualTo("Participant p3");
    assertThat(fx(() -> lookup("#participantState").queryAs(Label.class).getText())).isNotEmpty();

    clickOn("#showInTimeline");
    ConsoleAppTest.awaitSwitched(app);
    assertThat(page()).isEqualTo(Page.TIMELINE);
    assertThat(fx(() -> app.viewModel().timeline().focusedLaneProperty().get()))
        .isEqualTo(fx(() -> (long) app.viewModel().timeline().model().laneOf("p3")));
    fx(() -> {
      app.viewModel().participants().filterProperty().set("");
      app.consoleView().drawer().close();
      return null;
    });
  }

  @Test
  @Order(4)
  void rollingBackAsksFirstThenChangesTheCurrentVersionAndIsAudited() throws Exception {
    clickOn("#navModels");
    ConsoleAppTest.awaitSwitched(app);
    @SuppressWarnings("unchecked")
    TableView<ModelVersionRow> table = fx(() -> lookup("#models").queryAs(TableView.class));
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> table.getItems().size()) >= 4);
    long current = fx(() -> app.viewModel().models().currentVersionProperty().get());
    long target = fx(() -> table.getItems().get(2).version());
    clickOn(row("#models", 2));
    assertThat(fx(() -> table.getSelectionModel().getSelectedItem().version())).isEqualTo(target);
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> !lookup("#rollback").queryButton().isDisabled()));
    clickOn("#rollback");
    WaitForAsyncUtils.waitForFxEvents();
    clickOn("#rollbackReason").write("loss went up");
    clickOn("#confirmRollback");

    await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> app.viewModel().models().currentVersionProperty().get())
        > current && fx(() -> table.getItems().get(0).info().origin()).equals("ROLLBACK"));
    ModelVersionRow top = fx(() -> table.getItems().get(0));
    assertThat(top.info().parentVersion()).isEqualTo(target);
    assertThat(top.info().reason()).isEqualTo("loss went up");
    assertThat(fx(() -> lookup("#modelsMessage").queryAs(Label.class).getText()))
        .contains("holds the parameters of version " + target);
    assertThat(fx(() -> app.viewModel().learning().markers().stream().map(LearningViewModel.Marker::label)
        .toList())).anyMatch(l -> l.contains("rollback to v" + target));

    clickOn("#navAudit");

    ConsoleAppTest.awaitSwitched(app);
    clickOn("#auditSearch").write("rolled_back");
    @SuppressWarnings("unchecked")
    TableView<AuditRecord> audit = fx(() -> lookup("#audit").queryAs(TableView.class));
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> audit.getItems().size()) >= 1);
    AuditRecord entry = fx(() -> audit.getItems().get(0));
    assertThat(entry.action()).isEqualTo("model.rolled_back");
    assertThat(entry.detail()).contains("loss went up");
    clickOn("#verifyChain");
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> lookup("#chainStatus").queryAs(Label.class)
        .getText()).startsWith("Chain intact"));
  }

  @Test
  @Order(5)
  void exportWritesTheSelectedVersionAsSafetensors() throws Exception {
    clickOn("#navModels");
    ConsoleAppTest.awaitSwitched(app);
    clickOn(row("#models", 1));
    long version = fx(() -> app.modelsView().table().getSelectionModel().getSelectedItem().version());
    clickOn("#export");
    Path out = dir.resolve("v" + version + ".safetensors");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(out) && Files.size(out) > 100);
    assertThat(fx(() -> lookup("#modelsMessage").queryAs(Label.class).getText()))
        .isEqualTo("Exported version " + version + " to " + out);
    // safetensors: an 8-byte little-endian header length, then a JSON header
    byte[] head = Files.readAllBytes(out);
    assertThat(new String(head, 8, 1, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("{");
  }

  @Test
  @Order(6)
  void theThemeSwitchesAndClickingAVersionOpensIt() throws Exception {
    clickOn("#theme");
    assertThat(fx(() -> app.consoleView().theme())).isEqualTo(ConsoleView.Theme.DARK);
    clickOn(row("#models", 0));
    await().atMost(Duration.ofSeconds(5)).until(this::drawerShowing);
    assertThat(drawerTitle()).startsWith("Model version ");
  }

  @Test
  @Order(7)
  void resumeStartsRoundsAgain() throws Exception {
    assertThat(fx(() -> lookup("#pause").queryButton().getText())).isEqualTo("Resume");
    int before = fx(() -> app.viewModel().overview().rows().size());
    clickOn("#pause");
    await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> app.viewModel().overview().rows().size()) > before);
    assertThat(fx(() -> lookup("#stateChip").queryAs(Label.class).getText())).isEqualTo("Running");
  }

  @Test
  @Order(8)
  void hiddenPagesStayInTheSceneHoldTheirTablesAndCatchUpWhenShown() throws Exception {
    // rounds run again (order 7)
    fx(() -> {
      app.viewModel().show(Page.PARTICIPANTS);
      return null;
    });
    ConsoleAppTest.awaitSwitched(app);
    assertThat(fx(() -> app.viewModel().participants().liveRowsProperty().get())).isTrue();
    // the columns the last run left: CPU hidden, the detailed counts shown
    assertThat(fx(() -> app.participantsView().hiddenColumns())).containsExactly("colCpu");
    fx(() -> {
      app.viewModel().show(Page.TIMELINE);
      return null;
    });
    ConsoleAppTest.awaitSwitched(app);
    assertThat(fx(() -> app.viewModel().participants().liveRowsProperty().get())).isFalse();
    @SuppressWarnings("unchecked")
    TableView<Object> rounds = fx(() -> lookup("#rounds").queryAs(TableView.class));
    assertThat(fx(() -> rounds.getScene())).as("a hidden page keeps its styles: it stays in the scene").isNotNull();
    Object newest = fx(() -> rounds.getItems().get(0));
    await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> app.viewModel().overview().rows().get(0)) != newest);
    assertThat(fx(() -> rounds.getItems().get(0))).as("the hidden table holds still").isSameAs(newest);
    fx(() -> {
      app.viewModel().show(Page.OVERVIEW);
      return null;
    });
    ConsoleAppTest.awaitSwitched(app);
    assertThat(fx(() -> java.util.List.copyOf(rounds.getItems())))
        .containsExactlyElementsOf(fx(() -> java.util.List.copyOf(app.viewModel().overview().rows())));
    fx(() -> {
      app.viewModel().show(Page.MODELS); // where close() expects the console to be left
      return null;
    });
    ConsoleAppTest.awaitSwitched(app);
  }
}
