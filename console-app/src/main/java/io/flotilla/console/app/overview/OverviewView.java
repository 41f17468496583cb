package io.flotilla.console.app.overview;

import atlantafx.base.theme.Styles;
import atlantafx.base.theme.Tweaks;
import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.plugins.DataPointTooltip;
import io.fair_acc.chartfx.plugins.XValueIndicator;
import io.fair_acc.chartfx.renderer.ErrorStyle;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.chartfx.ui.css.DataSetNode;
import io.fair_acc.chartfx.ui.geometry.Side;
import io.flotilla.console.app.console.CellTip;
import io.flotilla.console.app.console.ChartCanvases;
import io.flotilla.console.app.console.HeldList;
import io.flotilla.console.app.console.PageChart;
import io.flotilla.console.app.console.PseudoStates;
import io.flotilla.console.app.console.TablePrimer;
import io.flotilla.console.app.format.Units;
import io.flotilla.engine.api.RoundPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.value.ObservableBooleanValue;
import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.shape.StrokeLineCap;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;

/**
 * The Overview page: the round table (left) and the learning curve (right), each in a titled card. A thin
 * view over {@link OverviewViewModel}: cells bind to row properties, so a round's row changes in place.
 *
 * <p>Thread-safety: build and use on the FX thread only.
 */
public final class OverviewView {
  private final OverviewViewModel vm;
  private final TableView<RoundRow> table = new TableView<>();
  private final PageChart chart;
  private final DefaultNumericAxis roundAxis = new RoundAxis();
  private final BorderPane root = new BorderPane();
  private final List<XValueIndicator> markerPlugins = new ArrayList<>();

  public OverviewView(OverviewViewModel vm, ObservableBooleanValue loading) {
    this.vm = vm;
    this.chart = buildChart();
    buildTable(loading);

    SplitPane split = new SplitPane(card("Rounds", roundsBadge(), table),
        card("Learning curve", latestBadge(), chartPane()));
    split.setDividerPositions(0.58);
    split.getStyleClass().add("overview-split");
    root.setCenter(split);
    root.getStyleClass().add("overview");
  }

  public Node node() {
    return root;
  }

  public TableView<RoundRow> table() {
    return table;
  }

  /**
   * The learning chart draws only while {@code pageShown} is true (the console passes "the Overview page is
   * the one shown"; see {@link PageChart}). Without it, it draws whenever it is in a scene.
   */
  public OverviewView drawOnlyWhile(javafx.beans.value.ObservableBooleanValue pageShown) {
    chart.drawOnlyWhile(pageShown);
    return this;
  }

  /**
   * The table holds still while {@code pageShown} is false and catches up when it turns true (see
   * {@link HeldList}: the console keeps hidden pages in the scene). Without it, it follows the view model.
   */
  public OverviewView holdWhileHidden(javafx.beans.value.ObservableBooleanValue pageShown) {
    table.setItems(new HeldList<>(vm.rows()).liveWhile(pageShown).list());
    return this;
  }

  /**
   * Fills the empty rounds table with sample rounds (every phase, then committed rounds with metrics) for
   * the page's warm-up pulse, and returns what empties it again ({@link TablePrimer}). FX thread.
   */
  public Runnable primeTable() {
    java.util.List<RoundRow> samples = new java.util.ArrayList<>();
    RoundPhase[] phases = RoundPhase.values();
    for (int i = 0; i < TablePrimer.ROWS; i++) {
      RoundRow r = new RoundRow(TablePrimer.ROWS - i);
      r.started(java.time.Instant.EPOCH, 100);
      if (i < phases.length && phases[i] != RoundPhase.COMMITTED) {
        r.phase(phases[i]);
        r.accepted(i);
      } else {
        r.committed(97, 100, 1_234 + 17L * i, 0.81 + i / 1_000.0, 0.52, 0.61);
      }
      samples.add(r);
    }
    return TablePrimer.prime(table, samples);
  }

  public XYChart chart() {
    return chart;
  }

  // ------------------------------------------------------------------ table

  private void buildTable(ObservableBooleanValue loading) {
    table.setId("rounds");
    table.setItems(vm.rows());
    table.getStyleClass().addAll(Styles.DENSE, Tweaks.EDGE_TO_EDGE, "rounds-table");
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

    TableColumn<RoundRow, Number> round = column("#", 48, r -> new ReadOnlyLongWrapper(r.round())
        .getReadOnlyProperty());
    round.getStyleClass().add(Tweaks.ALIGN_RIGHT);

    TableColumn<RoundRow, RoundPhase> phase = new TableColumn<>("Phase");
    phase.setPrefWidth(124);
    phase.setMinWidth(124);
    phase.setCellValueFactory(c -> c.getValue().phaseProperty());
    phase.setCellFactory(c -> new PhaseCell());

    TableColumn<RoundRow, String> participants = column("Participants", 110, RoundRow::participantsProperty);
    participants.getStyleClass().add(Tweaks.ALIGN_RIGHT);

    TableColumn<RoundRow, Number> duration = column("Duration", 88, RoundRow::durationMillisProperty);
    duration.setCellFactory(c -> textCell(v -> Units.duration(v.longValue())));
    duration.getStyleClass().add(Tweaks.ALIGN_RIGHT);

    TableColumn<RoundRow, Number> accuracy = column("Test acc.", 88, RoundRow::testAccuracyProperty);
    accuracy.setCellFactory(c -> textCell(v -> Units.percent(v.doubleValue())));
    accuracy.getStyleClass().add(Tweaks.ALIGN_RIGHT);

    TableColumn<RoundRow, Number> trainLoss = column("Train loss", 92, RoundRow::trainLossProperty);
    trainLoss.setCellFactory(c -> textCell(v -> Units.loss(v.doubleValue())));
    trainLoss.getStyleClass().add(Tweaks.ALIGN_RIGHT);

    TableColumn<RoundRow, String> note = column("Note", 120, RoundRow::noteProperty);
    note.setCellFactory(c -> new NoteCell());

    table.getColumns().setAll(List.of(round, phase, participants, duration, accuracy, trainLoss, note));
    for (TableColumn<RoundRow, ?> c : table.getColumns()) {
      c.setSortable(false);
      c.setReorderable(false);
      if (c != note) {
        c.setMinWidth(c.getPrefWidth());
      }
    }
    note.setMinWidth(64);

    Label empty = new Label();
    empty.textProperty().bind(vm.emptyTextProperty());
    empty.setWrapText(true);
    empty.getStyleClass().addAll(Styles.TEXT_MUTED, "empty-state");
    ProgressIndicator spinner = new ProgressIndicator();
    spinner.setPrefSize(28, 28);
    spinner.visibleProperty().bind(loading);
    spinner.managedProperty().bind(loading);
    VBox placeholder = new VBox(12, spinner, empty);
    placeholder.setAlignment(Pos.CENTER);
    placeholder.setMaxWidth(360);
    table.setPlaceholder(placeholder);
  }

  private static <T> TableColumn<RoundRow, T> column(String title, double width,
      Function<RoundRow, ObservableValue<T>> value) {
    TableColumn<RoundRow, T> c = new TableColumn<>(title);
    c.setPrefWidth(width);
    c.setCellValueFactory(f -> value.apply(f.getValue()));
    return c;
  }

  private static TableCell<RoundRow, Number> textCell(Function<Number, String> format) {
    return new TableCell<>() {
      @Override
      protected void updateItem(Number item, boolean empty) {
        super.updateItem(item, empty);
        setText(empty || item == null ? null : format.apply(item));
      }
    };
  }

  /** The phase as a coloured dot and a word, the same colours as everywhere else in the console. */
  private static final class PhaseCell extends TableCell<RoundRow, RoundPhase> {
    private final FontIcon dot = new FontIcon(MaterialDesignC.CIRCLE_MEDIUM);

    PhaseCell() {
      dot.getStyleClass().add("phase-dot");
      // the dot stays in the cell, hidden while empty: a node that leaves the scene loses its styles
      setGraphic(dot);
    }

    @Override
    protected void updateItem(RoundPhase item, boolean empty) {
      super.updateItem(item, empty);
      PseudoStates.set(this, "phase-", empty || item == null ? null : phaseStyle(item));
      if (empty || item == null) {
        setText(null);
        dot.setVisible(false);
        return;
      }
      setText(title(item));
      dot.setVisible(true);
    }
  }

  /** The abort reason, with the whole text in a tooltip. */
  private static final class NoteCell extends TableCell<RoundRow, String> {
    private final CellTip tip = CellTip.on(this);

    @Override
    protected void updateItem(String item, boolean empty) {
      super.updateItem(item, empty);
      boolean blank = empty || item == null || item.isEmpty();
      setText(blank ? null : item);
      String shown = blank ? null : item;
      tip.set(() -> shown);
      PseudoStates.set(this, "note-abort", blank ? null : "note-abort");
    }
  }

  /** CSS pseudo-class of a cell in a phase: {@code phase-collecting}. */
  public static String phaseStyle(RoundPhase p) {
    return "phase-" + p.name().toLowerCase(Locale.ROOT);
  }

  static String title(RoundPhase p) {
    String n = p.name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  private Node roundsBadge() {
    Label count = new Label();
    count.textProperty().bind(Bindings.createStringBinding(
        () -> vm.committedRoundsProperty().get() + " committed", vm.committedRoundsProperty()));
    count.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    return count;
  }

  private Node latestBadge() {
    Label latest = new Label();
    latest.setId("latestMetrics");
    latest.textProperty().bind(vm.latestMetricsProperty());
    latest.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    return latest;
  }

  // ------------------------------------------------------------------ chart

  /** Rounds are whole numbers: never a tick at 2.5. */
  private static final class RoundAxis extends DefaultNumericAxis {
    RoundAxis() {
      super("round");
      setUnit(null);
      setAutoRangeRounding(false);
      setAutoRangePadding(0.01);
      setAnimated(false);
    }

    @Override
    public double computePreferredTickUnit(double axisLength) {
      return Math.max(1, Math.ceil(super.computePreferredTickUnit(axisLength)));
    }
  }

  private PageChart buildChart() {
    DefaultNumericAxis lossAxis = new DefaultNumericAxis("loss");
    lossAxis.setUnit(null);
    lossAxis.setSide(Side.LEFT);
    lossAxis.setAnimated(false);
    lossAxis.setForceZeroInRange(true);
    // chart-fx 11.3.1 rounds a 0..2.43 range down to 0..2.0 and cuts the curve off: pad instead
    lossAxis.setAutoRangeRounding(false);
    lossAxis.setAutoRangePadding(0.05);
    DefaultNumericAxis accuracyAxis = new DefaultNumericAxis("test accuracy", 0, 1, 0.1) {
      @Override
      public double computePreferredTickUnit(double axisLength) {
        return 0.1;
      }
    };
    accuracyAxis.setUnit(null);
    accuracyAxis.setSide(Side.RIGHT);
    accuracyAxis.setAutoRanging(false);
    accuracyAxis.setAnimated(false);

    PageChart c = ChartCanvases.uncached(new PageChart(roundAxis, lossAxis));
    c.setId("learningChart");
    c.setAnimated(false);
    c.setLegendVisible(true);
    c.getStyleClass().add("learning-chart");

    ErrorDataSetRenderer losses = renderer();
    losses.getDatasets().addAll(vm.curve().losses());
    ErrorDataSetRenderer accuracy = renderer();
    accuracy.getAxes().add(accuracyAxis); // before the renderer joins the chart
    accuracy.getDatasets().add(vm.curve().testAccuracy());
    c.getRenderers().setAll(losses, accuracy);
    c.getPlugins().add(new DataPointTooltip());

    vm.markers().addListener((ListChangeListener<OverviewViewModel.Marker>) ch -> {
      while (ch.next()) {
        c.getPlugins().removeAll(markerPlugins.subList(ch.getFrom(), ch.getFrom() + ch.getRemovedSize()));
        markerPlugins.subList(ch.getFrom(), ch.getFrom() + ch.getRemovedSize()).clear();
        int at = ch.getFrom();
        for (OverviewViewModel.Marker m : ch.getAddedSubList()) {
          XValueIndicator marker = new io.flotilla.console.app.console.ChartMarker(roundAxis, m.round(), m.label(), null);
          markerPlugins.add(at++, marker);
          c.getPlugins().add(marker);
        }
      }
    });
    return c;
  }

  private static ErrorDataSetRenderer renderer() {
    ErrorDataSetRenderer r = new CurveRenderer();
    r.setErrorStyle(ErrorStyle.NONE);
    r.setDrawMarker(false);
    r.setPointReduction(false);
    r.setParallelImplementation(false); // see LearningView.lines()
    return r;
  }

  /** Plain lines; the legend shows a short stroke in the series colour instead of an error-bar glyph. */
  private static final class CurveRenderer extends ErrorDataSetRenderer {
    @Override
    public boolean drawLegendSymbol(DataSetNode style, Canvas canvas) {
      GraphicsContext gc = canvas.getGraphicsContext2D();
      double w = canvas.getWidth();
      double h = canvas.getHeight();
      gc.clearRect(0, 0, w, h);
      gc.setStroke(style.getLineColor());
      gc.setLineWidth(3);
      gc.setLineCap(StrokeLineCap.ROUND);
      gc.strokeLine(3, h / 2, w - 3, h / 2);
      return true;
    }
  }

  private Node chartPane() {
    Label empty = new Label();
    empty.textProperty().bind(vm.curveEmptyTextProperty());
    empty.getStyleClass().addAll(Styles.TEXT_MUTED, "empty-state");
    empty.visibleProperty().bind(vm.committedRoundsProperty().isEqualTo(0));
    empty.setMouseTransparent(true);
    StackPane p = new StackPane(chart, empty);
    p.getStyleClass().add("chart-pane");
    return p;
  }

  // ------------------------------------------------------------------ cards

  private static Node card(String title, Node badge, Node body) {
    Label t = new Label(title);
    t.getStyleClass().addAll(Styles.TEXT_BOLD, "card-title");
    t.setMinWidth(Label.USE_PREF_SIZE); // the badge gives way, not the title
    HBox header = new HBox(8, t);
    header.setAlignment(Pos.CENTER_LEFT);
    if (badge != null) {
      if (badge instanceof javafx.scene.control.Control c) {
        c.setMinWidth(0);
      }
      header.getChildren().add(badge);
    }
    header.getStyleClass().add("card-header");
    VBox card = new VBox(header, body);
    VBox.setVgrow(body, Priority.ALWAYS);
    card.getStyleClass().add("card");
    return card;
  }
}
