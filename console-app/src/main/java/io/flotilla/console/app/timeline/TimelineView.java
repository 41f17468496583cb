package io.flotilla.console.app.timeline;

import atlantafx.base.theme.Styles;
import io.flotilla.console.app.console.CssPalette;
import io.flotilla.console.app.format.Units;
import io.flotilla.console.app.perf.StallRecorder;
import io.flotilla.engine.api.RoundPhase;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Consumer;
import javafx.animation.AnimationTimer;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignA;
import org.kordamp.ikonli.materialdesign2.MaterialDesignM;
import org.kordamp.ikonli.materialdesign2.MaterialDesignR;
import org.kordamp.ikonli.materialdesign2.MaterialDesignV;

/**
 * The Timeline page: a Gantt chart of rounds, one lane per participant, time left to right. The header band
 * shows each round (committed, aborted or running) with a tick at its deadline; each lane shows, per round,
 * the participant's segment from selection to answer, coloured by outcome; once the participant has reported
 * its phase timings, a finished segment is split into download / train / upload sub-blocks above a thin band
 * of the outcome colour (legend, hover card and round details show the three durations). The wheel zooms around the
 * mouse, dragging pans (both ways), Shift+wheel scrolls lanes; hovering shows exact times and clicking a
 * round opens its details.
 *
 * <p>Drawn on a canvas the size of the visible area, and only the visible lanes and rounds: drawing cost
 * does not grow with history (a thousand rounds of a thousand participants). The canvas is redrawn on the
 * pulse after an interaction, and at most ten times a second for new data.
 *
 * <p>Ids: {@code #timeline} (the canvas), {@code #timelineLive}, {@code #zoomIn}, {@code #zoomOut},
 * {@code #zoomFit}, {@code #compactLanes}, {@code #hoverCard}. Thread-safety: FX thread only.
 */
public final class TimelineView {
  private static final double AXIS_H = 20;
  private static final double BAND_H = 22;
  private static final double TOP = AXIS_H + BAND_H;
  private static final double GUTTER_W = 84;
  private static final long DATA_REDRAW_NANOS = 100_000_000L;
  private static final long[] TICK_STEPS_MS = {100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
      60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000};

  private final TimelineViewModel vm;
  private final TimelineModel model;
  private final Viewport vp;
  private final Consumer<Long> onRoundClicked;
  private final BorderPane root = new BorderPane();
  private final Canvas canvas = new Canvas();
  private final Canvas gutter = new Canvas();
  private final Pane plot = new Pane();
  private final ScrollBar hbar = new ScrollBar();
  private final ScrollBar vbar = new ScrollBar();
  private final VBox hoverCard = new VBox(2);
  private final CssPalette palette;
  private final Color[] outcomeColors = new Color[SegmentOutcome.values().length];
  /** Style classes (and legend labels after the dash) of a participant's work inside a segment. */
  static final String[] WORK = {"work-download", "work-train", "work-upload"};
  /** Height of the outcome band under the work sub-blocks of a finished segment. */
  static final double OUTCOME_BAND_H = 3;
  private final Color[] workColors = new Color[WORK.length];
  private Color bg;
  private Color stripe;
  private Color grid;
  private Color text;
  private Color muted;
  private Color deadline;
  private Color select;
  private Color focus;
  private Color committed;
  private Color aborted;
  private Color running;
  private boolean viewDirty = true;
  private long drawnVersion = -1;
  private long lastDataDraw;
  private double dragX;
  private double dragY;
  private boolean dragged;
  private boolean adjustingBars;
  private int[] lastPx = new int[0];
  private final StallRecorder drawTimes = new StallRecorder();
  /** Whether the page is the one shown; null: whenever the view is in a scene. */
  private javafx.beans.value.ObservableBooleanValue pageShown;
  private final AnimationTimer painter = new AnimationTimer() {
    @Override
    public void handle(long now) {
      long v = model.version();
      boolean dataChanged = v != drawnVersion && now - lastDataDraw >= DATA_REDRAW_NANOS;
      if (viewDirty || dataChanged) {
        if (dataChanged) {
          lastDataDraw = now;
          drawnVersion = v;
          vm.refresh();
        }
        viewDirty = false;
        redraw();
      }
    }
  };

  /**
   * @param onRoundClicked opens a round's details (the console shows them in its drawer)
   */
  public TimelineView(TimelineViewModel vm, Consumer<Long> onRoundClicked) {
    this.vm = vm;
    this.model = vm.model();
    this.vp = vm.viewport();
    this.onRoundClicked = onRoundClicked;
    String[] classes = new String[SegmentOutcome.values().length + 14];
    int i = 0;
    for (SegmentOutcome o : SegmentOutcome.values()) {
      classes[i++] = o.styleClass();
    }
    String[] others = {"tl-bg", "tl-stripe", "tl-grid", "tl-text", "tl-muted", "tl-deadline", "tl-select",
        "tl-focus", "tl-committed", "tl-aborted", "tl-running", WORK[0], WORK[1], WORK[2]};
    System.arraycopy(others, 0, classes, i, others.length);
    palette = new CssPalette(classes);
    palette.onChange(() -> {
      loadColours();
      invalidate();
    });

    canvas.setId("timeline");
    plot.getChildren().addAll(canvas, hoverCard, palette.node());
    plot.getStyleClass().add("timeline-plot");
    plot.setMinSize(100, 100);
    canvas.widthProperty().bind(plot.widthProperty());
    canvas.heightProperty().bind(plot.heightProperty());
    canvas.widthProperty().addListener((o, a, b) -> invalidate());
    canvas.heightProperty().addListener((o, a, b) -> invalidate());
    gutter.setWidth(GUTTER_W);
    Pane gutterPane = new Pane(gutter);
    gutterPane.setMinWidth(GUTTER_W);
    gutterPane.setPrefWidth(GUTTER_W);
    gutter.heightProperty().bind(gutterPane.heightProperty());
    gutterPane.getStyleClass().add("timeline-gutter");

    hbar.setOrientation(Orientation.HORIZONTAL);
    vbar.setOrientation(Orientation.VERTICAL);
    hbar.valueProperty().addListener((o, a, b) -> onHbar(b.doubleValue()));
    vbar.valueProperty().addListener((o, a, b) -> onVbar(b.doubleValue()));

    buildHoverCard();
    installMouse();

    BorderPane chart = new BorderPane(plot);
    chart.setLeft(gutterPane);
    chart.setRight(vbar);
    HBox bottom = new HBox(new Region(), hbar);
    ((Region) bottom.getChildren().get(0)).setMinWidth(GUTTER_W);
    HBox.setHgrow(hbar, Priority.ALWAYS);
    chart.setBottom(bottom);
    chart.getStyleClass().add("timeline-chart");

    Label empty = new Label();
    empty.textProperty().bind(vm.emptyTextProperty());
    empty.visibleProperty().bind(vm.emptyTextProperty().isNotEmpty());
    empty.getStyleClass().addAll(Styles.TEXT_MUTED, "empty-state");
    empty.setMouseTransparent(true);
    StackPane stack = new StackPane(chart, empty);

    VBox card = new VBox(toolbar(), stack);
    VBox.setVgrow(stack, Priority.ALWAYS);
    card.getStyleClass().add("card");
    root.setCenter(card);
    root.getStyleClass().add("page");

    vm.compactProperty().addListener((o, a, b) -> invalidate());
    vm.selectedRoundProperty().addListener((o, a, b) -> invalidate());
    vm.focusedLaneProperty().addListener((o, a, b) -> invalidate());
    root.sceneProperty().addListener((o, was, is) -> {
      if (is != null) {
        loadColours();
      }
      updatePainter();
    });
  }

  /**
   * The timeline is drawn only while {@code shown} is true (the console passes "the Timeline page is the one
   * shown"): JavaFX renders a canvas's drawing commands even while it is hidden, and the console keeps hidden
   * pages in the scene. It catches up on the first pulse after it is shown. Without it, it draws whenever it
   * is in a scene.
   */
  public TimelineView drawOnlyWhile(javafx.beans.value.ObservableBooleanValue shown) {
    pageShown = shown;
    shown.addListener((o, was, is) -> updatePainter());
    updatePainter();
    return this;
  }

  private void updatePainter() {
    if (root.getScene() != null && (pageShown == null || pageShown.get())) {
      viewDirty = true;
      painter.start();
    } else {
      painter.stop();
    }
  }

  public Node node() {
    return root;
  }

  /** The drawing canvas (for tests). */
  public Canvas canvas() {
    return canvas;
  }

  /** Asks for a redraw on the next pulse. */
  public void invalidate() {
    viewDirty = true;
  }

  /** Height of one lane plus its gap. */
  public double lanePitch() {
    return vm.compactProperty().get() ? 5 : 16;
  }

  private double laneHeight() {
    return vm.compactProperty().get() ? 4 : 12;
  }

  // ------------------------------------------------------------------ chrome

  private Node toolbar() {
    ToggleButton live = new ToggleButton("Live", new FontIcon(MaterialDesignR.RECORD_CIRCLE_OUTLINE));
    live.setId("timelineLive");
    live.setSelected(vp.following());
    live.setTooltip(new Tooltip("Follow the newest round"));
    live.setOnAction(e -> {
      vm.follow(live.isSelected());
      invalidate();
    });
    // the toggle mirrors the viewport, which panning can change
    plot.addEventHandler(MouseEvent.ANY, e -> live.setSelected(vp.following()));
    plot.addEventHandler(ScrollEvent.ANY, e -> live.setSelected(vp.following()));

    Button zoomIn = iconButton("zoomIn", MaterialDesignM.MAGNIFY_PLUS_OUTLINE, "Zoom in (or use the wheel)");
    zoomIn.setOnAction(e -> zoom(1 / 1.6));
    Button zoomOut = iconButton("zoomOut", MaterialDesignM.MAGNIFY_MINUS_OUTLINE, "Zoom out");
    zoomOut.setOnAction(e -> zoom(1.6));
    Button fit = iconButton("zoomFit", MaterialDesignA.ARROW_EXPAND_HORIZONTAL, "Show all kept rounds");
    fit.setOnAction(e -> {
      vm.fit();
      live.setSelected(vp.following());
      invalidate();
    });
    ToggleButton compact = new ToggleButton(null, new FontIcon(MaterialDesignV.VIEW_HEADLINE));
    compact.setId("compactLanes");
    compact.getStyleClass().add(Styles.BUTTON_ICON);
    compact.setTooltip(new Tooltip("Thin lanes: see hundreds of participants at once"));
    compact.selectedProperty().bindBidirectional(vm.compactProperty());

    Label summary = new Label();
    summary.setId("timelineSummary");
    summary.textProperty().bind(vm.summaryProperty());
    summary.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);

    // a flow, not a row: when the details drawer narrows the page, the legend wraps onto a second line
    // instead of cutting every label to "acc…", "rej…"
    javafx.scene.layout.FlowPane legend = new javafx.scene.layout.FlowPane(10, 4);
    legend.setId("timelineLegend");
    legend.setAlignment(Pos.CENTER_LEFT);
    legend.setPrefWrapLength(0);
    for (SegmentOutcome o : SegmentOutcome.values()) {
      Region swatch = new Region();
      swatch.getStyleClass().addAll("legend-swatch", o.styleClass());
      Label l = new Label(o.label(), swatch);
      l.getStyleClass().addAll(Styles.TEXT_SMALL, "legend-item");
      l.setMinWidth(Region.USE_PREF_SIZE);
      legend.getChildren().add(l);
    }
    Region sep = new Region();
    sep.setMinWidth(8);
    legend.getChildren().add(sep);
    for (String w : WORK) { // the sub-blocks of a finished segment, above its outcome band
      Region swatch = new Region();
      swatch.getStyleClass().addAll("legend-swatch", w);
      Label l = new Label(w.substring("work-".length()), swatch);
      l.getStyleClass().addAll(Styles.TEXT_SMALL, "legend-item");
      l.setMinWidth(Region.USE_PREF_SIZE);
      legend.getChildren().add(l);
    }
    Label title = new Label("Round timeline");
    title.getStyleClass().addAll(Styles.TITLE_4, "card-title");
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox top = new HBox(10, title, summary, spacer, live, zoomIn, zoomOut, fit, compact);
    top.setAlignment(Pos.CENTER_LEFT);
    VBox header = new VBox(6, top, legend);
    header.getStyleClass().add("card-header");
    return header;
  }

  private static Button iconButton(String id, org.kordamp.ikonli.Ikon icon, String tip) {
    Button b = new Button(null, new FontIcon(icon));
    b.setId(id);
    b.getStyleClass().add(Styles.BUTTON_ICON);
    b.setTooltip(new Tooltip(tip));
    return b;
  }

  private void zoom(double factor) {
    vp.zoomAt(factor, vp.width() / 2);
    invalidate();
  }

  private void buildHoverCard() {
    hoverCard.setId("hoverCard");
    hoverCard.getStyleClass().add("hover-card");
    hoverCard.setMouseTransparent(true);
    hoverCard.setVisible(false);
    hoverCard.setManaged(false);
    vm.hoveredProperty().addListener((o, was, s) -> {
      if (s == null) {
        hoverCard.setVisible(false);
        return;
      }
      Label head = new Label(s.participantId() + " · round " + s.roundId());
      head.getStyleClass().add("hover-title");
      Region swatch = new Region();
      swatch.getStyleClass().addAll("legend-swatch", s.outcome().styleClass());
      Label outcome = new Label(s.outcome().label(), swatch);
      hoverCard.getChildren().setAll(head, outcome, line("selected", Units.clockMillis(s.selectedAt())));
      if (s.answeredAt() != null) {
        long ms = s.answeredAt().toEpochMilli() - s.selectedAt().toEpochMilli();
        hoverCard.getChildren().add(line("answered", Units.clockMillis(s.answeredAt()) + "  (+"
            + Units.duration(ms) + ")"));
      } else {
        hoverCard.getChildren().add(line("answered", "not yet"));
      }
      if (s.phases() != null) {
        hoverCard.getChildren().addAll(line("download", Units.duration(s.phases().downloadMillis())),
            line("train", Units.duration(s.phases().trainMillis())),
            line("upload", Units.duration(s.phases().uploadMillis())));
      } else if (s.trainingMillis() >= 0) {
        hoverCard.getChildren().add(line("training (reported)", Units.duration(s.trainingMillis())));
      }
      if (s.deadline() != null) {
        hoverCard.getChildren().add(line("deadline", Units.clockMillis(s.deadline())));
      }
      if (s.reason() != null && !s.reason().isEmpty()) {
        Label why = new Label(s.reason());
        why.setWrapText(true);
        why.setMaxWidth(300);
        why.getStyleClass().add("hover-reason");
        hoverCard.getChildren().add(why);
      }
      hoverCard.applyCss();
      hoverCard.autosize();
      hoverCard.setVisible(true);
    });
  }

  private static Label line(String key, String value) {
    Label l = new Label(key + ": " + value);
    l.getStyleClass().add(Styles.TEXT_SMALL);
    return l;
  }

  // ------------------------------------------------------------------ mouse

  private void installMouse() {
    plot.setOnScroll(e -> {
      if (e.isShiftDown() || Math.abs(e.getDeltaX()) > Math.abs(e.getDeltaY())) {
        if (e.isShiftDown()) {
          double d = e.getDeltaY() != 0 ? e.getDeltaY() : e.getDeltaX();
          vp.scrollLanes(-d, contentHeight());
        } else {
          vp.panPx(e.getDeltaX());
        }
      } else if (e.getDeltaY() != 0) {
        vp.zoomAt(Math.pow(1.2, -e.getDeltaY() / 40.0), e.getX());
      }
      vm.hover(null);
      invalidate();
      e.consume();
    });
    plot.setOnMousePressed(e -> {
      dragX = e.getX();
      dragY = e.getY();
      dragged = false;
    });
    plot.setOnMouseDragged(e -> {
      double dx = e.getX() - dragX;
      double dy = e.getY() - dragY;
      if (Math.abs(dx) + Math.abs(dy) > 2) {
        dragged = true;
      }
      vp.panPx(dx);
      vp.scrollLanes(-dy, contentHeight());
      dragX = e.getX();
      dragY = e.getY();
      vm.hover(null);
      invalidate();
    });
    plot.setOnMouseMoved(this::onMove);
    plot.setOnMouseExited(e -> vm.hover(null));
    plot.setOnMouseClicked(e -> {
      if (dragged || e.getButton() != MouseButton.PRIMARY) {
        return;
      }
      long round = roundUnder(e.getX(), e.getY());
      vm.select(round);
      if (round > 0 && onRoundClicked != null) {
        onRoundClicked.accept(round);
      }
    });
  }

  private long slackMs() {
    return (long) Math.ceil(2 * vp.msPerPx());
  }

  private long roundUnder(double x, double y) {
    long ms = (long) vp.msAt(x);
    if (y >= TOP) {
      int lane = laneAt(y);
      SegmentInfo s = lane >= 0 ? model.segmentAt(ms, lane, slackMs()) : null;
      if (s != null) {
        return s.roundId();
      }
    }
    return model.roundAt(ms, slackMs());
  }

  private int laneAt(double y) {
    if (y < TOP) {
      return -1;
    }
    double pitch = lanePitch();
    int lane = (int) Math.floor((y - TOP + vp.laneScrollPx()) / pitch);
    double within = (y - TOP + vp.laneScrollPx()) - lane * pitch;
    return lane < model.laneCount() && within <= laneHeight() + 1 ? lane : -1;
  }

  private void onMove(MouseEvent e) {
    hoverAt(e.getX(), e.getY());
  }

  /** Shows the hover card for the point ({@code mx}, {@code my}) of the plot, as the mouse does. */
  public void hoverAt(double mx, double my) {
    int lane = laneAt(my);
    SegmentInfo s = lane >= 0 ? model.segmentAt((long) vp.msAt(mx), lane, slackMs()) : null;
    vm.hover(s);
    if (s != null) {
      double w = hoverCard.prefWidth(-1);
      double h = hoverCard.prefHeight(w);
      double x = mx + 14;
      double y = my + 14;
      if (x + w > plot.getWidth()) {
        x = Math.max(0, mx - w - 10);
      }
      if (y + h > plot.getHeight()) {
        y = Math.max(0, my - h - 10);
      }
      hoverCard.resizeRelocate(x, y, w, h);
    }
  }

  /**
   * The plot point in the middle of {@code participantId}'s segment in round {@code roundId} (scrolling its
   * lane into view), or null when that segment is not visible.
   */
  public double[] pointOf(String participantId, long roundId) {
    int lane = model.laneOf(participantId);
    RoundDetails d = model.details(roundId);
    if (lane < 0 || d == null) {
      return null;
    }
    vp.laneScrollTo(lane * lanePitch() - vp.height() / 3, contentHeight());
    long start = d.startedAt().toEpochMilli();
    long end = d.answers().stream().filter(a -> a.participantId().equals(participantId) && a.answeredAt() != null)
        .mapToLong(a -> a.answeredAt().toEpochMilli()).findFirst().orElse(model.latestMs());
    double x = vp.xOf((start + end) / 2.0);
    double y = laneY(lane) + laneHeight() / 2;
    return x >= 0 && x <= vp.width() && y >= TOP ? new double[] {x, y} : null;
  }

  /** Draws now (instead of on the next pulse). */
  public void drawNow() {
    viewDirty = false;
    redraw();
  }

  private double contentHeight() {
    return model.laneCount() * lanePitch();
  }

  // ------------------------------------------------------------------ scroll bars

  private void syncBars() {
    adjustingBars = true;
    try {
      long first = model.firstStartMs();
      long last = model.latestMs();
      if (first < 0) {
        hbar.setMin(0);
        hbar.setMax(1);
        hbar.setVisibleAmount(1);
        hbar.setValue(0);
      } else {
        double span = vp.endMs() - vp.startMs();
        double min = Math.min(first, vp.startMs());
        double max = Math.max(last + Viewport.LIVE_MARGIN_PX * vp.msPerPx() - span, vp.startMs());
        hbar.setMin(min);
        hbar.setMax(Math.max(min, max));
        hbar.setVisibleAmount(max > min ? span * (max - min) / Math.max(1, (last - first) + span) : 1);
        hbar.setValue(vp.startMs());
        hbar.setUnitIncrement(span / 20);
        hbar.setBlockIncrement(span / 2);
      }
      double content = contentHeight();
      double visible = Math.max(1, vp.height());
      vbar.setMin(0);
      vbar.setMax(Math.max(0, content - visible));
      vbar.setVisibleAmount(content <= visible ? Math.max(1, content) : visible * (content - visible) / content);
      vbar.setValue(vp.laneScrollPx());
      vbar.setUnitIncrement(lanePitch() * 3);
      vbar.setBlockIncrement(visible * 0.8);
    } finally {
      adjustingBars = false;
    }
  }

  private void onHbar(double v) {
    if (adjustingBars) {
      return;
    }
    vp.panPx((vp.startMs() - v) / vp.msPerPx());
    invalidate();
  }

  private void onVbar(double v) {
    if (adjustingBars) {
      return;
    }
    vp.laneScrollTo(v, contentHeight());
    invalidate();
  }

  // ------------------------------------------------------------------ drawing

  private void loadColours() {
    for (SegmentOutcome o : SegmentOutcome.values()) {
      outcomeColors[o.ordinal()] = palette.color(o.styleClass());
    }
    for (int k = 0; k < WORK.length; k++) {
      workColors[k] = palette.color(WORK[k]);
    }
    bg = palette.color("tl-bg");
    stripe = palette.color("tl-stripe");
    grid = palette.color("tl-grid");
    text = palette.color("tl-text");
    muted = palette.color("tl-muted");
    deadline = palette.color("tl-deadline");
    select = palette.color("tl-select");
    focus = palette.color("tl-focus");
    committed = palette.color("tl-committed");
    aborted = palette.color("tl-aborted");
    running = palette.color("tl-running");
  }

  /** How long each redraw of the canvas took. */
  public StallRecorder drawTimes() {
    return drawTimes;
  }

  /** Draws the visible part now, recording how long it took. */
  void redraw() {
    long t0 = System.nanoTime();
    paint();
    drawTimes.record(System.nanoTime() - t0);
  }

  /**
   * Draws the whole timeline. Every line is a filled rectangle (grid, deadlines, "now", the selected round's
   * frame): the software pipeline fills an axis-aligned rectangle directly, while a stroked line goes through
   * the Marlin rasteriser, which cost 40 ms and more a frame on this canvas whenever the JIT had just dropped
   * its compiled rasteriser (docs/RESULTS.md, session 13). FX thread.
   */
  private void paint() {
    if (bg == null) {
      loadColours();
    }
    double w = canvas.getWidth();
    double h = canvas.getHeight();
    vp.resize(w, Math.max(1, h - TOP));
    vp.clampTo(model.firstStartMs(), model.latestMs());
    vp.scrollLanes(0, contentHeight());
    GraphicsContext g = canvas.getGraphicsContext2D();
    g.setFill(bg);
    g.fillRect(0, 0, w, h);
    if (w < 2 || h < 2) {
      return;
    }
    double pitch = lanePitch();
    double laneH = laneHeight();
    int lanes = model.laneCount();
    int firstLane = (int) Math.floor(vp.laneScrollPx() / pitch);
    int lastLane = Math.min(lanes - 1, (int) Math.floor((vp.laneScrollPx() + h - TOP) / pitch));
    long from = (long) Math.floor(vp.startMs());
    long to = (long) Math.ceil(vp.endMs());

    // lane stripes
    if (!vm.compactProperty().get()) {
      g.setFill(stripe);
      for (int l = firstLane; l <= lastLane; l++) {
        if (l % 2 == 1) {
          g.fillRect(0, laneY(l), w, pitch);
        }
      }
    }
    long focused = vm.focusedLaneProperty().get();
    if (focused >= firstLane && focused <= lastLane) {
      g.setFill(focus);
      g.fillRect(0, laneY((int) focused) - 1, w, pitch);
    }

    drawAxis(g, w, h, from, to);

    // rounds in the header band; the selected one also shades its column
    long selected = vm.selectedRoundProperty().get();
    g.setFont(Font.font(11));
    g.setTextBaseline(VPos.CENTER);
    g.setTextAlign(TextAlignment.LEFT);
    double[] selectedSpan = {Double.NaN, Double.NaN, Double.NaN};
    model.visitRounds(from, to, (id, start, end, dl, phase) -> {
      double x0 = vp.xOf(start);
      double x1 = Math.max(vp.xOf(end), x0 + 1);
      g.setFill(phase == RoundPhase.COMMITTED ? committed : phase == RoundPhase.ABORTED ? aborted : running);
      g.fillRect(x0, AXIS_H + 3, Math.max(1, x1 - x0 - 1), BAND_H - 6);
      if (x1 - x0 > 34) {
        g.setFill(bg);
        g.fillText("#" + id, x0 + 4, AXIS_H + BAND_H / 2);
      }
      if (dl >= from && dl <= to) {
        double xd = vp.xOf(dl);
        g.setFill(deadline);
        g.fillRect(xd - 1, AXIS_H + 1, 2, BAND_H - 2);
      }
      if (id == selected) {
        selectedSpan[0] = x0;
        selectedSpan[1] = x1;
        selectedSpan[2] = dl;
      }
    });
    if (!Double.isNaN(selectedSpan[0])) {
      g.setFill(select.deriveColor(0, 1, 1, 0.12));
      g.fillRect(selectedSpan[0], TOP, selectedSpan[1] - selectedSpan[0], h - TOP);
      g.setFill(select);
      frame(g, selectedSpan[0] - 1, AXIS_H + 2, selectedSpan[1] - selectedSpan[0] + 1, BAND_H - 4, 2);
    }

    // segments: at most one sub-pixel segment per lane and pixel column
    if (lastLane >= firstLane) {
      int n = lastLane - firstLane + 1;
      if (lastPx.length < n) {
        lastPx = new int[n];
      }
      Arrays.fill(lastPx, 0, n, Integer.MIN_VALUE);
      final int fl = firstLane;
      g.save();
      g.beginPath();
      g.rect(0, TOP, w, h - TOP);
      g.clip();
      boolean split = !vm.compactProperty().get();
      model.visitSegments(from, to, firstLane, lastLane, (lane, start, end, outcome, roundId, dl, tr, up) -> {
        double x0 = Math.max(-2, vp.xOf(start));
        double x1 = Math.min(w + 2, vp.xOf(end));
        int px0 = (int) Math.floor(x0);
        int px1 = (int) Math.ceil(x1);
        if (px1 - px0 <= 1) {
          if (lastPx[lane - fl] == px0) {
            return;
          }
          lastPx[lane - fl] = px0;
          px1 = px0 + 1;
        }
        double y = laneY(lane);
        g.setFill(outcomeColors[outcome.ordinal()]);
        g.fillRect(px0, y, px1 - px0, laneH);
        if (split && dl >= 0 && outcome.isFinal() && px1 - px0 >= 6) {
          drawWork(g, start, end, dl, tr, up, px0, px1, y, laneH);
        }
      });
      g.restore();
    }

    // deadline of the selected round across the lanes
    if (!Double.isNaN(selectedSpan[2]) && selectedSpan[2] >= from && selectedSpan[2] <= to) {
      double xd = vp.xOf(selectedSpan[2]);
      g.setFill(deadline);
      for (double y = TOP; y < h; y += 10) {
        g.fillRect(xd - 0.75, y, 1.5, Math.min(6, h - y));
      }
      g.setTextAlign(TextAlignment.RIGHT);
      g.fillText("deadline", xd - 4, TOP + 10);
      g.setTextAlign(TextAlignment.LEFT);
    }
    // "now" while following
    if (vp.following() && model.latestMs() >= 0) {
      double xn = vp.xOf(model.latestMs());
      g.setFill(running);
      g.fillRect(xn - 0.5, AXIS_H, 1, h - AXIS_H);
    }
    drawGutter(firstLane, lastLane);
    syncBars();
  }

  /**
   * The download / train / upload sub-blocks of a finished segment, from its start, above a band of the
   * outcome colour. Widths follow the reported milliseconds on the time axis; when they add up to more than
   * the segment (the participant's clock, or a simulated device, ran longer than the coordinator saw) they are
   * scaled down together to fill it. Whatever the segment has left (waiting for the verdict) keeps the
   * outcome colour at full height.
   */
  private void drawWork(GraphicsContext g, long start, long end, long dl, long tr, long up, int px0, int px1,
      double y, double laneH) {
    long total = dl + tr + up;
    if (total <= 0) {
      return;
    }
    double scale = Math.min(1.0, Math.max(1, end - start) / (double) total);
    long[] ms = {dl, tr, up};
    double t = start;
    int left = (int) Math.max(px0, Math.round(vp.xOf(t)));
    for (int k = 0; k < ms.length; k++) {
      t += ms[k] * scale;
      int right = (int) Math.min(px1, Math.round(vp.xOf(t)));
      if (right > left) {
        g.setFill(workColors[k]);
        g.fillRect(left, y, right - left, laneH - OUTCOME_BAND_H);
      }
      left = Math.max(left, right);
    }
  }

  private double laneY(int lane) {
    return TOP + lane * lanePitch() - vp.laneScrollPx();
  }

  private void drawAxis(GraphicsContext g, double w, double h, long from, long to) {
    double minPx = 90;
    long step = TICK_STEPS_MS[TICK_STEPS_MS.length - 1];
    for (long s : TICK_STEPS_MS) {
      if (s / vp.msPerPx() >= minPx) {
        step = s;
        break;
      }
    }
    g.setFont(Font.font(11));
    g.setTextBaseline(VPos.CENTER);
    g.setTextAlign(TextAlignment.LEFT);
    long first = Math.floorDiv(from, step) * step;
    for (long t = first; t <= to; t += step) {
      double x = Math.floor(vp.xOf(t));
      g.setFill(grid);
      g.fillRect(x, AXIS_H - 4, 1, h - AXIS_H + 4);
      if (x >= 0) {
        g.setFill(muted);
        Instant at = Instant.ofEpochMilli(t);
        g.fillText(step < 1_000 ? Units.clockMillis(at) : Units.clock(at), x + 3.5, AXIS_H / 2);
      }
    }
    g.setFill(grid);
    g.fillRect(0, TOP - 1, w, 1);
  }

  private void drawGutter(int firstLane, int lastLane) {
    GraphicsContext g = gutter.getGraphicsContext2D();
    double h = gutter.getHeight();
    g.setFill(bg);
    g.fillRect(0, 0, GUTTER_W, h);
    g.setFont(Font.font(11));
    g.setTextBaseline(VPos.CENTER);
    g.setTextAlign(TextAlignment.RIGHT);
    g.setFill(muted);
    g.fillText("rounds", GUTTER_W - 8, AXIS_H + BAND_H / 2);
    double pitch = lanePitch();
    int every = pitch >= 12 ? 1 : (int) Math.ceil(14 / pitch);
    g.save();
    g.beginPath();
    g.rect(0, TOP, GUTTER_W, h - TOP);
    g.clip();
    long focused = vm.focusedLaneProperty().get();
    for (int l = firstLane; l <= lastLane; l++) {
      if (l % every != 0 && l != focused) {
        continue;
      }
      String id = model.laneId(l);
      g.setFill(l == focused ? select : text);
      g.fillText(id == null ? "" : id, GUTTER_W - 8, laneY(l) + laneHeight() / 2);
    }
    g.restore();
    g.setFill(grid);
    g.fillRect(GUTTER_W - 1, 0, 1, h);
  }

  /**
   * The outline of a rectangle, {@code t} wide, centred on its edges as {@code strokeRect} would draw it, from
   * four filled rectangles. FX thread.
   */
  private static void frame(GraphicsContext g, double x, double y, double w, double h, double t) {
    double half = t / 2;
    g.fillRect(x - half, y - half, w + t, t);
    g.fillRect(x - half, y + h - half, w + t, t);
    g.fillRect(x - half, y + half, t, h - t);
    g.fillRect(x + w - half, y + half, t, h - t);
  }
}
