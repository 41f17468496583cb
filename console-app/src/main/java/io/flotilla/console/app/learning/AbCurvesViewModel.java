package io.flotilla.console.app.learning;

import io.fair_acc.dataset.spi.CircularDoubleErrorDataSet;
import io.flotilla.console.app.bridge.EventBridge;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.sim.inprocess.AbListener;
import io.flotilla.sim.inprocess.AbRun;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The Learning page's A/B overlay (ADR 0017): test loss and test accuracy per round of arm A and arm B of the
 * A/B experiment the Tuning page started, labelled "A: fedavg (n=10)", and, once both arms have ended, the
 * verdict of the paired test (Wilcoxon p, mean difference, which arm is better).
 *
 * <p>{@link #follow()} hands out the {@link AbListener} for one run. The arms' coordinator threads only put
 * the few events the overlay needs (round commits and state changes) into one {@link EventBridge} per arm,
 * which drains them on the UI executor at most 20 times a second; points are written to chart-fx ring
 * buffers ({@link #CAPACITY} rounds) on the chart writer, never on the UI thread (see {@code LearningCurve}).
 * When the run ends, the result's curves fill in any round whose batch has not been drained yet, so the
 * final overlay is exactly the report's curves. A newer run replaces the older one's data sets.
 *
 * <p>Thread-safety: the listener may be called from any thread; everything else is confined to the UI
 * thread, apart from the data sets, which are written on the writer and are thread-safe themselves.
 */
public final class AbCurvesViewModel implements AutoCloseable {
  /** Rounds kept per curve. */
  public static final int CAPACITY = 4096;

  private final Executor ui;
  private final Executor writer;
  private final Duration interval;
  private final ReadOnlyLongWrapper runs = new ReadOnlyLongWrapper();
  private final ReadOnlyBooleanWrapper active = new ReadOnlyBooleanWrapper();
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
  private final ReadOnlyStringWrapper verdict = new ReadOnlyStringWrapper("");
  private final ReadOnlyStringWrapper details = new ReadOnlyStringWrapper("");
  private final String[] labels = {"A", "B"};
  private final long[] lastRound = new long[2];
  private final FederationState[] states = new FederationState[2];
  private CircularDoubleErrorDataSet[] loss = sets("loss");
  private CircularDoubleErrorDataSet[] accuracy = sets("accuracy");
  private AbRun.Plan plan;
  private Run current;
  private AbRun.Result result;

  /**
   * @param ui the UI executor ({@code Platform::runLater}; {@code Runnable::run} in tests)
   * @param writer writes chart points (a single thread in the application; {@code Runnable::run} in tests)
   * @param interval the least time between two batches of one arm ({@link EventBridge#DEFAULT_INTERVAL})
   */
  public AbCurvesViewModel(Executor ui, Executor writer, Duration interval) {
    this.ui = Objects.requireNonNull(ui, "ui");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.interval = Objects.requireNonNull(interval, "interval");
  }

  private static CircularDoubleErrorDataSet[] sets(String what) {
    return new CircularDoubleErrorDataSet[] {new CircularDoubleErrorDataSet("A " + what, CAPACITY),
        new CircularDoubleErrorDataSet("B " + what, CAPACITY)};
  }

  /** A listener for a new run; the overlay switches to it when the run reports its plan. Any thread. */
  public AbListener follow() {
    return new Run();
  }

  /** Drops the current run's queued events (the run itself is the Tuning page's to stop). UI thread. */
  @Override
  public void close() {
    if (current != null) {
      current.close();
    }
  }

  private void begin(Run run, AbRun.Plan p) {
    if (current != null && current != run) {
      current.close();
    }
    current = run;
    plan = p;
    result = null;
    for (AbRun.Side s : AbRun.Side.values()) {
      int k = s.ordinal();
      labels[k] = s + ": " + p.strategy(s) + " (n=" + p.participants(s).size() + ")";
      lastRound[k] = 0;
      states[k] = FederationState.CREATED;
    }
    loss = new CircularDoubleErrorDataSet[] {new CircularDoubleErrorDataSet(labels[0], CAPACITY),
        new CircularDoubleErrorDataSet(labels[1], CAPACITY)};
    accuracy = new CircularDoubleErrorDataSet[] {new CircularDoubleErrorDataSet(labels[0], CAPACITY),
        new CircularDoubleErrorDataSet(labels[1], CAPACITY)};
    verdict.set("");
    details.set("The verdict comes when both arms have ended: each final model is evaluated on every "
        + "participant's data and the paired accuracies are compared (Wilcoxon signed-rank).");
    active.set(true);
    runs.set(runs.get() + 1);
    updateStatus();
  }

  private void apply(Run run, AbRun.Side side, List<FederationEvent> batch) {
    if (run != current) {
      return; // an older run's last batch
    }
    int k = side.ordinal();
    for (FederationEvent e : batch) {
      if (e instanceof FederationEvent.RoundCommitted rc) {
        Map<String, Double> m = rc.metrics() == null ? Map.of() : rc.metrics();
        point(k, rc.roundId(), m.getOrDefault("test_loss", Double.NaN), m.getOrDefault("test_accuracy", Double.NaN));
      } else if (e instanceof FederationEvent.StateChanged sc) {
        states[k] = sc.to();
      }
    }
    updateStatus();
  }

  private void point(int k, long round, double testLoss, double testAccuracy) {
    if (round <= lastRound[k]) {
      return; // already drawn (from a live batch or from the result)
    }
    lastRound[k] = round;
    CircularDoubleErrorDataSet l = loss[k];
    CircularDoubleErrorDataSet a = accuracy[k];
    try {
      writer.execute(() -> {
        if (Double.isFinite(testLoss)) {
          l.add(round, testLoss, 0, 0);
        }
        if (Double.isFinite(testAccuracy)) {
          a.add(round, testAccuracy, 0, 0);
        }
      });
    } catch (RejectedExecutionException e) {
      // the console is closing
    }
  }

  private void finish(Run run, AbRun.Result r) {
    if (run != current) {
      return;
    }
    result = r;
    for (AbRun.Side s : AbRun.Side.values()) {
      AbRun.Arm arm = r.arm(s);
      for (Map<String, Object> row : arm.curve()) {
        point(s.ordinal(), ((Number) row.get("round")).longValue(), ((Number) row.get("test_loss")).doubleValue(),
            ((Number) row.get("test_accuracy")).doubleValue());
      }
      states[s.ordinal()] = FederationState.valueOf(arm.state().toUpperCase(Locale.ROOT));
    }
    AbRun.Side better = r.better();
    verdict.set(better == null ? "No significant difference at 0.05"
        : better + " is better (" + r.arm(better).strategy() + ", p < 0.05)");
    details.set(String.format(Locale.ROOT, "Wilcoxon signed-rank p = %.4f · mean accuracy difference A − B = %+.4f "
        + "(%d participants, each final model on each participant's data) · paired t p = %.4f",
        r.wilcoxonP(), r.meanDifference(), r.pairs(), r.pairedTP()));
    run.close();
    updateStatus();
  }

  private void fail(Run run, Throwable error) {
    if (run != current) {
      return;
    }
    run.close();
    verdict.set("");
    details.set("The A/B run failed: " + (error.getMessage() == null ? error.toString() : error.getMessage()));
    status.set("failed");
  }

  private void updateStatus() {
    if (plan == null) {
      return;
    }
    String what = result != null ? (states[0] == FederationState.STOPPED || states[1] == FederationState.STOPPED
        ? "stopped" : "finished")
        : states[0] == FederationState.PAUSED && states[1] == FederationState.PAUSED ? "paused" : "running";
    status.set(String.format(Locale.ROOT, "%s · A round %d, B round %d of %d · split %s, seed %d", what,
        lastRound[0], lastRound[1], plan.rounds(), plan.split().name().toLowerCase(Locale.ROOT), plan.seed()));
  }

  /** Counts runs shown so far; the view takes the new data sets on each change. */
  public ReadOnlyLongProperty runsProperty() {
    return runs.getReadOnlyProperty();
  }

  /** Whether an A/B run has been shown in this window. */
  public ReadOnlyBooleanProperty activeProperty() {
    return active.getReadOnlyProperty();
  }

  /** "running · A round 12, B round 11 of 30 · split random, seed 1". */
  public ReadOnlyStringProperty statusProperty() {
    return status.getReadOnlyProperty();
  }

  /** "B is better (trimmed-mean:beta=0.2, p &lt; 0.05)" or "No significant difference at 0.05"; empty while running. */
  public ReadOnlyStringProperty verdictProperty() {
    return verdict.getReadOnlyProperty();
  }

  /** The test's numbers (p, mean difference, pairs), or why there is no verdict yet. */
  public ReadOnlyStringProperty detailsProperty() {
    return details.getReadOnlyProperty();
  }

  /** "A: fedavg (n=10)": the legend name of {@code side}'s curves. */
  public String label(AbRun.Side side) {
    return labels[side.ordinal()];
  }

  /** Test loss per round of {@code side} (replaced by a new run: see {@link #runsProperty()}). */
  public CircularDoubleErrorDataSet loss(AbRun.Side side) {
    return loss[side.ordinal()];
  }

  /** Test accuracy per round of {@code side}. */
  public CircularDoubleErrorDataSet accuracy(AbRun.Side side) {
    return accuracy[side.ordinal()];
  }

  /** The last round drawn for {@code side}. */
  public long lastRound(AbRun.Side side) {
    return lastRound[side.ordinal()];
  }

  /** The finished run's result, or null. */
  public AbRun.Result result() {
    return result;
  }

  /** One run's listener: events into a bridge per arm, the rest straight to the UI executor. */
  private final class Run implements AbListener {
    private final EventBridge[] bridges = new EventBridge[2];

    Run() {
      for (AbRun.Side s : AbRun.Side.values()) {
        bridges[s.ordinal()] = new EventBridge(ui, interval, batch -> apply(this, s, batch));
      }
    }

    @Override
    public void started(AbRun.Plan p) {
      post(() -> begin(this, p));
    }

    @Override
    public void event(AbRun.Side arm, FederationEvent event) {
      // the coordinator thread keeps only what the overlay draws: a big fleet's update events stay out
      if (event instanceof FederationEvent.RoundCommitted || event instanceof FederationEvent.StateChanged) {
        bridges[arm.ordinal()].accept(event);
      }
    }

    @Override
    public void finished(AbRun.Result r) {
      post(() -> finish(this, r));
    }

    @Override
    public void failed(Throwable error) {
      post(() -> fail(this, error));
    }

    private void post(Runnable r) {
      try {
        ui.execute(r);
      } catch (RejectedExecutionException | IllegalStateException e) {
        // the toolkit is gone: nobody is left to show it
      }
    }

    void close() {
      for (EventBridge b : bridges) {
        b.close();
      }
    }
  }
}
