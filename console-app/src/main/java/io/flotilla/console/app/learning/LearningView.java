package io.flotilla.console.app.learning;

import atlantafx.base.theme.Styles;
import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.plugins.DataPointTooltip;
import io.fair_acc.chartfx.plugins.XValueIndicator;
import io.fair_acc.chartfx.plugins.Zoomer;
import io.fair_acc.chartfx.renderer.ErrorStyle;
import io.fair_acc.chartfx.renderer.spi.AbstractRenderer;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.chartfx.ui.css.DataSetNode;
import io.fair_acc.chartfx.ui.geometry.Side;
import io.fair_acc.dataset.DataSet;
import io.flotilla.console.app.console.ChartCanvases;
import io.flotilla.console.app.console.ChartMarker;
import io.flotilla.console.app.console.PageChart;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
import javafx.scene.shape.StrokeLineCap;

/**
 * The Learning page: one large chart of the global model's train and test loss and its test accuracy per
 * round, with the spread of the participants' local training loss as a shaded band (10th to 90th
 * percentile, line at the median), and a dashed marker wherever training was paused, resumed, stopped or
 * rolled back, or a participant was suspended. Drag a rectangle to zoom, right-click to zoom out. Under it,
 * once the Tuning page has started an A/B experiment, the two arms' curves overlaid ({@link AbOverlay}).
 *
 * <p>Ids: {@code #learningDetailChart}, {@code #learningLatest}. Thread-safety: FX thread only.
 */
public final class LearningView {
  private final LearningViewModel vm;
  private final BorderPane root = new BorderPane();
  private final DefaultNumericAxis roundAxis = new DefaultNumericAxis("round") {
    @Override
    public double computePreferredTickUnit(double axisLength) {
      return Math.max(1, Math.ceil(super.computePreferredTickUnit(axisLength))); // rounds are whole numbers
    }
  };
  private final PageChart chart;
  private final List<XValueIndicator> markerPlugins = new ArrayList<>();
  private AbOverlay abView;

  /** The page without an A/B overlay. */
  public LearningView(LearningViewModel vm) {
    this(vm, null);
  }

  /** The page, with the A/B experiment overlay under the main chart once {@code ab} follows a run. */
  public LearningView(LearningViewModel vm, AbCurvesViewModel ab) {
    this.vm = vm;
    this.chart = buildChart();
    Label title = new Label("Learning curves");
    title.getStyleClass().addAll(Styles.TITLE_4, "card-title");
    Label latest = new Label();
    latest.setId("learningLatest");
    latest.textProperty().bind(vm.latestProperty());
    latest.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    Label hint = new Label("drag to zoom · right-click to zoom out");
    hint.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    HBox header = new HBox(12, title, latest, spacer, hint);
    header.setAlignment(Pos.CENTER_LEFT);
    header.getStyleClass().add("card-header");

    Label empty = new Label("The curves fill in as rounds commit.");
    empty.getStyleClass().addAll(Styles.TEXT_MUTED, "empty-state");
    empty.visibleProperty().bind(vm.committedProperty().isEqualTo(0));
    empty.setMouseTransparent(true);
    StackPane plot = new StackPane(chart, empty);
    plot.getStyleClass().add("chart-pane");
    VBox card = new VBox(header, plot);
    VBox.setVgrow(plot, Priority.ALWAYS);
    card.getStyleClass().add("card");
    if (ab == null) {
      root.setCenter(card);
    } else {
      abView = new AbOverlay(ab);
      VBox both = new VBox(12, card, abView.node());
      VBox.setVgrow(card, Priority.ALWAYS);
      root.setCenter(both);
    }
    root.getStyleClass().add("page");
  }

  /** The A/B overlay, or null when the page has none. */
  public AbOverlay abOverlay() {
    return abView;
  }

  public Node node() {
    return root;
  }

  public XYChart chart() {
    return chart;
  }

  /**
   * The page's charts draw only while {@code pageShown} is true (the console passes "the Learning page is
   * the one shown"; see {@link PageChart}). Without it they draw whenever they are in a scene.
   */
  public LearningView drawOnlyWhile(javafx.beans.value.ObservableBooleanValue pageShown) {
    chart.drawOnlyWhile(pageShown);
    if (abView != null) {
      abView.drawOnlyWhile(pageShown);
    }
    return this;
  }

  private PageChart buildChart() {
    ChartMarker.preload();
    roundAxis.setUnit(null);
    roundAxis.setAnimated(false);
    roundAxis.setAutoRangeRounding(false);
    roundAxis.setAutoRangePadding(0.01);
    DefaultNumericAxis lossAxis = new DefaultNumericAxis("loss");
    lossAxis.setUnit(null);
    lossAxis.setSide(Side.LEFT);
    lossAxis.setAnimated(false);
    lossAxis.setForceZeroInRange(true);
    lossAxis.setAutoRangeRounding(false);
    lossAxis.setAutoRangePadding(0.05);
    DefaultNumericAxis accuracyAxis = new DefaultNumericAxis("test accuracy", 0, 1, 0.1);
    accuracyAxis.setUnit(null);
    accuracyAxis.setSide(Side.RIGHT);
    accuracyAxis.setAutoRanging(false);
    accuracyAxis.setAnimated(false);

    PageChart c = ChartCanvases.uncached(new PageChart(roundAxis, lossAxis));
    c.setId("learningDetailChart");
    c.setAnimated(false);
    c.setLegendVisible(true);
    c.getStyleClass().add("learning-detail-chart");

    ErrorDataSetRenderer band = new BandRenderer();
    band.setErrorStyle(ErrorStyle.ERRORSURFACE);
    band.setDrawMarker(false);
    band.setPointReduction(false);
    band.setParallelImplementation(false);
    band.getDatasets().add(vm.localSpread());

    ErrorDataSetRenderer losses = lines();
    losses.getDatasets().addAll(vm.trainLoss(), vm.testLoss());
    ErrorDataSetRenderer accuracy = lines();
    accuracy.getAxes().add(accuracyAxis);
    accuracy.getDatasets().add(vm.testAccuracy());
    c.getRenderers().setAll(band, losses, accuracy);
    c.getPlugins().addAll(new Zoomer(), new DataPointTooltip());

    vm.markers().addListener((ListChangeListener<LearningViewModel.Marker>) ch -> {
      while (ch.next()) {
        List<XValueIndicator> gone = markerPlugins.subList(ch.getFrom(), ch.getFrom() + ch.getRemovedSize());
        c.getPlugins().removeAll(gone);
        gone.clear();
        int at = ch.getFrom();
        for (LearningViewModel.Marker m : ch.getAddedSubList()) {
          XValueIndicator marker = new ChartMarker(roundAxis, m.round(), m.label(),
              m.kind().styleClass());
          // staggered labels, so that markers a round or two apart stay readable
          marker.setLabelPosition(0.95 - 0.07 * (at % 4));
          markerPlugins.add(at++, marker);
          c.getPlugins().add(marker);
        }
      }
    });
    return c;
  }

  /**
   * The percentile band, filled with its colour at {@link BandNode#OPACITY} opacity. chart-fx's default
   * fill is a hatch pattern, which it paints the first time the band is drawn by building a small scene
   * and taking a snapshot of it on the FX thread: a synchronous render, part of the 50–70 ms first frame
   * of this page measured in session 9 (docs/RESULTS.md).
   */
  static final class BandRenderer extends ErrorDataSetRenderer {
    @Override
    protected DataSetNode createNode(DataSet dataSet) {
      return new BandNode(this, dataSet);
    }
  }

  /** A band's style node whose fill is its line colour made translucent (never chart-fx's hatch). */
  static final class BandNode extends DataSetNode {
    static final double OPACITY = 0.28;
    private Paint colour;
    private Paint fill;

    BandNode(AbstractRenderer<?> renderer, DataSet dataSet) {
      super(renderer, dataSet);
    }

    @Override
    public Paint getLineFillPattern() {
      Paint c = getLineColor();
      if (c != colour) {
        colour = c;
        fill = c instanceof Color solid ? solid.deriveColor(0, 1, 1, OPACITY) : c;
      }
      return fill;
    }
  }

  static ErrorDataSetRenderer lines() {
    ErrorDataSetRenderer r = new ErrorDataSetRenderer() {
      @Override
      public boolean drawLegendSymbol(DataSetNode style, Canvas canvas) {
        GraphicsContext gc = canvas.getGraphicsContext2D();
        gc.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
        gc.setStroke(style.getLineColor());
        gc.setLineWidth(3);
        gc.setLineCap(StrokeLineCap.ROUND);
        gc.strokeLine(3, canvas.getHeight() / 2, canvas.getWidth() - 3, canvas.getHeight() / 2);
        return true;
      }
    };
    r.setErrorStyle(ErrorStyle.NONE);
    r.setDrawMarker(false);
    r.setPointReduction(false);
    // a few thousand points at most: computing them on the FX thread beats handing them to chart-fx's pool
    // and waiting for it (the FX thread stalled for up to 100 ms while the pool's thread waited for a core)
    r.setParallelImplementation(false);
    return r;
  }
}
