package io.flotilla.console.app.learning;

import atlantafx.base.theme.Styles;
import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.plugins.DataPointTooltip;
import io.fair_acc.chartfx.plugins.Zoomer;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.chartfx.ui.geometry.Side;
import io.flotilla.console.app.console.ChartCanvases;
import io.flotilla.console.app.console.PageChart;
import io.flotilla.sim.inprocess.AbRun;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Learning page's A/B card: test loss and test accuracy per round of both arms, overlaid (arm A and
 * arm B in distinct colours, legend "A: fedavg (n=10)"), and the verdict panel. Hidden until the first A/B
 * run reports its plan. Ids: {@code #abLossChart}, {@code #abAccuracyChart}, {@code #abStatus},
 * {@code #abVerdict}, {@code #abDetails}. Thread-safety: FX thread only.
 */
public final class AbOverlay {
  private final AbCurvesViewModel vm;
  private final VBox root;
  private final PageChart lossChart;
  private final PageChart accuracyChart;
  private final ErrorDataSetRenderer lossLines = LearningView.lines();
  private final ErrorDataSetRenderer accuracyLines = LearningView.lines();

  public AbOverlay(AbCurvesViewModel vm) {
    this.vm = vm;
    Label title = new Label("A/B experiment");
    title.getStyleClass().addAll(Styles.TITLE_4, "card-title");
    Label status = new Label();
    status.setId("abStatus");
    status.textProperty().bind(vm.statusProperty());
    status.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    HBox header = new HBox(12, title, status);
    header.setAlignment(Pos.CENTER_LEFT);
    header.getStyleClass().add("card-header");

    lossChart = chart("abLossChart", "test loss", lossLines, false);
    accuracyChart = chart("abAccuracyChart", "test accuracy", accuracyLines, true);
    HBox charts = new HBox(8, lossChart, accuracyChart);
    HBox.setHgrow(lossChart, Priority.ALWAYS);
    HBox.setHgrow(accuracyChart, Priority.ALWAYS);
    charts.getStyleClass().add("chart-pane");
    charts.setPrefHeight(240);
    charts.setMinHeight(180);

    Label verdict = new Label();
    verdict.setId("abVerdict");
    verdict.textProperty().bind(vm.verdictProperty());
    verdict.getStyleClass().add(Styles.TEXT_BOLD);
    Label details = new Label();
    details.setId("abDetails");
    details.setWrapText(true);
    details.textProperty().bind(vm.detailsProperty());
    details.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    VBox panel = new VBox(2, verdict, details);
    panel.getStyleClass().add("ab-verdict");
    root = new VBox(header, charts, panel);
    root.setId("abOverlay");
    root.getStyleClass().add("card");
    root.visibleProperty().bind(vm.activeProperty());
    root.managedProperty().bind(vm.activeProperty());
    vm.runsProperty().addListener((o, was, is) -> takeDataSets());
    takeDataSets();
  }

  private static PageChart chart(String id, String what, ErrorDataSetRenderer lines, boolean unitRange) {
    DefaultNumericAxis x = new DefaultNumericAxis("round");
    x.setUnit(null);
    x.setAnimated(false);
    x.setAutoRangeRounding(false);
    x.setAutoRangePadding(0.01);
    DefaultNumericAxis y = unitRange ? new DefaultNumericAxis(what, 0, 1, 0.1) : new DefaultNumericAxis(what);
    y.setUnit(null);
    y.setSide(Side.LEFT);
    y.setAnimated(false);
    if (unitRange) {
      y.setAutoRanging(false);
    } else {
      y.setForceZeroInRange(true);
      y.setAutoRangeRounding(false);
      y.setAutoRangePadding(0.05);
    }
    PageChart c = ChartCanvases.uncached(new PageChart(x, y));
    c.setId(id);
    c.setAnimated(false);
    c.setLegendVisible(true);
    c.getStyleClass().add("learning-ab-chart");
    lines.setPointReduction(true); // 1,000 rounds per arm stay cheap to draw
    c.getRenderers().setAll(lines);
    c.getPlugins().addAll(new Zoomer(), new DataPointTooltip());
    return c;
  }

  /** A new run has new data sets (named after its arms). */
  private void takeDataSets() {
    lossLines.getDatasets().setAll(vm.loss(AbRun.Side.A), vm.loss(AbRun.Side.B));
    accuracyLines.getDatasets().setAll(vm.accuracy(AbRun.Side.A), vm.accuracy(AbRun.Side.B));
  }

  public Node node() {
    return root;
  }

  /** Both charts draw only while {@code pageShown} is true (see {@link PageChart}). */
  public void drawOnlyWhile(javafx.beans.value.ObservableBooleanValue pageShown) {
    lossChart.drawOnlyWhile(pageShown);
    accuracyChart.drawOnlyWhile(pageShown);
  }

  public XYChart lossChart() {
    return lossChart;
  }

  public XYChart accuracyChart() {
    return accuracyChart;
  }

  /** The data sets the accuracy chart draws, in order (arm A, arm B). */
  public java.util.List<io.fair_acc.dataset.DataSet> accuracyDataSets() {
    return java.util.List.copyOf(accuracyLines.getDatasets());
  }

  /** The data sets the loss chart draws, in order (arm A, arm B). */
  public java.util.List<io.fair_acc.dataset.DataSet> lossDataSets() {
    return java.util.List.copyOf(lossLines.getDatasets());
  }
}
