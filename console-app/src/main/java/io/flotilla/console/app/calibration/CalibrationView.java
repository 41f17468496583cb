package io.flotilla.console.app.calibration;

import atlantafx.base.theme.Styles;
import io.flotilla.console.app.calibration.CalibrationViewModel.FeatureStat;
import io.flotilla.console.app.calibration.CalibrationViewModel.ParticipantResult;
import io.flotilla.console.app.calibration.CalibrationViewModel.Result;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignT;

/**
 * The Calibration page: a "Run calibration round" button, then the shown calibration's results — a table of
 * per-participant evaluation and reweighting, the federated feature statistics as a compact chart (mean ± one
 * standard deviation per feature) and a table — and the history of calibrations (click one to show it).
 *
 * <p>Ids: {@code #runCalibration}, {@code #calibrationStatus}, {@code #calibrationHistory},
 * {@code #calibrationParticipants}, {@code #calibrationFeatures}, {@code #calibrationFeatureChart}.
 * Thread-safety: FX thread only.
 */
public final class CalibrationView {
  private final CalibrationViewModel vm;
  private final BorderPane root = new BorderPane();
  private final Canvas chart = new Canvas();

  /** @param openParticipant opens a participant's details (a double click on its row) */
  public CalibrationView(CalibrationViewModel vm, Consumer<String> openParticipant) {
    this.vm = vm;
    Label title = new Label("Calibration");
    title.getStyleClass().addAll(Styles.TITLE_4, "card-title");
    Button run = new Button("Run calibration round", new FontIcon(MaterialDesignT.TUNE_VARIANT));
    run.setId("runCalibration");
    run.getStyleClass().add(Styles.ACCENT);
    run.disableProperty().bind(vm.runningProperty().or(vm.unavailableProperty()));
    run.setOnAction(e -> vm.run("calibration requested from the console"));
    Label status = new Label();
    status.setId("calibrationStatus");
    status.textProperty().bind(vm.statusProperty());
    status.setWrapText(true);
    status.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    HBox header = new HBox(12, title, run, status);
    HBox.setHgrow(status, Priority.ALWAYS);
    header.setAlignment(Pos.CENTER_LEFT);
    header.getStyleClass().add("card-header");

    TableView<ParticipantResult> participants = new TableView<>(vm.rows());
    participants.setId("calibrationParticipants");
    participants.setPlaceholder(new Label("Run a calibration round to see how the current model does on every "
        + "participant"));
    participants.getColumns().setAll(List.of(
        column("Participant", ParticipantResult::participantId, 96),
        column("Samples", p -> p.samples(), 80),
        column("Loss", p -> fmt(p.loss(), "%.4f"), 76),
        column("Accuracy", p -> fmt(100 * p.accuracy(), "%.1f %%"), 86),
        column("Reweighting", p -> fmt(p.weight(), "%.3f"), 110)));
    participants.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    participants.getStyleClass().add(Styles.DENSE);
    participants.setRowFactory(tv -> {
      javafx.scene.control.TableRow<ParticipantResult> row = new javafx.scene.control.TableRow<>();
      row.setOnMouseClicked(e -> {
        if (e.getClickCount() == 2 && row.getItem() != null) {
          openParticipant.accept(row.getItem().participantId());
        }
      });
      return row;
    });

    TableView<FeatureStat> features = new TableView<>(vm.features());
    features.setId("calibrationFeatures");
    features.setPlaceholder(new Label("No feature statistics yet"));
    features.getColumns().setAll(List.of(
        column("Feature", FeatureStat::feature, 70),
        column("Mean", f -> fmt(f.mean(), "%.4f"), 90),
        column("Variance", f -> fmt(f.variance(), "%.4f"), 90)));
    features.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    features.getStyleClass().add(Styles.DENSE);

    chart.setId("calibrationFeatureChart");
    Pane chartPane = new Pane(chart);
    chartPane.setPrefHeight(120);
    chartPane.setMinHeight(80);
    chart.widthProperty().bind(chartPane.widthProperty());
    chart.heightProperty().bind(chartPane.heightProperty());
    chart.widthProperty().addListener((o, a, b) -> drawChart());
    chart.heightProperty().addListener((o, a, b) -> drawChart());
    vm.features().addListener((ListChangeListener<FeatureStat>) c -> drawChart());
    Label featTitle = label("Feature statistics (federated mean ± 1 sd per feature)");
    VBox featureBox = new VBox(6, featTitle, chartPane, features);
    VBox.setVgrow(features, Priority.ALWAYS);

    ListView<Result> history = new ListView<>(vm.history());
    history.setId("calibrationHistory");
    history.setPlaceholder(new Label("No calibration yet"));
    history.setCellFactory(lv -> new io.flotilla.console.app.console.WrappingListCell<>(lv,
        r -> r.title() + "\n" + io.flotilla.console.app.format.Units.clock(r.time()) + " · mean accuracy "
            + fmt(100 * r.meanAccuracy(), "%.1f %%")));
    history.getSelectionModel().selectedItemProperty().addListener((o, a, r) -> {
      if (r != null && r != vm.shownProperty().get()) {
        vm.show(r);
      }
    });
    VBox historyBox = new VBox(6, label("History"), history);
    VBox.setVgrow(history, Priority.ALWAYS);
    historyBox.setPrefWidth(230);
    historyBox.setMinWidth(200);

    VBox evalBox = new VBox(6, label("Per-participant evaluation and reweighting"), participants);
    VBox.setVgrow(participants, Priority.ALWAYS);
    HBox body = new HBox(14, evalBox, featureBox, historyBox);
    // the evaluation table takes the width its headers need first; the feature box keeps a fixed share
    HBox.setHgrow(evalBox, Priority.ALWAYS);
    featureBox.setPrefWidth(300);
    featureBox.setMinWidth(240);
    VBox card = new VBox(10, header, body);
    VBox.setVgrow(body, Priority.ALWAYS);
    card.getStyleClass().add("card");
    root.setCenter(card);
    root.getStyleClass().add("page");
  }

  public Node node() {
    return root;
  }

  private static Label label(String text) {
    Label l = new Label(text);
    l.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_BOLD);
    return l;
  }

  static String fmt(double v, String pattern) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, pattern, v) : "—";
  }

  private static <S, T> TableColumn<S, T> column(String title, Function<S, T> value, double width) {
    TableColumn<S, T> c = new TableColumn<>(title);
    c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
    c.setPrefWidth(width);
    return c;
  }

  /** Mean (dot) ± one standard deviation (bar) of every feature, scaled to the widest range. */
  private void drawChart() {
    GraphicsContext g = chart.getGraphicsContext2D();
    double w = chart.getWidth();
    double h = chart.getHeight();
    g.clearRect(0, 0, w, h);
    List<FeatureStat> fs = vm.features();
    if (fs.isEmpty() || w < 2 || h < 2) {
      return;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (FeatureStat f : fs) {
      double sd = Math.sqrt(Math.max(0, f.variance()));
      if (Double.isFinite(f.mean()) && Double.isFinite(sd)) {
        lo = Math.min(lo, f.mean() - sd);
        hi = Math.max(hi, f.mean() + sd);
      }
    }
    if (!(hi > lo)) {
      hi = lo + 1;
    }
    double pad = 6;
    double step = (w - 2 * pad) / fs.size();
    Color bar = Color.web("#4dabf7");
    Color dot = Color.web("#1864ab");
    g.setStroke(Color.gray(0.6));
    double zero = y(0, lo, hi, h, pad);
    if (zero > pad && zero < h - pad) {
      g.strokeLine(pad, zero, w - pad, zero);
    }
    for (int i = 0; i < fs.size(); i++) {
      FeatureStat f = fs.get(i);
      double sd = Math.sqrt(Math.max(0, f.variance()));
      if (!Double.isFinite(f.mean()) || !Double.isFinite(sd)) {
        continue;
      }
      double x = pad + (i + 0.5) * step;
      g.setStroke(bar);
      g.setLineWidth(Math.max(1, Math.min(6, step * 0.6)));
      g.strokeLine(x, y(f.mean() - sd, lo, hi, h, pad), x, y(f.mean() + sd, lo, hi, h, pad));
      g.setFill(dot);
      double r = Math.max(1, Math.min(3, step * 0.4));
      g.fillOval(x - r, y(f.mean(), lo, hi, h, pad) - r, 2 * r, 2 * r);
    }
  }

  private static double y(double v, double lo, double hi, double h, double pad) {
    return h - pad - (v - lo) / (hi - lo) * (h - 2 * pad);
  }
}
