package io.flotilla.console.app.scenario;

import atlantafx.base.theme.Styles;
import java.io.File;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * The scenario chooser: the built-in scenarios with their descriptions, and "Open file…" for a YAML file
 * of the same format. The choice is read and checked on a background executor; a scenario that cannot be
 * used (unknown key, bad value, data set missing without a fallback) is reported through {@code onError}
 * and the running federation is left alone.
 *
 * <p>Ids: {@code #scenarioList}, {@code #runScenario}, {@code #cancelScenario}, {@code #openScenarioFile}.
 * FX thread only.
 */
public final class ScenarioChooser {
  private ScenarioChooser() {}

  /**
   * Shows the chooser (non-modal; returns at once).
   *
   * @param io reads the catalog and the chosen file (not the FX thread)
   * @param current the name of the scenario running now (preselected), or null
   * @param onChosen receives the resolved scenario on the FX thread
   * @param onError receives (title, message) on the FX thread when the choice cannot be used
   */
  public static Dialog<ButtonType> show(Window owner, ScenarioCatalog catalog, Executor io, String current,
      Consumer<ScenarioCatalog.Resolved> onChosen, BiConsumer<String, String> onError) {
    Dialog<ButtonType> d = new Dialog<>();
    d.initOwner(owner);
    d.setTitle("Run a scenario");
    d.setHeaderText("Run another scenario? The running federation is stopped and replaced.");
    ListView<ScenarioCatalog.Entry> list = new ListView<>();
    list.setId("scenarioList");
    list.setPrefSize(520, 260);
    list.setCellFactory(v -> new ListCell<>() {
      @Override
      protected void updateItem(ScenarioCatalog.Entry e, boolean empty) {
        super.updateItem(e, empty);
        if (empty || e == null) {
          setText(null);
          setGraphic(null);
          return;
        }
        Label name = new Label(e.name());
        name.getStyleClass().add(Styles.TEXT_BOLD);
        Label text = new Label(e.description());
        text.setWrapText(true);
        text.setMaxWidth(480);
        text.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        setText(null);
        setGraphic(new VBox(2, name, text));
      }
    });
    Button file = new Button("Open file…");
    file.setId("openScenarioFile");
    VBox content = new VBox(10, list, file);
    content.setPadding(new Insets(4, 0, 0, 0));
    d.getDialogPane().setContent(content);
    ButtonType run = new ButtonType("Run", ButtonBar.ButtonData.OK_DONE);
    ButtonType cancel = new ButtonType("Cancel", ButtonBar.ButtonData.CANCEL_CLOSE);
    d.getDialogPane().getButtonTypes().setAll(cancel, run);
    Node runButton = d.getDialogPane().lookupButton(run);
    runButton.setId("runScenario");
    runButton.getStyleClass().add(Styles.ACCENT);
    runButton.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
    d.getDialogPane().lookupButton(cancel).setId("cancelScenario");

    CompletableFuture.supplyAsync(catalog::builtIns, io).whenComplete((entries, error) -> Platform.runLater(() -> {
      if (error != null) {
        onError.accept("Scenarios", "the built-in scenarios cannot be read: " + error.getMessage());
        return;
      }
      list.getItems().setAll(entries);
      select(list, entries, current);
    }));

    file.setOnAction(e -> {
      FileChooser fc = new FileChooser();
      fc.setTitle("Open a scenario file");
      fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Scenario (YAML)", "*.yaml", "*.yml"));
      File f = fc.showOpenDialog(d.getDialogPane().getScene().getWindow());
      if (f != null) {
        d.close();
        resolve(catalog, f.getPath(), io, onChosen, onError);
      }
    });
    d.setOnHidden(e -> {
      ScenarioCatalog.Entry chosen = list.getSelectionModel().getSelectedItem();
      if (d.getResult() == run && chosen != null) {
        resolve(catalog, chosen.name(), io, onChosen, onError);
      }
    });
    d.show();
    return d;
  }

  private static void select(ListView<ScenarioCatalog.Entry> list, List<ScenarioCatalog.Entry> entries,
      String current) {
    for (ScenarioCatalog.Entry e : entries) {
      if (e.name().equals(current)) {
        list.getSelectionModel().select(e);
        return;
      }
    }
  }

  /** Resolves {@code nameOrFile} on {@code io} and hands the result (or the error) back on the FX thread. */
  public static void resolve(ScenarioCatalog catalog, String nameOrFile, Executor io,
      Consumer<ScenarioCatalog.Resolved> onChosen, BiConsumer<String, String> onError) {
    CompletableFuture.supplyAsync(() -> catalog.resolve(nameOrFile), io).whenComplete((r, error) ->
        Platform.runLater(() -> {
          if (error != null) {
            Throwable t = error.getCause() != null ? error.getCause() : error;
            onError.accept("Scenario not loaded", t.getMessage());
          } else {
            onChosen.accept(r);
          }
        }));
  }
}
