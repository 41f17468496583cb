package io.flotilla.console.app.models;

import atlantafx.base.theme.Styles;
import atlantafx.base.theme.Tweaks;
import io.flotilla.console.app.console.TablePrimer;
import io.flotilla.console.app.format.Units;
import io.flotilla.console.app.history.ModelVersion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignB;
import org.kordamp.ikonli.materialdesign2.MaterialDesignE;

/**
 * The Models page: every stored model version (newest first) with its origin, round, metrics, hash and
 * tags; the current one is marked. Actions on the selected version: roll back to it (after a confirmation
 * that says what will happen, with a reason for the audit log) and export it as safetensors. A click opens
 * the version in the details drawer.
 *
 * <p>Ids: {@code #models}, {@code #rollback}, {@code #export}, {@code #modelsMessage}, and in the dialog
 * {@code #rollbackReason}, {@code #confirmRollback}, {@code #cancelRollback}. Thread-safety: FX thread only.
 */
public final class ModelsView {
  private final ModelsViewModel vm;
  private final TableView<ModelVersionRow> table = new TableView<>();
  private final BorderPane root = new BorderPane();
  private final BiFunction<Window, ModelVersionRow, Path> exportTarget;

  /**
   * @param exportTarget asks where to write an export (a file chooser; tests give a fixed path); null
   *     result cancels
   * @param onOpen opens a version in the details drawer
   */
  public ModelsView(ModelsViewModel vm, BiFunction<Window, ModelVersionRow, Path> exportTarget,
      Consumer<ModelVersionRow> onOpen) {
    this.vm = vm;
    this.exportTarget = exportTarget == null ? ModelsView::chooseFile : exportTarget;
    buildTable(onOpen);

    Button rollback = new Button("Roll back to this version", new FontIcon(MaterialDesignB.BACKUP_RESTORE));
    rollback.setId("rollback");
    rollback.getStyleClass().add(Styles.DANGER);
    rollback.disableProperty().bind(Bindings.createBooleanBinding(() -> {
      ModelVersionRow r = table.getSelectionModel().getSelectedItem();
      return r == null || r.isCurrent() || vm.unavailableReason(r) != null || vm.federationMissing();
    }, table.getSelectionModel().selectedItemProperty(), vm.currentVersionProperty()));
    rollback.setOnAction(e -> confirmRollback(table.getSelectionModel().getSelectedItem()));
    Button export = new Button("Export safetensors…", new FontIcon(MaterialDesignE.EXPORT));
    export.setId("export");
    export.disableProperty().bind(Bindings.createBooleanBinding(() -> {
      ModelVersionRow r = table.getSelectionModel().getSelectedItem();
      return vm.unavailableReason(r) != null;
    }, table.getSelectionModel().selectedItemProperty()));
    export.setOnAction(e -> {
      ModelVersionRow r = table.getSelectionModel().getSelectedItem();
      Path out = this.exportTarget.apply(window(), r);
      if (out != null) {
        vm.export(r.version(), out);
      }
    });

    Label title = new Label("Model versions");
    title.getStyleClass().addAll(Styles.TITLE_4, "card-title");
    Label current = new Label();
    current.setId("currentVersion");
    current.textProperty().bind(Bindings.createStringBinding(() -> vm.currentVersionProperty().get() < 0 ? ""
        : "current: version " + vm.currentVersionProperty().get(), vm.currentVersionProperty()));
    current.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox header = new HBox(12, title, current, spacer, export, rollback);
    header.setAlignment(Pos.CENTER_LEFT);
    header.getStyleClass().add("card-header");
    Label message = new Label();
    message.setId("modelsMessage");
    message.textProperty().bind(vm.messageProperty());
    message.setWrapText(true);
    message.getStyleClass().addAll(Styles.TEXT_SMALL, "action-message");
    message.visibleProperty().bind(vm.messageProperty().isNotEmpty());
    message.managedProperty().bind(message.visibleProperty());
    VBox card = new VBox(header, message, table);
    VBox.setVgrow(table, Priority.ALWAYS);
    card.getStyleClass().add("card");
    root.setCenter(card);
    root.getStyleClass().add("page");
  }

  public Node node() {
    return root;
  }

  /**
   * Fills the empty versions table with sample versions (round results, a rollback, the current one) for
   * the page's warm-up pulse, and returns what empties it again ({@link TablePrimer}). FX thread.
   */
  public Runnable primeTable() {
    List<ModelVersionRow> samples = new java.util.ArrayList<>();
    Instant at = Instant.EPOCH;
    for (int i = 0; i < TablePrimer.ROWS; i++) {
      long v = TablePrimer.ROWS - i;
      boolean rollback = i == 3;
      samples.add(new ModelVersionRow(new ModelVersion(v, "0123456789abcdef0123456789abcdef", rollback ? null : v,
          v - 1, rollback ? "ROLLBACK" : "ROUND", at.plusSeconds(v), "operator", rollback ? "sample" : null, 97,
          7_850, Map.of("test_accuracy", 0.8 + i / 1_000.0, "test_loss", 0.61), List.of(), i != 5, i == 0)));
    }
    return TablePrimer.prime(table, samples);
  }

  public TableView<ModelVersionRow> table() {
    return table;
  }

  private Window window() {
    return root.getScene() == null ? null : root.getScene().getWindow();
  }

  private static Path chooseFile(Window owner, ModelVersionRow r) {
    FileChooser fc = new FileChooser();
    fc.setTitle("Export version " + r.version() + " as safetensors");
    fc.setInitialFileName("flotilla-v" + r.version() + ".safetensors");
    fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("safetensors", "*.safetensors"));
    java.io.File f = fc.showSaveDialog(owner);
    return f == null ? null : f.toPath();
  }

  private void buildTable(Consumer<ModelVersionRow> onOpen) {
    table.setId("models");
    table.setItems(vm.rows());
    table.getStyleClass().addAll(Styles.DENSE, Tweaks.EDGE_TO_EDGE, "models-table");
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    table.setRowFactory(t -> {
      TableRow<ModelVersionRow> row = new TableRow<>();
      row.setOnMouseClicked(e -> {
        if (e.getButton() == MouseButton.PRIMARY && !row.isEmpty()) {
          onOpen.accept(row.getItem());
        }
      });
      return row;
    });

    TableColumn<ModelVersionRow, ModelVersionRow> version = new TableColumn<>("Version");
    version.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
    version.setCellFactory(c -> new VersionCell());
    version.setPrefWidth(110);
    TableColumn<ModelVersionRow, String> origin = col("Origin", 80, v -> v.origin().toLowerCase(Locale.ROOT));
    TableColumn<ModelVersionRow, String> round = col("Round", 60, v -> v.roundId() == null ? Units.NONE
        : v.roundId().toString());
    round.getStyleClass().add(Tweaks.ALIGN_RIGHT);
    TableColumn<ModelVersionRow, String> created = col("Created", 96, v -> Units.clock(v.createdAt()));
    TableColumn<ModelVersionRow, String> contributors = col("Contrib.", 70, v -> Integer.toString(v.contributors()));
    contributors.getStyleClass().add(Tweaks.ALIGN_RIGHT);
    TableColumn<ModelVersionRow, String> acc = col("Test acc.", 80, v -> Units.percent(v.metric("test_accuracy")));
    acc.getStyleClass().add(Tweaks.ALIGN_RIGHT);
    TableColumn<ModelVersionRow, String> loss = col("Test loss", 80, v -> Units.loss(v.metric("test_loss")));
    loss.getStyleClass().add(Tweaks.ALIGN_RIGHT);
    TableColumn<ModelVersionRow, String> sha = col("SHA-256", 110, v -> v.sha256().substring(0, 12) + "…");
    sha.getStyleClass().add("mono");
    TableColumn<ModelVersionRow, String> note = col("Note", 160, ModelsView::note);
    table.getColumns().setAll(List.of(version, origin, round, created, contributors, acc, loss, sha, note));
    for (TableColumn<ModelVersionRow, ?> c : table.getColumns()) {
      c.setSortable(false);
      c.setReorderable(false);
    }
    Label empty = new Label();
    empty.textProperty().bind(vm.emptyTextProperty());
    empty.getStyleClass().addAll(Styles.TEXT_MUTED, "empty-state");
    table.setPlaceholder(empty);
  }

  static String note(ModelVersion v) {
    StringBuilder sb = new StringBuilder();
    if (!v.tags().isEmpty()) {
      sb.append("tags ").append(String.join(", ", v.tags())).append("  ");
    }
    if (!v.blobPresent()) {
      sb.append("purged  ");
    }
    if ("ROLLBACK".equals(v.origin()) || "IMPORT".equals(v.origin())) {
      sb.append(v.parentVersion() == null ? "" : "from v" + v.parentVersion() + " ");
      sb.append(v.reason() == null ? "" : "· " + v.reason());
    }
    return sb.toString().trim();
  }

  private static TableColumn<ModelVersionRow, String> col(String title, double width,
      Function<ModelVersion, String> value) {
    TableColumn<ModelVersionRow, String> c = new TableColumn<>(title);
    c.setPrefWidth(width);
    c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue().info())));
    return c;
  }

  /** "v12" and, for the current version, a "current" chip that follows the row's property. */
  private static final class VersionCell extends TableCell<ModelVersionRow, ModelVersionRow> {
    private final Label chip = new Label("current");

    VersionCell() {
      chip.getStyleClass().add("current-chip");
      // the chip stays in the cell, hidden when not wanted: a node that leaves the scene loses its styles,
      // and an empty cell would otherwise re-style its chip when it gets a row again
      setGraphic(chip);
      setContentDisplay(javafx.scene.control.ContentDisplay.RIGHT);
    }

    @Override
    protected void updateItem(ModelVersionRow item, boolean empty) {
      super.updateItem(item, empty);
      if (empty || item == null) {
        setText(null);
        chip.visibleProperty().unbind();
        chip.setVisible(false);
        return;
      }
      setText("v" + item.version());
      chip.visibleProperty().bind(item.currentProperty());
    }
  }

  private void confirmRollback(ModelVersionRow row) {
    if (row == null) {
      return;
    }
    Dialog<ButtonType> d = new Dialog<>();
    d.initOwner(window());
    d.setTitle("Roll back the global model");
    d.setHeaderText("Roll back to version " + row.version() + "?");
    Label what = new Label(vm.rollbackConsequences(row));
    what.setWrapText(true);
    what.setMaxWidth(460);
    TextField reason = new TextField();
    reason.setId("rollbackReason");
    reason.setPromptText("Why? (recorded in the audit log)");
    VBox content = new VBox(12, what, new Label("Reason"), reason);
    d.getDialogPane().setContent(content);
    ButtonType go = new ButtonType("Roll back", ButtonBar.ButtonData.OK_DONE);
    ButtonType cancel = new ButtonType("Cancel", ButtonBar.ButtonData.CANCEL_CLOSE);
    d.getDialogPane().getButtonTypes().setAll(cancel, go);
    Node goButton = d.getDialogPane().lookupButton(go);
    goButton.setId("confirmRollback");
    goButton.getStyleClass().add(Styles.DANGER);
    d.getDialogPane().lookupButton(cancel).setId("cancelRollback");
    d.setOnHidden(e -> {
      if (d.getResult() == go) {
        vm.rollback(row.version(), reason.getText());
      }
    });
    d.show();
  }

  /** The drawer body for one version. */
  public static Node details(ModelVersionRow row) {
    ModelVersion v = row.info();
    GridPane g = new GridPane();
    g.setId("versionDetails");
    g.setHgap(12);
    g.setVgap(4);
    g.getStyleClass().addAll("details", "facts");
    int r = 0;
    r = fact(g, r, "Version", "v" + v.version() + (row.isCurrent() ? " (current)" : ""));
    r = fact(g, r, "Origin", v.origin().toLowerCase(Locale.ROOT) + (v.roundId() == null ? "" : " of round "
        + v.roundId()));
    r = fact(g, r, "Parent", v.parentVersion() == null ? Units.NONE : "v" + v.parentVersion());
    r = fact(g, r, "Created", Units.clockMillis(v.createdAt() == null ? Instant.EPOCH : v.createdAt()) + " by "
        + v.actor());
    if (v.reason() != null) {
      r = fact(g, r, "Reason", v.reason());
    }
    r = fact(g, r, "Contributors", Integer.toString(v.contributors()));
    r = fact(g, r, "Parameters", Units.count(v.parameterCount()) + (v.blobPresent() ? "" : " (purged)"));
    r = fact(g, r, "SHA-256", v.sha256());
    r = fact(g, r, "Tags", v.tags().isEmpty() ? Units.NONE : String.join(", ", v.tags()));
    for (Map.Entry<String, Double> m : new TreeMap<>(v.metrics()).entrySet()) {
      r = fact(g, r, m.getKey().replace('_', ' '), m.getKey().contains("accuracy") ? Units.percent(m.getValue())
          : Units.loss(m.getValue()));
    }
    return g;
  }

  private static int fact(GridPane g, int row, String key, String value) {
    Label k = new Label(key);
    k.getStyleClass().addAll(Styles.TEXT_MUTED, "fact-key");
    k.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // a key is never cut short; its value wraps
    Label v = new Label(value);
    v.setWrapText(true);
    v.setTooltip(new Tooltip(value));
    g.addRow(row, k, v);
    return row + 1;
  }
}
