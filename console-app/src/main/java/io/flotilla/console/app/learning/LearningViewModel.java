package io.flotilla.console.app.learning;

import io.fair_acc.dataset.spi.CircularDoubleErrorDataSet;
import io.flotilla.console.app.format.Units;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.ModelRolledBack;
import io.flotilla.engine.api.FederationEvent.ParticipantSuspended;
import io.flotilla.engine.api.FederationEvent.RoundAborted;
import io.flotilla.engine.api.FederationEvent.RoundCommitted;
import io.flotilla.engine.api.FederationEvent.RoundStarted;
import io.flotilla.engine.api.FederationEvent.StateChanged;
import io.flotilla.engine.api.FederationEvent.UpdateAccepted;
import io.flotilla.engine.api.FederationState;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the Learning page: the global model's loss and accuracy per committed round, the spread of the
 * participants' local training loss in each round (a band from the 10th to the 90th percentile around the
 * median, from the {@code train_loss} each accepted update reports), and markers where something changed
 * the course of training: pause / resume / stop, a rollback, a participant suspended.
 *
 * <p>History is bounded: chart-fx ring buffers of {@link #CAPACITY} rounds. Points are written on the chart
 * writer executor, never on the FX thread (see {@code LearningCurve} for why).
 *
 * <p>Thread-safety: confined to the UI thread apart from the data sets, which are written on the writer and
 * are themselves thread-safe.
 */
public final class LearningViewModel {
  /** Rounds kept on the chart. */
  public static final int CAPACITY = 4096;
  /** Markers kept; the oldest drop off. */
  public static final int MAX_MARKERS = 200;

  private final Executor writer;
  private final CircularDoubleErrorDataSet trainLoss = new CircularDoubleErrorDataSet("global train loss", CAPACITY);
  private final CircularDoubleErrorDataSet testLoss = new CircularDoubleErrorDataSet("global test loss", CAPACITY);
  private final CircularDoubleErrorDataSet testAccuracy = new CircularDoubleErrorDataSet("test accuracy", CAPACITY);
  private final CircularDoubleErrorDataSet localSpread =
      new CircularDoubleErrorDataSet("local train loss (p10–p90, median)", CAPACITY);
  private final Map<Long, double[]> localLosses = new HashMap<>();
  private final Map<Long, Integer> localCounts = new HashMap<>();
  private final ObservableList<Marker> markers = FXCollections.observableArrayList();
  private final ObservableList<Marker> markersView = FXCollections.unmodifiableObservableList(markers);
  private final ReadOnlyIntegerWrapper committed = new ReadOnlyIntegerWrapper(0);
  private final ReadOnlyStringWrapper latest = new ReadOnlyStringWrapper("");
  private long currentRound;

  /** A vertical annotation on the chart. */
  public record Marker(double round, String label, Kind kind) {}

  /** What a marker marks; picks its colour. */
  public enum Kind {
    OPERATOR, ROLLBACK, SUSPENSION, CONFIG, CALIBRATION, STOPPING, ALARM, FAULT;

    public String styleClass() {
      return "marker-" + name().toLowerCase(Locale.ROOT);
    }
  }

  /** Spread of local losses of one round: 10th, 50th and 90th percentiles. */
  public record Spread(double p10, double median, double p90) {}

  public LearningViewModel(Executor writer) {
    this.writer = Objects.requireNonNull(writer, "writer");
  }

  /** Applies a batch of events in order. UI thread. */
  public void apply(List<FederationEvent> batch) {
    for (FederationEvent e : batch) {
      if (e instanceof RoundStarted rs) {
        currentRound = Math.max(currentRound, rs.roundId());
      } else if (e instanceof UpdateAccepted ua) {
        Double l = ua.metrics() == null ? null : ua.metrics().get("train_loss");
        if (l != null && Double.isFinite(l)) {
          addLocal(ua.roundId(), l);
        }
      } else if (e instanceof RoundCommitted rc) {
        onCommitted(rc);
      } else if (e instanceof RoundAborted ra) {
        localLosses.remove(ra.roundId());
        localCounts.remove(ra.roundId());
      } else if (e instanceof StateChanged sc) {
        String label = switch (sc.to()) {
          case PAUSED -> "paused";
          case STOPPED -> "stopped";
          case FAILED -> "failed";
          case RUNNING -> sc.from() == FederationState.PAUSED ? "resumed" : null;
          default -> null;
        };
        if (label != null) {
          mark(currentRound, label, Kind.OPERATOR);
        }
      } else if (e instanceof ModelRolledBack rb) {
        mark(currentRound, "rollback to v" + rb.toVersion(), Kind.ROLLBACK);
      } else if (e instanceof ParticipantSuspended ps) {
        mark(currentRound, "suspended " + ps.participantId(), Kind.SUSPENSION);
      } else if (e instanceof FederationEvent.ConfigChanged cc) {
        mark(cc.effectiveFromRound(), "config: " + changes(cc.oldValues(), cc.newValues()), Kind.CONFIG);
      } else if (e instanceof FederationEvent.CalibrationCompleted cal) {
        mark(currentRound, "calibration #" + cal.calibrationId(), Kind.CALIBRATION);
      } else if (e instanceof FederationEvent.StoppingRuleFired sr) {
        mark(sr.roundId(), "stopped by " + sr.rule(), Kind.STOPPING);
      } else if (e instanceof FederationEvent.DriftAlarm da) {
        mark(da.roundId(), "drift " + (da.participantId() == null ? "federation" : da.participantId()), Kind.ALARM);
      } else if (e instanceof FederationEvent.DivergenceAlarm dv) {
        mark(dv.roundId(), "divergence (" + dv.kind() + ")", Kind.ALARM);
      }
    }
  }

  /** "lr 0.01→0.005, strategy fedavg→median": the settings a configuration change touched. */
  static String changes(Map<String, String> before, Map<String, String> after) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(after).entrySet()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      String was = before == null ? null : before.get(e.getKey());
      sb.append(e.getKey()).append(' ').append(was == null ? "" : was + "→").append(e.getValue());
    }
    return sb.length() == 0 ? "changed" : sb.toString();
  }

  /** A marker for something outside the engine's events (an injected fault) at the current round. UI thread. */
  public void note(String label) {
    mark(currentRound, label, Kind.FAULT);
  }

  private void addLocal(long round, double loss) {
    double[] a = localLosses.computeIfAbsent(round, k -> new double[16]);
    int n = localCounts.getOrDefault(round, 0);
    if (n == a.length) {
      a = Arrays.copyOf(a, n * 2);
      localLosses.put(round, a);
    }
    a[n] = loss;
    localCounts.put(round, n + 1);
  }

  private void onCommitted(RoundCommitted rc) {
    Map<String, Double> m = rc.metrics() == null ? Map.of() : rc.metrics();
    double tr = metric(m, "train_loss");
    double te = metric(m, "test_loss");
    double acc = metric(m, "test_accuracy");
    double[] local = localLosses.remove(rc.roundId());
    Integer n = localCounts.remove(rc.roundId());
    Spread spread = local == null ? null : spread(Arrays.copyOf(local, n));
    long round = rc.roundId();
    try {
      writer.execute(() -> {
        add(trainLoss, round, tr);
        add(testLoss, round, te);
        add(testAccuracy, round, acc);
        if (spread != null) {
          localSpread.add(round, spread.median(), spread.median() - spread.p10(), spread.p90() - spread.median());
        }
      });
    } catch (RejectedExecutionException ex) {
      // closing
    }
    committed.set(committed.get() + 1);
    latest.set("round " + round + " · test accuracy " + Units.percent(acc) + " · global train loss "
        + Units.loss(tr) + (spread == null ? "" : " · local train loss " + Units.loss(spread.p10()) + "–"
        + Units.loss(spread.p90()) + " (p10–p90)"));
  }

  /** Percentiles by linear interpolation between order statistics (the "type 7" rule of R and NumPy). */
  public static Spread spread(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return new Spread(percentile(v, 0.10), percentile(v, 0.50), percentile(v, 0.90));
  }

  static double percentile(double[] sorted, double q) {
    if (sorted.length == 1) {
      return sorted[0];
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  private static void add(CircularDoubleErrorDataSet ds, long round, double v) {
    if (Double.isFinite(v)) {
      ds.add(round, v, 0, 0);
    }
  }

  private static double metric(Map<String, Double> m, String key) {
    Double v = m.get(key);
    return v == null ? Double.NaN : v;
  }

  private void mark(long round, String label, Kind kind) {
    Marker last = markers.isEmpty() ? null : markers.get(markers.size() - 1);
    if (last != null && last.round() == round && last.kind() == kind) {
      markers.set(markers.size() - 1, new Marker(round, last.label() + ", " + label, kind));
    } else {
      markers.add(new Marker(round, label, kind));
      if (markers.size() > MAX_MARKERS) {
        markers.remove(0);
      }
    }
  }

  public CircularDoubleErrorDataSet trainLoss() {
    return trainLoss;
  }

  public CircularDoubleErrorDataSet testLoss() {
    return testLoss;
  }

  public CircularDoubleErrorDataSet testAccuracy() {
    return testAccuracy;
  }

  /** Median local train loss per round, with the 10th and 90th percentiles as negative / positive errors. */
  public CircularDoubleErrorDataSet localSpread() {
    return localSpread;
  }

  public ObservableList<Marker> markers() {
    return markersView;
  }

  public ReadOnlyIntegerProperty committedProperty() {
    return committed.getReadOnlyProperty();
  }

  /** The newest round's numbers in words. */
  public ReadOnlyStringProperty latestProperty() {
    return latest.getReadOnlyProperty();
  }
}
