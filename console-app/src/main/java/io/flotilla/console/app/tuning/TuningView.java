package io.flotilla.console.app.tuning;

import atlantafx.base.theme.Styles;
import io.flotilla.engine.spi.AggregationStrategyProvider;
import io.flotilla.engine.spi.ParamSpec;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PropertySheet;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignU;

/**
 * The Aggregation and tuning page: the settings in force, a strategy switcher (the registry's providers), a
 * ControlsFX property sheet with the chosen strategy's typed parameters and the round settings, and "Apply
 * from next round", which shows the diff for confirmation first. Under it the A/B experiment section
 * ({@link AbExperimentView}). Ids:
 * {@code #tuningCurrent}, {@code #tuningStrategy}, {@code #tuningSheet}, {@code #applyTuning},
 * {@code #resetTuning}, {@code #tuningMessage}; in the dialog {@code #tuningDiff}, {@code #tuningReason},
 * {@code #confirmTuning}. Thread-safety: FX thread only.
 */
public final class TuningView {
  private final TuningViewModel vm;
  private final BorderPane root = new BorderPane();
  private final ComboBox<String> strategy = new ComboBox<>();
  private final PropertySheet sheet = new PropertySheet();
  private final Label message = new Label();
  private AbExperimentView abView;

  /** The page without the A/B section (it then only names the offline runner). */
  public TuningView(TuningViewModel vm) {
    this(vm, null);
  }

  /** The page with the A/B experiment section driven by {@code ab}. */
  public TuningView(TuningViewModel vm, AbExperimentViewModel ab) {
    this.vm = vm;
    Label title = new Label("Aggregation and tuning");
    title.getStyleClass().add(Styles.TITLE_4);
    Label current = new Label();
    current.setId("tuningCurrent");
    current.setWrapText(true);
    current.textProperty().bind(vm.currentTextProperty());

    strategy.setId("tuningStrategy");
    for (AggregationStrategyProvider p : vm.strategies()) {
      strategy.getItems().add(p.name());
    }
    strategy.valueProperty().addListener((o, was, is) -> {
      if (is != null && !is.equals(vm.draftStrategy())) {
        vm.chooseStrategy(is);
        rebuildSheet();
      }
    });
    sheet.setId("tuningSheet");
    sheet.setModeSwitcherVisible(false);
    sheet.setMode(PropertySheet.Mode.CATEGORY);

    Button apply = new Button("Apply from next round…", new FontIcon(MaterialDesignC.CHECK_ALL));
    apply.setId("applyTuning");
    apply.getStyleClass().add(Styles.ACCENT);
    apply.setOnAction(e -> confirmApply());
    Button reset = new Button("Reset", new FontIcon(MaterialDesignU.UNDO));
    reset.setId("resetTuning");
    reset.setOnAction(e -> {
      vm.reset();
      rebuildSheet();
    });
    message.setId("tuningMessage");
    message.setWrapText(true);
    message.textProperty().bind(vm.messageProperty());
    HBox actions = new HBox(8, new Label("Strategy"), strategy, apply, reset);
    actions.setAlignment(Pos.CENTER_LEFT);

    Node abSection;
    if (ab == null) {
      Label offline = new Label("A/B cohorts: flotilla simulate --ab A,B compares two strategies offline (two "
          + "federations side by side, Wilcoxon test).");
      offline.setId("tuningAb");
      offline.setWrapText(true);
      offline.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
      abSection = offline;
    } else {
      abView = new AbExperimentView(ab);
      abSection = abView.node();
    }

    VBox top = new VBox(8, title, current, actions, message);
    top.setPadding(new Insets(14, 14, 8, 14));
    root.setTop(top);
    root.setCenter(sheet);
    BorderPane.setMargin(sheet, new Insets(0, 14, 0, 14));
    root.setBottom(abSection);
    BorderPane.setMargin(abSection, new Insets(8, 14, 14, 14));
    vm.changesProperty().addListener((o, was, is) -> rebuildSheet());
    rebuildSheet();
  }

  /** Shows the draft (strategy and settings) again. FX thread. */
  public void rebuildSheet() {
    strategy.setValue(vm.draftStrategy());
    sheet.getItems().clear();
    String category = "Strategy: " + vm.draftStrategy();
    for (ParamSpec p : vm.parameters(vm.draftStrategy())) {
      add(new Item(category, p.name(), p.description(), type(p.type()),
          () -> convert(p.type(), vm.parameter(p.name())), v -> vm.setParameter(p.name(), String.valueOf(v))));
    }
    TuningViewModel.SETTINGS.forEach((key, label) -> {
      ParamSpec.Type t = key.equals("per_round") || key.equals("local_epochs") ? ParamSpec.Type.INT
          : key.equals("deadline_ms") ? ParamSpec.Type.INT : ParamSpec.Type.DOUBLE;
      add(new Item("Rounds", label, label + " (in force: " + vm.current(key) + ")", type(t),
          () -> convert(t, vm.setting(key)), v -> vm.setSetting(key, String.valueOf(v))));
    });
  }

  /**
   * Lists a row only while its value fits its editor: before the federation has loaded the settings are
   * unknown (null), and the sheet's numeric editors cannot show a null or a non-number.
   */
  private void add(Item item) {
    if (item.getType().isInstance(item.getValue())) {
      sheet.getItems().add(item);
    }
  }

  static Class<?> type(ParamSpec.Type t) {
    return switch (t) {
      case DOUBLE -> Double.class;
      case INT -> Integer.class;
      case BOOLEAN -> Boolean.class;
      case STRING -> String.class;
    };
  }

  static Object convert(ParamSpec.Type t, String v) {
    try {
      return switch (t) {
        case DOUBLE -> Double.valueOf(v);
        case INT -> Integer.valueOf(v);
        case BOOLEAN -> Boolean.valueOf(v);
        case STRING -> v;
      };
    } catch (RuntimeException e) {
      return v;
    }
  }

  /** Shows the diff and sends the draft when confirmed; an invalid or empty draft only says why. FX thread. */
  public void confirmApply() {
    java.util.List<String> diff;
    try {
      diff = vm.diff();
    } catch (RuntimeException e) {
      vm.apply(null); // sets the message naming the problem; sends nothing
      return;
    }
    if (diff.isEmpty()) {
      vm.apply(null);
      return;
    }
    Dialog<ButtonType> d = new Dialog<>();
    d.initOwner(root.getScene() == null ? null : root.getScene().getWindow());
    d.setTitle("Apply tuning");
    d.setHeaderText("Apply from the next round? The round in progress keeps its settings.");
    Label changes = new Label(String.join("\n", diff));
    changes.setId("tuningDiff");
    TextField reason = new TextField();
    reason.setId("tuningReason");
    reason.setPromptText("Why? (recorded in the audit log)");
    d.getDialogPane().setContent(new VBox(12, changes, new Label("Reason"), reason));
    ButtonType go = new ButtonType("Apply", ButtonBar.ButtonData.OK_DONE);
    ButtonType cancel = new ButtonType("Cancel", ButtonBar.ButtonData.CANCEL_CLOSE);
    d.getDialogPane().getButtonTypes().setAll(cancel, go);
    d.getDialogPane().lookupButton(go).setId("confirmTuning");
    d.getDialogPane().lookupButton(cancel).setId("cancelTuning");
    d.setOnHidden(e -> {
      if (d.getResult() == go) {
        vm.apply(reason.getText());
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

  /** The A/B experiment section, or null when the page has none. */
  public AbExperimentView abView() {
    return abView;
  }

  /** One editable row of the sheet. */
  static final class Item implements PropertySheet.Item {
    private final String category;
    private final String name;
    private final String description;
    private final Class<?> type;
    private final Supplier<Object> get;
    private final Consumer<Object> set;

    Item(String category, String name, String description, Class<?> type, Supplier<Object> get, Consumer<Object> set) {
      this.category = category;
      this.name = name;
      this.description = description;
      this.type = type;
      this.get = get;
      this.set = set;
    }

    @Override
    public Class<?> getType() {
      return type;
    }

    @Override
    public String getCategory() {
      return category;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public String getDescription() {
      return description;
    }

    @Override
    public Object getValue() {
      return get.get();
    }

    @Override
    public void setValue(Object value) {
      set.accept(value);
    }

    @Override
    public Optional<ObservableValue<? extends Object>> getObservableValue() {
      return Optional.empty();
    }
  }
}
