package io.flotilla.console.app.drift;

import atlantafx.base.theme.Styles;
import io.flotilla.console.app.format.Units;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/**
 * The Drift page: a heat map of participants (rows, sorted by id) × rounds (columns, newest right) of one drift
 * indicator, drawn on a canvas from a pixel buffer (one pixel per cell, scaled up without smoothing, so a
 * thousand rounds of a thousand participants cost one image upload), with the cells over a threshold outlined;
 * beside it the drift and divergence alarms. Clicking a cell or an alarm selects its participant and opens it.
 * Redraws at most once per event batch, and only while the page is on screen.
 *
 * <p>Ids: {@code #driftHeatmap}, {@code #driftIndicator}, {@code #driftAlarms}, {@code #driftSummary},
 * {@code #driftHover}. Thread-safety: FX thread only.
 */
public final class DriftView {
  private final ListView<DriftViewModel.AlarmRow> list = new ListView<>();
  /** Narrowest column, in pixels: the map shows the newest rounds that fit. */
  static final double MIN_CELL = 2;

  private final DriftViewModel vm;
  private final Consumer<String> openParticipant;
  private final BorderPane root = new BorderPane();
  private final Canvas canvas = new Canvas();
  private final Label hover = new Label();
  private float[] heat = new float[0];
  private boolean[] alarm = new boolean[0];
  private int[] pixels = new int[0];
  private WritableImage image;
  private int shownFrom;
  private int shownCols;
  private boolean dirty = true;
  /** Whether the page is the one shown; null: whenever the canvas is in a scene. */
  private javafx.beans.value.ObservableBooleanValue pageShown;

  /** @param openParticipant opens a participant's details (the drawer) */
  public DriftView(DriftViewModel vm, Consumer<String> openParticipant) {
    this.vm = vm;
    this.openParticipant = openParticipant;
    Label title = new Label("Drift");
    title.getStyleClass().addAll(Styles.TITLE_4, "card-title");
    title.setMinWidth(Region.USE_PREF_SIZE);
    ComboBox<DriftIndicator> choose = new ComboBox<>();
    choose.setId("driftIndicator");
    choose.getItems().setAll(DriftIndicator.values());
    choose.valueProperty().bindBidirectional(vm.indicatorProperty());
    choose.setMinWidth(Region.USE_PREF_SIZE);
    Label summary = new Label();
    summary.setId("driftSummary");
    summary.textProperty().bind(vm.summaryProperty());
    summary.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    summary.setMinWidth(0);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    Label legend = new Label("calm → hot · outlined: over its alarm threshold · click a cell to open");
    legend.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    legend.setMinWidth(0);
    HBox header = new HBox(12, title, choose, summary, spacer, legend);
    header.setAlignment(Pos.CENTER_LEFT);
    header.getStyleClass().add("card-header");

    canvas.setId("driftHeatmap");
    Pane plot = new Pane(canvas);
    plot.setMinSize(0, 0);
    canvas.widthProperty().bind(plot.widthProperty());
    canvas.heightProperty().bind(plot.heightProperty());
    canvas.widthProperty().addListener((o, a, b) -> redrawIfShown());
    canvas.heightProperty().addListener((o, a, b) -> redrawIfShown());
    canvas.setOnMouseClicked(this::click);
    canvas.setOnMouseMoved(this::hover);
    hover.setId("driftHover");
    hover.getStyleClass().addAll(Styles.TEXT_SMALL);
    Label empty = new Label("The heat map fills in as rounds commit with drift indicators.");
    empty.getStyleClass().addAll(Styles.TEXT_MUTED, "empty-state");
    empty.setMouseTransparent(true);
    StackPane stack = new StackPane(plot, empty);
    vm.changesProperty().addListener((o, a, b) -> {
      empty.setVisible(vm.rounds() == 0);
      redrawIfShown();
    });
    canvas.sceneProperty().addListener((o, a, s) -> {
      if (s != null && dirty) {
        redraw();
      }
    });
    VBox map = new VBox(header, stack, hover);
    map.setMinWidth(0); // the heat map gives way, not the alarm list
    VBox.setVgrow(stack, Priority.ALWAYS);
    map.getStyleClass().add("card");

    list.setItems(vm.alarms());
    list.setId("driftAlarms");
    list.setPlaceholder(new Label("No drift or divergence alarm"));
    list.setCellFactory(lv -> new io.flotilla.console.app.console.WrappingListCell<>(lv,
        a -> "round " + a.roundId() + " · " + Units.clock(a.time()) + "\n" + a.title()
            + (a.detail() == null || a.detail().isBlank() ? "" : "\n" + a.detail())));
    list.setOnMouseClicked(e -> {
      DriftViewModel.AlarmRow a = list.getSelectionModel().getSelectedItem();
      if (a != null && a.participantId() != null) {
        select(a.participantId());
      }
    });
    Label alarmsTitle = new Label("Alarms");
    alarmsTitle.getStyleClass().addAll(Styles.TITLE_4, "card-title");
    VBox side = new VBox(alarmsTitle, list);
    VBox.setVgrow(list, Priority.ALWAYS);
    side.getStyleClass().add("card");
    side.setPrefWidth(320);
    side.setMinWidth(260);
    HBox body = new HBox(14, map, side);
    HBox.setHgrow(map, Priority.ALWAYS);
    root.setCenter(body);
    root.getStyleClass().add("page");
  }

  public Node node() {
    return root;
  }

  /** The heat map canvas (for tests and screenshots). */
  public Canvas canvas() {
    return canvas;
  }

  private void select(String id) {
    vm.select(id);
    openParticipant.accept(id);
  }

  /**
   * The heat map is drawn only while {@code shown} is true (the console passes "the Drift page is the one
   * shown"): JavaFX renders a canvas's drawing commands even while it is hidden. It catches up when shown.
   */
  public DriftView drawOnlyWhile(javafx.beans.value.ObservableBooleanValue shown) {
    pageShown = shown;
    // the alarm list holds still while hidden too (the page stays in the scene): no cells made for nobody
    list.setItems(new io.flotilla.console.app.console.HeldList<>(vm.alarms()).liveWhile(shown).list());
    shown.addListener((o, was, is) -> {
      if (is && dirty && canvas.getScene() != null) {
        redraw();
      }
    });
    return this;
  }

  private void redrawIfShown() {
    dirty = true;
    if (canvas.getScene() != null && (pageShown == null || pageShown.get())) {
      redraw();
    }
  }

  /** Redraws the heat map from the view model. FX thread. */
  public void redraw() {
    dirty = false;
    GraphicsContext g = canvas.getGraphicsContext2D();
    double w = canvas.getWidth();
    double h = canvas.getHeight();
    g.clearRect(0, 0, w, h);
    int rows = vm.participants();
    int rounds = vm.rounds();
    if (rows == 0 || rounds == 0 || w < 1 || h < 1) {
      shownCols = 0;
      return;
    }
    int cols = (int) Math.max(1, Math.min(rounds, Math.floor(w / MIN_CELL)));
    shownFrom = rounds - cols;
    shownCols = cols;
    int cells = rows * cols;
    if (heat.length < cells) {
      heat = new float[cells];
      alarm = new boolean[cells];
    }
    vm.fill(shownFrom, cols, heat, alarm);
    if (pixels.length < cells) {
      pixels = new int[cells];
    }
    for (int i = 0; i < cells; i++) {
      pixels[i] = argb(heat[i]);
    }
    if (image == null || (int) image.getWidth() != cols || (int) image.getHeight() != rows) {
      image = new WritableImage(cols, rows);
    }
    image.getPixelWriter().setPixels(0, 0, cols, rows, PixelFormat.getIntArgbInstance(), pixels, 0, cols);
    g.setImageSmoothing(false);
    double cw = w / cols;
    double rh = h / rows;
    g.drawImage(image, 0, 0, w, h);
    if (rh >= 3 && cw >= 3) {
      g.setStroke(Color.web("#d6336c"));
      g.setLineWidth(1.5);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          if (alarm[r * cols + c]) {
            g.strokeRect(c * cw + 0.75, r * rh + 0.75, cw - 1.5, rh - 1.5);
          }
        }
      }
    }
    String sel = vm.selectedProperty().get();
    int selRow = sel == null ? -1 : vm.rowOf(sel);
    if (selRow >= 0) {
      g.setStroke(Color.web("#1f6feb"));
      g.setLineWidth(1);
      g.strokeRect(0.5, selRow * rh + 0.5, w - 1, Math.max(1, rh - 1));
    }
  }

  /** Calm blue through yellow to red; transparent where the participant did not report. */
  static int argb(float heat) {
    if (Float.isNaN(heat)) {
      return 0x00000000;
    }
    double t = Math.max(0, Math.min(1, heat));
    int r;
    int g;
    int b;
    if (t < 0.5) { // #4dabf7 → #ffd43b
      double u = t / 0.5;
      r = (int) (0x4d + u * (0xff - 0x4d));
      g = (int) (0xab + u * (0xd4 - 0xab));
      b = (int) (0xf7 + u * (0x3b - 0xf7));
    } else { // #ffd43b → #e03131
      double u = (t - 0.5) / 0.5;
      r = (int) (0xff + u * (0xe0 - 0xff));
      g = (int) (0xd4 + u * (0x31 - 0xd4));
      b = (int) (0x3b + u * (0x31 - 0x3b));
    }
    return 0xff000000 | (r << 16) | (g << 8) | b;
  }

  private DriftViewModel.Cell cellAt(double x, double y) {
    int rows = vm.participants();
    if (shownCols == 0 || rows == 0) {
      return null;
    }
    int c = (int) Math.floor(x / (canvas.getWidth() / shownCols));
    int r = (int) Math.floor(y / (canvas.getHeight() / rows));
    if (c < 0 || c >= shownCols || r < 0 || r >= rows) {
      return null;
    }
    String id = vm.participantAtRow(r);
    return id == null ? null : vm.cell(shownFrom + c, id);
  }

  private void click(MouseEvent e) {
    DriftViewModel.Cell cell = cellAt(e.getX(), e.getY());
    if (cell != null) {
      select(cell.participantId());
      redraw();
    }
  }

  private void hover(MouseEvent e) {
    DriftViewModel.Cell c = cellAt(e.getX(), e.getY());
    hover.setText(c == null ? "" : String.format(Locale.ROOT,
        "%s · round %d · label JS %.4f (first %.4f) · loss trend %+.3f · norm trend %+.3f · cosine %.3f%s",
        c.participantId(), c.roundId(), c.labelJs(), vm.firstLabelJs(c.participantId()), c.lossTrend(), c.normTrend(),
        c.cosine(), c.alarm() ? " · over a threshold" : ""));
  }

  /** Pixel position of {@code participantId}'s cell in the newest round (for tests), or null. */
  public javafx.geometry.Point2D newestCellOf(String participantId) {
    int row = vm.rowOf(participantId);
    if (row < 0 || shownCols == 0) {
      return null;
    }
    double cw = canvas.getWidth() / shownCols;
    double rh = canvas.getHeight() / vm.participants();
    return new javafx.geometry.Point2D((shownCols - 0.5) * cw, (row + 0.5) * rh);
  }
}
