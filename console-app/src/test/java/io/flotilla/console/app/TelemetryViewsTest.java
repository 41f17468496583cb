package io.flotilla.console.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flotilla.console.app.console.PseudoStates;
import atlantafx.base.theme.PrimerLight;
import io.flotilla.console.app.format.Units;
import io.flotilla.console.app.participants.ParticipantsView;
import io.flotilla.console.app.participants.ParticipantsViewModel;
import io.flotilla.console.app.timeline.RoundDetails;
import io.flotilla.console.app.timeline.RoundDetailsPane;
import io.flotilla.console.app.timeline.TimelineView;
import io.flotilla.console.app.timeline.TimelineViewModel;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.Health;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Heartbeats and phase timings as the operator sees them, headless: the Participants table's heartbeat age and
 * colouring, the timeline's download / train / upload sub-blocks (measured on the drawn pixels), and the round
 * details' duration breakdown. Each view is shown alone in a stage with the console's stylesheet.
 */
class TelemetryViewsTest extends FxRobot {
  private final TestEvents ev = new TestEvents();

  @BeforeEach
  void stage() throws Exception {
    FxToolkit.registerPrimaryStage();
  }

  @AfterEach
  void cleanUp() throws Exception {
    FxToolkit.cleanupStages();
  }

  private static <T> T fx(Callable<T> c) throws Exception {
    return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
  }

  private void show(Parent root) throws Exception {
    FxToolkit.setupStage(stage -> {
      Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
      Scene scene = new Scene(root, 1400, 500);
      scene.getStylesheets().add(getClass().getResource("/io/flotilla/console/app/console.css").toExternalForm());
      stage.setScene(scene);
      stage.show();
    });
    WaitForAsyncUtils.waitForFxEvents();
  }

  /** The visible cell of {@code participantId} in column {@code columnId}. */
  private TableCell<?, ?> cell(String participantId, String columnId) {
    return lookup(".table-cell").queryAllAs(TableCell.class).stream()
        .filter(c -> c.getTableColumn() != null && columnId.equals(c.getTableColumn().getId()))
        .filter(c -> c.getTableRow() != null && c.getTableRow().getItem() != null
            && participantId.equals(((io.flotilla.console.app.participants.ParticipantRow) c.getTableRow().getItem()).id()))
        .findFirst().orElseThrow(() -> new AssertionError("no " + columnId + " cell for " + participantId));
  }

  @Test
  void theHeartbeatColumnShowsAnAgeAndColoursAStaleParticipant() throws Exception {
    // the console's clock reads T0 + 20 s; heartbeats are expected every 5 s (stale after 15 s)
    ParticipantsViewModel vm = new ParticipantsViewModel(Runnable::run,
        Clock.fixed(TestEvents.T0.plusSeconds(20), ZoneOffset.UTC), () -> 0L);
    ParticipantsView view = fx(() -> new ParticipantsView(vm, r -> { }));
    show(fx(() -> new StackPane(view.node())));
    fx(() -> {
      vm.apply(List.of(ev.state(io.flotilla.engine.api.FederationState.CREATED,
          io.flotilla.engine.api.FederationState.RUNNING, "started", 0),
          ev.joined("p1", "server", 500, 0), ev.joined("p2", "phone", 500, 0),
          ev.heartbeat("p1", Health.mains(0.3), 19_500),
          ev.heartbeat("p2", new Health(0.6, false, 0.2, 1L << 30), 2_000)));
      vm.tick();
      return null;
    });
    WaitForAsyncUtils.waitForFxEvents();

    TableCell<?, ?> fresh = fx(() -> cell("p1", "colHeartbeat"));
    TableCell<?, ?> stale = fx(() -> cell("p2", "colHeartbeat"));
    assertThat(fx(fresh::getText)).isEqualTo("just now");
    assertThat(fx(() -> PseudoStates.has(fresh, "telemetry-bad") || PseudoStates.has(fresh, "telemetry-warn"))).isFalse();
    assertThat(fx(stale::getText)).isEqualTo("18 s ago");
    assertThat(fx(() -> PseudoStates.has(stale, "telemetry-bad"))).isTrue();
    assertThat(fx(() -> cell("p1", "colBattery").getText())).isEqualTo("mains");
    assertThat(fx(() -> cell("p2", "colBattery").getText())).isEqualTo("60.0 %");
    assertThat(fx(() -> cell("p2", "colMemory").getText())).isEqualTo("1.0 GiB");
    assertThat(fx(() -> PseudoStates.has(stale.getTableRow(), "health-bad"))).isTrue();
    // the heartbeat's tooltip is built when the pointer first enters the cell, not with the cell
    assertThat(fx(stale::getTooltip)).isNull();
    moveTo(stale);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> stale.getTooltip() == null ? null : stale.getTooltip().getText()))
        .isNotNull().startsWith(io.flotilla.console.app.format.Units.clockMillis(TestEvents.T0.plusMillis(2_000)));

    // the participant beats again: the next tick shows it fresh and uncoloured
    fx(() -> {
      vm.apply(List.of(ev.heartbeat("p2", new Health(0.6, false, 0.2, 1L << 30), 20_000)));
      vm.tick();
      return null;
    });
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> cell("p2", "colHeartbeat").getText())).isEqualTo("just now");
    assertThat(fx(() -> PseudoStates.has(cell("p2", "colHeartbeat"), "telemetry-bad"))).isFalse();
  }

  @Test
  void theDriftColumnShowsTheLabelDivergenceAndMarksADriftingParticipant() throws Exception {
    ParticipantsViewModel vm = new ParticipantsViewModel(Runnable::run,
        Clock.fixed(TestEvents.T0.plusSeconds(20), ZoneOffset.UTC), () -> 0L);
    ParticipantsView view = fx(() -> new ParticipantsView(vm, r -> { }));
    show(fx(() -> new StackPane(view.node())));
    fx(() -> {
      vm.apply(List.of(ev.joined("p1", "server", 500, 0), ev.joined("p2", "phone", 500, 0),
          ev.drift(3, 9_000, TestEvents.drifted("p1", 0.012, 0.0, false), TestEvents.drifted("p2", 0.231, 0.4, true))));
      return null;
    });
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> cell("p1", "colDrift").getText())).isEqualTo("0.012");
    assertThat(fx(() -> cell("p2", "colDrift").getText())).isEqualTo("0.231");
    assertThat(fx(() -> PseudoStates.has(cell("p1", "colDrift"), "drift-alarm"))).isFalse();
    assertThat(fx(() -> PseudoStates.has(cell("p2", "colDrift"), "drift-alarm"))).isTrue();
    assertThat(fx(() -> PseudoStates.has(cell("p2", "colDrift").getTableRow(), "health-warn"))).isTrue();
    // the drift page's indicators, all of them, are in the cell's tooltip
    TableCell<?, ?> drifting = fx(() -> cell("p2", "colDrift"));
    moveTo(drifting);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> drifting.getTooltip() == null ? null : drifting.getTooltip().getText()))
        .isEqualTo("label JS 0.231 bits · loss trend +40 % · norm trend +1 % (round 3), drifting");

    // the monitor clears it in the next round, with the same divergence: the cell follows the flag
    fx(() -> {
      vm.apply(List.of(ev.drift(4, 10_000, TestEvents.drifted("p2", 0.231, 0.0, false))));
      return null;
    });
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> PseudoStates.has(cell("p2", "colDrift"), "drift-alarm"))).isFalse();
    assertThat(fx(() -> PseudoStates.has(cell("p2", "colDrift").getTableRow(), "health-warn"))).isFalse();
  }

  @Test
  void theParticipantDetailsKeepEveryKeyWholeAtTheDrawersWidth() throws Exception {
    ParticipantsViewModel vm = new ParticipantsViewModel(Runnable::run,
        Clock.fixed(TestEvents.T0.plusSeconds(20), ZoneOffset.UTC), () -> 0L);
    fx(() -> {
      vm.apply(List.of(ev.joined("p1", "phone", 500, 0), ev.heartbeat("p1", new Health(0.4, false, 0.9, 1L << 30), 19_000),
          ev.drift(3, 9_000, TestEvents.drifted("p1", 0.464, -0.03, true))));
      vm.tick();
      return null;
    });
    javafx.scene.layout.VBox drawer = fx(() -> {
      javafx.scene.layout.VBox d = new javafx.scene.layout.VBox(io.flotilla.console.app.participants.ParticipantDetailsPane
          .of(vm.find("p1"), List.of(), () -> { }, round -> { }));
      d.setMaxWidth(io.flotilla.console.app.console.DetailDrawer.WIDTH);
      return d;
    });
    show(fx(() -> new StackPane(drawer)));
    List<String> cut = fx(() -> drawer.lookupAll(".fact-key").stream()
        .map(n -> (javafx.scene.control.Label) n)
        .filter(l -> l.getWidth() + 0.5 < l.prefWidth(-1))
        .map(javafx.scene.control.Label::getText).toList());
    assertThat(cut).as("keys narrower than their text (shown as '…')").isEmpty();
    assertThat(fx(() -> ((javafx.scene.control.Label) drawer.lookup("#participantDrift")).getText()))
        .startsWith("label JS 0.464 bits").endsWith("drifting");
  }

  private List<FederationEvent> roundWithPhases() {
    List<FederationEvent> events = new ArrayList<>(ev.open(1, 0, 60_000, "p1", "p2", "p3"));
    events.addAll(List.of(
        ev.phases(1, "p1", 100, 600, 300, 900),
        ev.accepted(1, "p1", 1_000, 0.5),
        ev.accepted(1, "p2", 1_100, 0.5),
        ev.phases(1, "p2", 200, 800, 100, 1_150),
        ev.accepted(1, "p3", 1_200, 0.5),
        ev.phases(1, "p3", 50, 400, 900, 1_250)));
    events.addAll(ev.close(1, 1_300, 3, 3, 0.7));
    return events;
  }

  /** Runs of equal colour along row {@code y} of the image, as {x, width, argb}. */
  private static List<int[]> runs(PixelReader px, int width, int y) {
    List<int[]> out = new ArrayList<>();
    int start = 0;
    int argb = px.getArgb(0, y);
    for (int x = 1; x <= width; x++) {
      int c = x < width ? px.getArgb(x, y) : ~argb;
      if (c != argb) {
        out.add(new int[] {start, x - start, argb});
        start = x;
        argb = c;
      }
    }
    return out;
  }

  @Test
  void aFinishedSegmentHasThreeSubBlocksWhoseWidthsFollowTheReportedMillisAboveItsOutcomeBand() throws Exception {
    TimelineViewModel vm = new TimelineViewModel(Runnable::run, 100);
    TimelineView view = fx(() -> new TimelineView(vm, id -> { }));
    show(fx(() -> new StackPane(view.node())));
    WritableImage img = fx(() -> {
      vm.apply(roundWithPhases());
      vm.fit();
      view.drawNow();
      return view.canvas().snapshot(null, null);
    });
    int w = (int) img.getWidth();
    double laneTop = 42; // axis + round band; lane p1 is the first row
    PixelReader px = img.getPixelReader();
    int background = px.getArgb(w - 2, (int) laneTop + 10);
    // the outcome band along the bottom of the lane: one run of the outcome colour, the whole segment
    int[] band = runs(px, w, (int) laneTop + 10).stream().filter(r -> r[2] != background)
        .max((a, b) -> Integer.compare(a[1], b[1])).orElseThrow();
    assertThat(band[1]).as("segment width in px").isGreaterThan(200);
    // above it, from the segment's start: download, train, upload, each its own colour
    List<int[]> blocks = runs(px, w, (int) laneTop + 3).stream()
        .filter(r -> r[0] >= band[0] - 1 && r[0] + r[1] <= band[0] + band[1] + 1 && r[1] > 2).toList();
    assertThat(blocks).hasSize(3);
    assertThat(blocks).extracting(r -> r[2]).doesNotHaveDuplicates().doesNotContain(band[2]);
    double total = blocks.stream().mapToInt(r -> r[1]).sum();
    assertThat(total).isCloseTo(band[1], within(2.0)); // 1,000 ms reported over a 1,000 ms segment
    assertThat(blocks.get(0)[1] / total).isCloseTo(0.1, within(0.01));
    assertThat(blocks.get(1)[1] / total).isCloseTo(0.6, within(0.01));
    assertThat(blocks.get(2)[1] / total).isCloseTo(0.3, within(0.01));

    // the hover card names the three durations
    fx(() -> {
      double[] p = view.pointOf("p1", 1);
      view.hoverAt(p[0], p[1]);
      return null;
    });
    WaitForAsyncUtils.waitForFxEvents();
    List<String> lines = fx(() -> lookup("#hoverCard .label").queryAllAs(Label.class).stream()
        .map(Label::getText).toList());
    assertThat(lines).contains("download: " + Units.duration(100), "train: " + Units.duration(600),
        "upload: " + Units.duration(300));
  }

  @Test
  void roundDetailsShowTheMedianAndMaxOfEachPhaseOverContributors() throws Exception {
    TimelineViewModel vm = new TimelineViewModel(Runnable::run, 100);
    vm.apply(roundWithPhases());
    RoundDetails d = vm.model().details(1);
    show(fx(() -> new StackPane(RoundDetailsPane.of(d, "fedavg", id -> { }))));
    assertThat(fx(() -> lookup("#work-download-median").queryAs(Label.class).getText()))
        .isEqualTo(Units.duration(100));
    assertThat(fx(() -> lookup("#work-download-max").queryAs(Label.class).getText())).isEqualTo(Units.duration(200));
    assertThat(fx(() -> lookup("#work-train-median").queryAs(Label.class).getText())).isEqualTo(Units.duration(600));
    assertThat(fx(() -> lookup("#work-train-max").queryAs(Label.class).getText())).isEqualTo(Units.duration(800));
    assertThat(fx(() -> lookup("#work-upload-median").queryAs(Label.class).getText())).isEqualTo(Units.duration(300));
    assertThat(fx(() -> lookup("#work-upload-max").queryAs(Label.class).getText())).isEqualTo(Units.duration(900));
  }
}
