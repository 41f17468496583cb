package io.flotilla.console.app.overview;

import io.flotilla.console.app.format.Units;
import io.flotilla.console.app.session.SessionInfo;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.RoundAborted;
import io.flotilla.engine.api.FederationEvent.RoundCommitted;
import io.flotilla.engine.api.FederationEvent.RoundPhaseChanged;
import io.flotilla.engine.api.FederationEvent.RoundStarted;
import io.flotilla.engine.api.FederationEvent.StateChanged;
import io.flotilla.engine.api.FederationEvent.UpdateAccepted;
import io.flotilla.engine.api.FederationState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the Overview page: the round table (newest round first, rows updated in place), the learning
 * curve, and a marker for every operator action (pause, resume, stop) at the round where it took effect.
 * Fed with batches of engine events by its parent {@code ConsoleViewModel}; knows nothing of controls.
 *
 * <p>Thread-safety: confined to the UI thread (the FX thread in the application, the test thread in tests);
 * the parent marshals every call onto it through its injected executor. Learning-curve points go to the
 * chart writer executor.
 */
public final class OverviewViewModel {
  /** Rows kept in the table; older rounds drop off the bottom. */
  public static final int MAX_ROWS = 10_000;
  /** Commits the trend tiles look back over. */
  public static final int TREND_ROUNDS = 10;

  private final ObservableList<RoundRow> rows = FXCollections.observableArrayList();
  private final ObservableList<RoundRow> rowsView = FXCollections.unmodifiableObservableList(rows);
  private final Map<Long, RoundRow> byRound = new HashMap<>();
  private final Map<Long, Integer> acceptedSoFar = new HashMap<>();
  private final LearningCurve curve;
  private final ReadOnlyIntegerWrapper committedRounds = new ReadOnlyIntegerWrapper(0);
  private final ObservableList<Marker> markers = FXCollections.observableArrayList();
  private final ObservableList<Marker> markersView = FXCollections.unmodifiableObservableList(markers);
  private final ReadOnlyStringWrapper emptyText = new ReadOnlyStringWrapper("");
  private final ReadOnlyStringWrapper curveEmptyText =
      new ReadOnlyStringWrapper("The learning curve fills in as rounds commit.");
  private final ReadOnlyStringWrapper latestMetrics = new ReadOnlyStringWrapper("");
  private final ReadOnlyStringWrapper accuracyText = new ReadOnlyStringWrapper(Units.NONE);
  private final ReadOnlyStringWrapper accuracyTrend = new ReadOnlyStringWrapper("no round committed yet");
  private final ReadOnlyStringWrapper roundTimeText = new ReadOnlyStringWrapper(Units.NONE);
  private final ReadOnlyStringWrapper roundTimeDetail = new ReadOnlyStringWrapper("mean of the last 10 rounds");
  private final java.util.ArrayDeque<double[]> recent = new java.util.ArrayDeque<>(); // [accuracy, millis]
  private SessionInfo session;
  private long lastRound;

  /** An operator action drawn on the learning curve. */
  public record Marker(double round, String label) {}

  /**
   * @param planned what is being loaded
   * @param chartWriter writes learning-curve points (see {@link LearningCurve}); {@code Runnable::run} in tests
   */
  public OverviewViewModel(SessionInfo planned, Executor chartWriter) {
    this.curve = new LearningCurve(chartWriter);
    loading(planned);
  }

  /** Rounds, newest first. */
  public ObservableList<RoundRow> rows() {
    return rowsView;
  }

  public LearningCurve curve() {
    return curve;
  }

  /** Rounds committed since the console connected. */
  public ReadOnlyIntegerProperty committedRoundsProperty() {
    return committedRounds.getReadOnlyProperty();
  }

  public ObservableList<Marker> markers() {
    return markersView;
  }

  /** What the round table says while it has no rows: what is happening, or what to do. */
  public ReadOnlyStringProperty emptyTextProperty() {
    return emptyText.getReadOnlyProperty();
  }

  /** The newest commit's numbers: "round 12 · test accuracy 84.1 % · train loss 0.4321". */
  public ReadOnlyStringProperty latestMetricsProperty() {
    return latestMetrics.getReadOnlyProperty();
  }

  /** What the chart says while it has no points. */
  public ReadOnlyStringProperty curveEmptyTextProperty() {
    return curveEmptyText.getReadOnlyProperty();
  }

  /** The simulation is being built from {@code planned}. */
  public void loading(SessionInfo planned) {
    session = Objects.requireNonNull(planned, "planned");
    emptyText.set("Loading " + planned.dataName() + " for " + planned.participants() + " participants…");
  }

  /** The simulation is ready; rounds start with Start. */
  public void ready(SessionInfo loaded) {
    session = Objects.requireNonNull(loaded, "loaded");
    emptyText.set(String.format(Locale.ROOT, "Press Start to run %d rounds on %s with %d participants, %d per round.",
        loaded.rounds(), loaded.dataName(), loaded.participants(), loaded.perRound()));
  }

  /** The simulation could not be built. */
  public void failed(String reason) {
    emptyText.set("The simulation could not start: " + reason);
    curveEmptyText.set("No learning curve: the simulation did not start.");
  }

  /** Applies a batch of events, in order. */
  public void apply(List<FederationEvent> batch) {
    for (FederationEvent e : batch) {
      apply(e);
    }
  }

  private void apply(FederationEvent e) {
    if (e instanceof RoundPhaseChanged pc) {
      row(pc.roundId()).phase(pc.to());
    } else if (e instanceof RoundStarted rs) {
      row(rs.roundId()).started(rs.time(), rs.selected().size());
    } else if (e instanceof UpdateAccepted ua) {
      RoundRow r = byRound.get(ua.roundId());
      if (r != null) {
        int n = acceptedSoFar.merge(ua.roundId(), 1, Integer::sum);
        r.accepted(n);
      }
    } else if (e instanceof RoundCommitted rc) {
      onCommitted(rc);
    } else if (e instanceof RoundAborted ra) {
      RoundRow r = row(ra.roundId());
      r.aborted(ra.reason(), elapsed(r, ra.time()));
      acceptedSoFar.remove(ra.roundId());
    } else if (e instanceof StateChanged sc) {
      onStateChanged(sc);
    }
  }

  private void onCommitted(RoundCommitted rc) {
    Map<String, Double> m = rc.metrics();
    double acc = metric(m, "test_accuracy");
    double trainLoss = metric(m, "train_loss");
    double testLoss = metric(m, "test_loss");
    row(rc.roundId()).committed(rc.contributors(), rc.selected(), rc.durationMillis(), acc, trainLoss, testLoss);
    acceptedSoFar.remove(rc.roundId());
    curve.add(rc.roundId(), trainLoss, testLoss, acc);
    committedRounds.set(committedRounds.get() + 1);
    latestMetrics.set("round " + rc.roundId() + " · test accuracy " + Units.percent(acc) + " · train loss "
        + Units.loss(trainLoss));
    trend(acc, rc.durationMillis());
  }

  /** Updates the tiles' accuracy trend and mean round time over the last {@link #TREND_ROUNDS} commits. */
  private void trend(double acc, long millis) {
    recent.addLast(new double[] {acc, millis});
    if (recent.size() > TREND_ROUNDS + 1) {
      recent.removeFirst();
    }
    accuracyText.set(Units.percent(acc));
    double first = recent.peekFirst()[0];
    int span = recent.size() - 1;
    if (span == 0 || !Double.isFinite(first) || !Double.isFinite(acc)) {
      accuracyTrend.set("first round");
    } else {
      double pts = (acc - first) * 100;
      String arrow = pts > 0.05 ? "▲" : pts < -0.05 ? "▼" : "▶";
      accuracyTrend.set(String.format(Locale.ROOT, "%s %+.1f pts over %d round%s", arrow, pts, span,
          span == 1 ? "" : "s"));
    }
    double sum = 0;
    int n = 0;
    double max = 0;
    int k = 0;
    for (double[] r : recent) {
      if (k++ == 0 && recent.size() > TREND_ROUNDS) {
        continue; // the oldest entry only anchors the trend
      }
      sum += r[1];
      max = Math.max(max, r[1]);
      n++;
    }
    roundTimeText.set(Units.duration(Math.round(sum / n)));
    roundTimeDetail.set("mean of the last " + n + " round" + (n == 1 ? "" : "s") + " · slowest "
        + Units.duration(Math.round(max)));
  }

  /** Test accuracy of the newest commit: "84.1 %". */
  public ReadOnlyStringProperty accuracyTextProperty() {
    return accuracyText.getReadOnlyProperty();
  }

  /** "▲ +2.1 pts over 10 rounds". */
  public ReadOnlyStringProperty accuracyTrendProperty() {
    return accuracyTrend.getReadOnlyProperty();
  }

  /** Mean duration of the last commits: "1.2 s". */
  public ReadOnlyStringProperty roundTimeTextProperty() {
    return roundTimeText.getReadOnlyProperty();
  }

  /** "mean of the last 10 rounds · slowest 2.3 s". */
  public ReadOnlyStringProperty roundTimeDetailProperty() {
    return roundTimeDetail.getReadOnlyProperty();
  }

  private void onStateChanged(StateChanged sc) {
    String label = switch (sc.to()) {
      case PAUSED -> "paused";
      case STOPPED -> "stopped";
      case RUNNING -> sc.from() == FederationState.PAUSED ? "resumed" : null;
      default -> null;
    };
    if (label != null) {
      // several actions at one round share one marker, so their labels do not overlap
      Marker last = markers.isEmpty() ? null : markers.get(markers.size() - 1);
      if (last != null && last.round() == lastRound) {
        markers.set(markers.size() - 1, new Marker(lastRound, last.label() + ", " + label));
      } else {
        markers.add(new Marker(lastRound, label));
      }
    }
    if (sc.to() == FederationState.RUNNING && rows.isEmpty()) {
      emptyText.set("Starting the first round…");
    }
  }

  private static double metric(Map<String, Double> m, String key) {
    Double v = m == null ? null : m.get(key);
    return v == null ? Double.NaN : v;
  }

  private static long elapsed(RoundRow r, Instant end) {
    Instant start = r.startedAt();
    return start == null ? -1 : Math.max(0, Duration.between(start, end).toMillis());
  }

  private RoundRow row(long round) {
    RoundRow r = byRound.get(round);
    if (r != null) {
      return r;
    }
    r = new RoundRow(round);
    byRound.put(round, r);
    lastRound = Math.max(lastRound, round);
    rows.add(0, r);
    if (rows.size() > MAX_ROWS) {
      RoundRow oldest = rows.remove(rows.size() - 1);
      byRound.remove(oldest.round());
      acceptedSoFar.remove(oldest.round());
    }
    return r;
  }

  /** The session this page describes. */
  public SessionInfo session() {
    return session;
  }
}
