package io.flotilla.console.app.overview;

import atlantafx.base.theme.Styles;
import io.flotilla.console.app.console.Alarm;
import io.flotilla.console.app.format.Units;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableValue;
import javafx.collections.ObservableList;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignA;
import org.kordamp.ikonli.materialdesign2.MaterialDesignB;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignT;

/**
 * The Overview's row of tiles: round and phase, test accuracy with its trend, participants that can be
 * selected (with the breakdown by state), alarms (a click lists them), and time per round. Ids:
 * {@code #tileRound}, {@code #tileAccuracy}, {@code #tileParticipants}, {@code #tileAlarms},
 * {@code #tileRoundTime}. Thread-safety: FX thread only.
 */
public final class OverviewTiles {
  private final HBox root = new HBox(12);

  /**
   * @param onAlarms opens the alarm list
   */
  public OverviewTiles(ObservableValue<String> round, ObservableValue<String> phaseDetail,
      OverviewViewModel overview, ObservableValue<String> participants, ObservableValue<String> breakdown,
      ObservableList<Alarm> alarms, Runnable onAlarms) {
    root.getStyleClass().add("tiles");
    Node roundTile = tile("tileRound", MaterialDesignT.TIMER_SAND, "Round", round, phaseDetail);
    Node acc = tile("tileAccuracy", MaterialDesignC.CHART_LINE, "Test accuracy", overview.accuracyTextProperty(),
        overview.accuracyTrendProperty());
    Node who = tile("tileParticipants", MaterialDesignA.ACCOUNT_GROUP_OUTLINE, "Selectable participants",
        participants, breakdown);
    Node alarm = tile("tileAlarms", MaterialDesignB.BELL_OUTLINE, "Alarms",
        Bindings.createStringBinding(() -> Units.count(alarms.size()), alarms),
        Bindings.createStringBinding(() -> alarms.isEmpty() ? "none: all quiet"
            : "latest: " + alarms.get(0).title(), alarms));
    alarm.getStyleClass().add("tile-clickable");
    alarm.setOnMouseClicked(e -> onAlarms.run());
    alarms.addListener((javafx.collections.ListChangeListener<Alarm>) c -> {
      alarm.getStyleClass().remove("tile-alarm");
      if (!alarms.isEmpty()) {
        alarm.getStyleClass().add("tile-alarm");
      }
    });
    Node time = tile("tileRoundTime", MaterialDesignC.CLOCK_OUTLINE, "Time per round",
        overview.roundTimeTextProperty(), overview.roundTimeDetailProperty());
    root.getChildren().setAll(roundTile, acc, who, alarm, time);
    for (Node n : root.getChildren()) {
      HBox.setHgrow(n, Priority.ALWAYS);
    }
  }

  public Node node() {
    return root;
  }

  private static VBox tile(String id, Ikon icon, String title, ObservableValue<String> value,
      ObservableValue<String> detail) {
    Label t = new Label(title, new FontIcon(icon));
    t.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED, "tile-title");
    Label v = new Label();
    v.textProperty().bind(value);
    v.getStyleClass().add("tile-value");
    v.setId(id + "Value");
    Label d = new Label();
    d.textProperty().bind(detail);
    d.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED, "tile-detail");
    VBox box = new VBox(2, t, v, d);
    box.setId(id);
    box.setAlignment(Pos.CENTER_LEFT);
    box.getStyleClass().addAll("card", "tile");
    box.setMaxWidth(Double.MAX_VALUE);
    box.setMinWidth(100);
    box.setPrefWidth(100); // equal shares of the row, whatever the texts
    v.setMinWidth(0);
    d.setMinWidth(0);
    return box;
  }
}
