package io.flotilla.console.app.timeline;

import atlantafx.base.theme.Styles;
import io.flotilla.console.app.format.Units;
import io.flotilla.engine.api.RoundPhase;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javafx.geometry.HPos;
import javafx.scene.Node;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The body of the details drawer for one round: status, times, strategy, the duration of each phase, the
 * contributors' work (median and max download / train / upload, {@code #roundWork}), contributors, refused updates with their reasons, and failures. Ids: {@code #roundDetails},
 * {@code #roundStatus}, {@code #roundStrategy}, {@code #roundContributors}, {@code #roundRefused},
 * {@code #roundFailures}.
 *
 * <p>Thread-safety: FX thread only.
 */
public final class RoundDetailsPane {
  private RoundDetailsPane() {}

  /**
   * Builds the pane.
   *
   * @param strategy the aggregation strategy's name
   * @param onParticipant opens a participant (its id) when its name is clicked
   */
  public static Node of(RoundDetails d, String strategy, Consumer<String> onParticipant) {
    VBox box = new VBox(14);
    box.setId("roundDetails");
    box.getStyleClass().add("details");

    Label status = new Label(status(d));
    status.setId("roundStatus");
    status.setWrapText(true);
    status.getStyleClass().addAll("details-status", d.phase() == RoundPhase.ABORTED ? Styles.DANGER
        : d.phase() == RoundPhase.COMMITTED ? Styles.SUCCESS : Styles.ACCENT);
    box.getChildren().add(status);

    GridPane facts = new GridPane();
    facts.getStyleClass().add("facts");
    facts.setHgap(12);
    facts.setVgap(4);
    ColumnConstraints keys = new ColumnConstraints();
    keys.setHalignment(HPos.LEFT);
    ColumnConstraints values = new ColumnConstraints();
    values.setHgrow(Priority.ALWAYS);
    facts.getColumnConstraints().setAll(keys, values);
    int row = 0;
    row = fact(facts, row, "Strategy", strategy == null || strategy.isEmpty() ? Units.NONE : strategy, "roundStrategy");
    row = fact(facts, row, "Started", Units.clockMillis(d.startedAt()), null);
    row = fact(facts, row, "Ended", d.endedAt() == null ? "still running" : Units.clockMillis(d.endedAt()), null);
    row = fact(facts, row, "Duration", Units.duration(d.durationMillis()), "roundDuration");
    row = fact(facts, row, "Deadline", d.deadline() == null ? Units.NONE : Units.clockMillis(d.deadline()), null);
    row = fact(facts, row, "Base version", "v" + d.baseVersion(), null);
    row = fact(facts, row, "New version", d.version() >= 0 ? "v" + d.version() : Units.NONE, null);
    row = fact(facts, row, "Selected", Integer.toString(d.selected()), null);
    row = fact(facts, row, "Contributors", Integer.toString(d.contributorIds().size()), null);
    for (Map.Entry<String, Double> m : new java.util.TreeMap<>(d.metrics()).entrySet()) {
      String v = m.getKey().contains("accuracy") ? Units.percent(m.getValue()) : Units.loss(m.getValue());
      row = fact(facts, row, m.getKey().replace('_', ' '), v, null);
    }
    box.getChildren().add(facts);

    box.getChildren().add(section("Duration by phase"));
    box.getChildren().add(phaseBars(d));

    Map<String, RoundDetails.PhaseStats> work = d.participantPhases();
    int reported = work.isEmpty() ? 0 : work.values().iterator().next().reported();
    box.getChildren().add(section("Participant work (" + reported + " reported)"));
    box.getChildren().add(workTable(work));

    List<String> contributors = d.contributorIds();
    box.getChildren().add(section("Contributors (" + contributors.size() + ")"));
    FlowPane who = new FlowPane(6, 4);
    who.setId("roundContributors");
    for (String pid : contributors) {
      Hyperlink l = new Hyperlink(pid);
      l.setOnAction(e -> onParticipant.accept(pid));
      who.getChildren().add(l);
    }
    if (contributors.isEmpty()) {
      who.getChildren().add(muted("none"));
    }
    box.getChildren().add(who);

    List<RoundDetails.Answer> refused = d.answers(SegmentOutcome.REJECTED, SegmentOutcome.LATE);
    box.getChildren().add(section("Refused updates (" + refused.size() + ")"));
    box.getChildren().add(answers("roundRefused", refused, onParticipant, "No update was refused."));

    List<RoundDetails.Answer> failed =
        d.answers(SegmentOutcome.DROPPED, SegmentOutcome.TIMED_OUT, SegmentOutcome.CANCELLED);
    box.getChildren().add(section("Failures (" + failed.size() + ")"));
    box.getChildren().add(answers("roundFailures", failed, onParticipant, "Every selected participant answered."));

    List<RoundDetails.Answer> pending = d.answers(SegmentOutcome.PENDING);
    if (!pending.isEmpty()) {
      box.getChildren().add(section("Still working (" + pending.size() + ")"));
      box.getChildren().add(answers("roundPending", pending, onParticipant, ""));
    }
    return box;
  }

  static String status(RoundDetails d) {
    return switch (d.phase()) {
      case COMMITTED -> "Committed version " + d.version() + " from " + d.contributors() + " of " + d.selected()
          + " participants";
      case ABORTED -> "Aborted: " + (d.abortReason() == null ? "no reason given" : d.abortReason());
      default -> "Running · " + d.phase().name().toLowerCase(Locale.ROOT);
    };
  }

  private static int fact(GridPane g, int row, String key, String value, String id) {
    Label k = new Label(key);
    k.getStyleClass().addAll(Styles.TEXT_MUTED, "fact-key");
    k.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // a key is never cut short; its value wraps
    Label v = new Label(value);
    v.getStyleClass().add("fact-value");
    if (id != null) {
      v.setId(id);
    }
    g.addRow(row, k, v);
    return row + 1;
  }

  private static Label section(String text) {
    Label l = new Label(text);
    l.getStyleClass().addAll(Styles.TEXT_BOLD, "details-section");
    return l;
  }

  private static Label muted(String text) {
    Label l = new Label(text);
    l.getStyleClass().add(Styles.TEXT_MUTED);
    return l;
  }

  private static Node phaseBars(RoundDetails d) {
    VBox bars = new VBox(3);
    bars.setId("roundPhases");
    long total = d.phaseMillis().values().stream().mapToLong(Long::longValue).sum();
    if (total <= 0) {
      bars.getChildren().add(muted("No phase has finished yet."));
      return bars;
    }
    for (Map.Entry<RoundPhase, Long> e : d.phaseMillis().entrySet()) {
      Label name = new Label(e.getKey().name().charAt(0) + e.getKey().name().substring(1).toLowerCase(Locale.ROOT));
      name.setMinWidth(90);
      name.getStyleClass().add(Styles.TEXT_SMALL);
      Region bar = new Region();
      bar.getStyleClass().addAll("phase-bar", "phase-" + e.getKey().name().toLowerCase(Locale.ROOT));
      double frac = Math.max(0.01, e.getValue() / (double) total);
      bar.setPrefWidth(160 * frac);
      bar.setMinWidth(2);
      bar.setMaxWidth(Region.USE_PREF_SIZE);
      StackPane track = new StackPane(bar);
      track.setMinWidth(160);
      track.setPrefWidth(160);
      track.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
      Label ms = new Label(Units.duration(e.getValue()));
      ms.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
      HBox line = new HBox(8, name, track, ms);
      line.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
      bars.getChildren().add(line);
    }
    return bars;
  }

  /** Median and max of download / train / upload over the contributors that reported them. */
  private static Node workTable(Map<String, RoundDetails.PhaseStats> work) {
    GridPane g = new GridPane();
    g.setId("roundWork");
    g.getStyleClass().add("facts");
    g.setHgap(16);
    g.setVgap(3);
    if (work.isEmpty()) {
      g.add(muted("No contributor reported phase timings."), 0, 0);
      return g;
    }
    g.addRow(0, muted(""), muted("median"), muted("max"));
    int row = 1;
    for (Map.Entry<String, RoundDetails.PhaseStats> e : work.entrySet()) {
      Region swatch = new Region();
      swatch.getStyleClass().addAll("legend-swatch", "work-" + e.getKey());
      Label name = new Label(e.getKey(), swatch);
      name.getStyleClass().add(Styles.TEXT_SMALL);
      Label median = new Label(Units.duration(e.getValue().medianMillis()));
      median.setId("work-" + e.getKey() + "-median");
      Label max = new Label(Units.duration(e.getValue().maxMillis()));
      max.setId("work-" + e.getKey() + "-max");
      g.addRow(row++, name, median, max);
    }
    return g;
  }

  private static Node answers(String id, List<RoundDetails.Answer> list, Consumer<String> onParticipant,
      String none) {
    VBox rows = new VBox(4);
    rows.setId(id);
    if (list.isEmpty()) {
      if (!none.isEmpty()) {
        rows.getChildren().add(muted(none));
      }
      return rows;
    }
    for (RoundDetails.Answer a : list) {
      Hyperlink who = new Hyperlink(a.participantId());
      who.setOnAction(e -> onParticipant.accept(a.participantId()));
      Region swatch = new Region();
      swatch.getStyleClass().addAll("legend-swatch", a.outcome().styleClass());
      Label what = new Label(a.outcome().label(), swatch);
      what.getStyleClass().add(Styles.TEXT_SMALL);
      HBox head = new HBox(6, who, what);
      head.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
      VBox item = new VBox(0, head);
      if (a.reason() != null && !a.reason().isEmpty()) {
        Label why = new Label(a.reason());
        why.setWrapText(true);
        why.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED, "answer-reason");
        item.getChildren().add(why);
      }
      rows.getChildren().add(item);
    }
    return rows;
  }
}
