package io.flotilla.console.app.participants;

import atlantafx.base.theme.Styles;
import io.flotilla.console.app.format.Units;
import io.flotilla.console.app.timeline.ParticipantRound;
import java.util.List;
import java.util.function.LongConsumer;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;

/**
 * The body of the details drawer for one participant: its standing and counters (live: the labels are bound
 * to the row) and its recent rounds from the timeline, each linking to the round. Ids:
 * {@code #participantDetails}, {@code #participantState}, {@code #participantHistory},
 * {@code #showInTimeline}.
 *
 * <p>Thread-safety: FX thread only.
 */
public final class ParticipantDetailsPane {
  private ParticipantDetailsPane() {}

  /**
   * @param history its recent rounds, newest first
   * @param showInTimeline scrolls the timeline to its lane
   * @param onRound opens a round's details
   */
  public static Node of(ParticipantRow r, List<ParticipantRound> history, Runnable showInTimeline,
      LongConsumer onRound) {
    VBox box = new VBox(14);
    box.setId("participantDetails");
    box.getStyleClass().add("details");

    Label state = new Label();
    state.setId("participantState");
    state.textProperty().bind(r.stateProperty());
    state.getStyleClass().addAll("details-status", ParticipantsView.stateStyle(r.state()));
    javafx.beans.value.ChangeListener<String> restyle = (o, was, is) -> {
      io.flotilla.console.app.console.StyleClasses.set(state.getStyleClass(), "pstate-", ParticipantsView.stateStyle(is));
    };
    state.getProperties().put("restyle", restyle); // the label keeps the listener; the row holds it weakly
    r.stateProperty().addListener(new javafx.beans.value.WeakChangeListener<>(restyle));
    Label note = new Label();
    note.textProperty().bind(r.lastNoteProperty());
    note.setWrapText(true);
    note.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    box.getChildren().addAll(state, note);

    GridPane facts = new GridPane();
    facts.setHgap(12);
    facts.setVgap(4);
    facts.getStyleClass().add("facts");
    int row = 0;
    facts.addRow(row++, key("Device class"), bound(r.deviceClassProperty()));
    if (r.samplesProperty().get() >= 0) { // known only for participants that joined while the console watched
      facts.addRow(row++, key("Local samples"), value(Units.count(r.samplesProperty().get())));
    }
    facts.addRow(row++, key("Rounds selected"), bound(r.selectedProperty().asString()));
    facts.addRow(row++, key("Updates accepted"), bound(r.acceptedProperty().asString()));
    facts.addRow(row++, key("Failures"), bound(r.failuresProperty().asString()));
    facts.addRow(row++, key("Refused updates"), bound(r.refusedProperty().asString()));
    Label success = new Label();
    success.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
        () -> Units.percent(r.successRateProperty().get()), r.successRateProperty()));
    facts.addRow(row++, key("Success rate"), success);
    Label trust = new Label();
    trust.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
        () -> Units.score(r.trustProperty().get()) + " (" + r.strikesProperty().get() + " strikes)",
        r.trustProperty(), r.strikesProperty()));
    facts.addRow(row++, key("Trust"), trust);
    facts.addRow(row++, key("Last answer"), bound(r.lastAnswerTextProperty()));
    facts.addRow(row++, key("Last heartbeat"), bound(r.lastHeartbeatTextProperty()));
    Label drift = new Label();
    drift.setId("participantDrift");
    drift.setWrapText(true);
    drift.textProperty().bind(r.driftTextProperty());
    facts.addRow(row++, key("Drift"), drift);
    Label health = new Label();
    health.setId("participantHealth");
    health.setWrapText(true);
    health.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> healthText(r),
        r.cpuLoadProperty(), r.batteryProperty(), r.freeMemoryProperty(), r.lastHeartbeatProperty()));
    facts.addRow(row, key("Health"), health);
    box.getChildren().add(facts);

    Button show = new Button("Show in timeline", new FontIcon(MaterialDesignC.CHART_GANTT));
    show.setId("showInTimeline");
    show.setOnAction(e -> showInTimeline.run());
    box.getChildren().add(show);

    Label section = new Label("Recent rounds (" + history.size() + ")");
    section.getStyleClass().addAll(Styles.TEXT_BOLD, "details-section");
    VBox rounds = new VBox(3);
    rounds.setId("participantHistory");
    if (history.isEmpty()) {
      Label none = new Label("Not selected in any round the timeline keeps.");
      none.getStyleClass().add(Styles.TEXT_MUTED);
      rounds.getChildren().add(none);
    }
    for (ParticipantRound pr : history) {
      Hyperlink round = new Hyperlink("round " + pr.roundId());
      round.setOnAction(e -> onRound.accept(pr.roundId()));
      Region swatch = new Region();
      swatch.getStyleClass().addAll("legend-swatch", pr.outcome().styleClass());
      Label what = new Label(pr.outcome().label() + (pr.millis() >= 0 ? " in " + Units.duration(pr.millis()) : ""),
          swatch);
      what.getStyleClass().add(Styles.TEXT_SMALL);
      HBox line = new HBox(6, round, what);
      line.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
      VBox item = new VBox(line);
      if (pr.reason() != null && !pr.reason().isEmpty()) {
        Label why = new Label(pr.reason());
        why.setWrapText(true);
        why.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED, "answer-reason");
        item.getChildren().add(why);
      }
      rounds.getChildren().add(item);
    }
    box.getChildren().addAll(section, rounds);
    return box;
  }

  private static Label key(String text) {
    Label l = new Label(text);
    l.getStyleClass().addAll(Styles.TEXT_MUTED, "fact-key");
    l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // a key is never cut short; its value wraps
    return l;
  }

  private static Label value(String text) {
    return new Label(text);
  }

  private static Label bound(javafx.beans.value.ObservableValue<String> v) {
    Label l = new Label();
    l.textProperty().bind(v);
    return l;
  }

  /** "CPU 45 % · battery 15 % (charging) · 1.0 GiB free · train (round 7)", or "no heartbeat yet". */
  static String healthText(ParticipantRow r) {
    if (r.lastHeartbeatProperty().get() == null) {
      return "no heartbeat yet";
    }
    String power = r.onMains() ? "mains power"
        : "battery " + Units.percent(r.batteryProperty().get()) + (r.charging() ? " (charging)" : "");
    String memory = r.freeMemoryProperty().get() < 0 ? "" : " · " + ParticipantsView.bytes(r.freeMemoryProperty().get())
        + " free";
    String doing = r.activity() == null || r.activity().isEmpty() ? "" : " · " + r.activity();
    return "CPU " + Units.percent(r.cpuLoadProperty().get()) + " · " + power + memory + doing;
  }
}
