package io.flotilla.console.app.tuning;

import atlantafx.base.theme.Styles;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.sim.inprocess.AbRun;
import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PropertySheet;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignP;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;

/**
 * The Tuning page's "A/B experiment" section: strategy B (the registry's providers, with its typed
 * parameters in a property sheet as in the strategy switcher), the split and the rounds, and "Start A/B…",
 * which lists the two arms and their cohort sizes for confirmation. Pause/Resume and Stop act on both arms.
 * Disabled, with the reason shown and as a tooltip, when the federation cannot be split (served to
 * participant processes, or still loading). Ids: {@code #abSection}, {@code #abStrategy}, {@code #abSplit},
 * {@code #abRounds}, {@code #abSheet}, {@code #startAb}, {@code #pauseAb}, {@code #stopAb}, {@code #abMessage},
 * {@code #abUnavailable}; in the dialog {@code #abPlan}, {@code #confirmAb}, {@code #cancelAb}. Thread-safety:
 * FX thread only.
 */
public final class AbExperimentView {
  private final AbExperimentViewModel vm;
  private final VBox root;
  private final ComboBox<String> strategy = new ComboBox<>();
  private final PropertySheet sheet = new PropertySheet();

  public AbExperimentView(AbExperimentViewModel vm) {
    this.vm = vm;
    Label title = new Label("A/B experiment");
    title.getStyleClass().add(Styles.TITLE_4);
    Label what = new Label("Runs the current scenario twice beside the console's federation: its participants "
        + "are split into two cohorts, arm A keeps the strategy in force, arm B runs the one chosen here. The "
        + "Learning page overlays both arms' curves and shows the verdict (Wilcoxon signed-rank test on the "
        + "final models' per-participant accuracy).");
    what.setWrapText(true);
    what.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);

    strategy.setId("abStrategy");
    strategy.getItems().setAll(vm.strategies());
    strategy.setValue(vm.strategy());
    strategy.valueProperty().addListener((o, was, is) -> {
      if (is != null && !is.equals(vm.strategy())) {
        vm.chooseStrategy(is);
        rebuildSheet();
      }
    });
    ComboBox<String> split = new ComboBox<>();
    split.setId("abSplit");
    split.getItems().setAll("random", "alternate");
    split.setValue(vm.split().name().toLowerCase(Locale.ROOT));
    split.valueProperty().addListener((o, was, is) -> {
      if (is != null) {
        vm.setSplit(AbRun.Split.valueOf(is.toUpperCase(Locale.ROOT)));
      }
    });
    TextField rounds = new TextField(vm.rounds());
    rounds.setId("abRounds");
    rounds.setPrefColumnCount(6);
    rounds.textProperty().addListener((o, was, is) -> vm.setRounds(is));

    Button start = new Button("Start A/B…", new FontIcon(MaterialDesignP.PLAY_CIRCLE_OUTLINE));
    start.setId("startAb");
    start.getStyleClass().add(Styles.ACCENT);
    start.setOnAction(e -> confirmStart());
    start.disableProperty().bind(vm.runningProperty());
    Button pause = new Button("Pause");
    pause.setId("pauseAb");
    pause.textProperty().bind(javafx.beans.binding.Bindings.when(vm.pausedProperty()).then("Resume").otherwise("Pause"));
    pause.setOnAction(e -> vm.togglePause());
    pause.disableProperty().bind(vm.runningProperty().not());
    Button stop = new Button("Stop", new FontIcon(MaterialDesignS.STOP_CIRCLE_OUTLINE));
    stop.setId("stopAb");
    stop.setOnAction(e -> vm.stop());
    stop.disableProperty().bind(vm.runningProperty().not());
    HBox row = new HBox(8, new Label("Strategy B"), strategy, new Label("Split"), split, new Label("Rounds"), rounds,
        start, pause, stop);
    row.setAlignment(Pos.CENTER_LEFT);

    sheet.setId("abSheet");
    sheet.setModeSwitcherVisible(false);
    sheet.setSearchBoxVisible(false);
    sheet.setPrefHeight(110);
    sheet.setMinHeight(80);

    Label message = new Label();
    message.setId("abMessage");
    message.setWrapText(true);
    message.textProperty().bind(vm.messageProperty());
    VBox controls = new VBox(8, row, sheet, message);
    controls.disableProperty().bind(vm.availableProperty().not());

    Label unavailable = new Label();
    unavailable.setId("abUnavailable");
    unavailable.setWrapText(true);
    unavailable.textProperty().bind(javafx.beans.binding.Bindings.concat("Unavailable: ",
        vm.unavailableReasonProperty()));
    unavailable.getStyleClass().addAll(Styles.WARNING, Styles.TEXT_SMALL);
    unavailable.visibleProperty().bind(vm.availableProperty().not());
    unavailable.managedProperty().bind(unavailable.visibleProperty());

    root = new VBox(6, title, what, unavailable, controls);
    root.setId("abSection");
    root.getStyleClass().add("ab-section");
    // a disabled control shows no tooltip: the section (never disabled itself) carries it
    Tooltip why = new Tooltip();
    why.textProperty().bind(vm.unavailableReasonProperty());
    vm.availableProperty().addListener((o, was, is) -> {
      if (is) {
        Tooltip.uninstall(root, why);
      } else {
        Tooltip.install(root, why);
      }
    });
    if (!vm.availableProperty().get()) {
      Tooltip.install(root, why);
    }
    rebuildSheet();
  }

  private void rebuildSheet() {
    strategy.setValue(vm.strategy());
    sheet.getItems().clear();
    String category = "Strategy B: " + vm.strategy();
    for (ParamSpec p : vm.parameters()) {
      sheet.getItems().add(new TuningView.Item(category, p.name(), p.description(), TuningView.type(p.type()),
          () -> TuningView.convert(p.type(), vm.parameter(p.name())), v -> vm.setParameter(p.name(), String.valueOf(v))));
    }
  }

  /** Shows the plan (both arms, cohort sizes) and starts it when confirmed; bad input only says why. */
  public void confirmStart() {
    AbExperimentViewModel.Plan plan;
    try {
      plan = vm.plan();
    } catch (RuntimeException e) {
      vm.start(); // sets the message naming the problem; starts nothing
      return;
    }
    Dialog<ButtonType> d = new Dialog<>();
    d.initOwner(root.getScene() == null ? null : root.getScene().getWindow());
    d.setTitle("Start A/B experiment");
    d.setHeaderText("Start this A/B experiment? It is recorded in the audit log with its verdict.");
    Label lines = new Label(String.join("\n", plan.lines()));
    lines.setId("abPlan");
    d.getDialogPane().setContent(lines);
    ButtonType go = new ButtonType("Start", ButtonBar.ButtonData.OK_DONE);
    ButtonType cancel = new ButtonType("Cancel", ButtonBar.ButtonData.CANCEL_CLOSE);
    d.getDialogPane().getButtonTypes().setAll(cancel, go);
    d.getDialogPane().lookupButton(go).setId("confirmAb");
    d.getDialogPane().lookupButton(cancel).setId("cancelAb");
    d.setOnHidden(e -> {
      if (d.getResult() == go) {
        vm.start();
      }
    });
    d.show();
  }

  public Node node() {
    return root;
  }

  public PropertySheet sheet() {
    return sheet;
  }
}
