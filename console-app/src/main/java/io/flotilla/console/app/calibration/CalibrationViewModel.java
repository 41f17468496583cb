package io.flotilla.console.app.calibration;

import io.flotilla.engine.api.Calibration;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.CalibrationCompleted;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State of the Calibration page: runs a calibration round on request ({@link Federation#calibrate}, audited with
 * the operator's name) and shows the results of every calibration the federation ran (on request or on its
 * own schedule, from {@link CalibrationCompleted} events): per-participant evaluation of the global model, the
 * federated per-feature mean and variance, and the reweighting coefficients; plus the history of calibrations.
 *
 * <p>Thread-safety: UI thread only; {@link #run} never waits for the engine (its answer is marshalled back onto
 * the UI executor).
 */
public final class CalibrationViewModel {
  private static final Logger log = LoggerFactory.getLogger(CalibrationViewModel.class);
  /** Calibrations kept in the history. */
  public static final int MAX_HISTORY = 100;

  /** One participant's line of a calibration. */
  public record ParticipantResult(String participantId, long samples, double loss, double accuracy, double weight) {}

  /** One feature's federated mean and variance. */
  public record FeatureStat(int feature, double mean, double variance) {}

  /** A finished calibration. */
  public record Result(long calibrationId, long modelVersion, Instant time, String actor, List<String> answered,
      List<String> unsupported, List<ParticipantResult> participants, List<FeatureStat> features) {
    /** "#3 · model v12 · 20 answered · by console:ann". */
    public String title() {
      return "#" + calibrationId + " · model v" + modelVersion + " · " + answered.size() + " answered"
          + (unsupported.isEmpty() ? "" : ", " + unsupported.size() + " unsupported")
          + (actor == null ? "" : " · by " + actor);
    }

    /** Sample-weighted accuracy of the global model over the participants that answered. */
    public double meanAccuracy() {
      double n = 0;
      double s = 0;
      for (ParticipantResult p : participants) {
        if (Double.isFinite(p.accuracy())) {
          n += p.samples();
          s += p.samples() * p.accuracy();
        }
      }
      return n == 0 ? Double.NaN : s / n;
    }
  }

  private final Executor ui;
  private final Clock clock;
  private final ObservableList<Result> history = FXCollections.observableArrayList();
  private final ObservableList<Result> historyView = FXCollections.unmodifiableObservableList(history);
  private final ObservableList<ParticipantResult> rows = FXCollections.observableArrayList();
  private final ObservableList<FeatureStat> features = FXCollections.observableArrayList();
  private final ReadOnlyObjectWrapper<Result> shown = new ReadOnlyObjectWrapper<>();
  private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper();
  private final ReadOnlyBooleanWrapper unavailable = new ReadOnlyBooleanWrapper(true);
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(
      "No calibration yet. A calibration round trains nothing: every participant evaluates the current model "
          + "and reports feature statistics and its label histogram.");
  private Federation federation;
  private String actor = "console:operator";
  private BiConsumer<String, String> onFailure = (t, m) -> { };

  public CalibrationViewModel(Executor ui, Clock clock) {
    this.ui = Objects.requireNonNull(ui, "ui");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The federation to calibrate. UI thread. */
  public void attach(Federation fed) {
    this.federation = fed;
    unavailable.set(fed == null);
  }

  /** The operator's name recorded with each calibration ("console:ann"). */
  public void actor(String name) {
    this.actor = Objects.requireNonNull(name, "actor");
  }

  /** Called with a title and a message when a calibration fails (the console raises an alarm). */
  public void onFailure(BiConsumer<String, String> handler) {
    this.onFailure = Objects.requireNonNull(handler, "handler");
  }

  /**
   * Asks the federation for a calibration round; the results arrive with its {@link CalibrationCompleted} event
   * (and the request's answer). Does nothing while one runs. UI thread.
   */
  public void run(String reason) {
    if (federation == null || running.get()) {
      return;
    }
    String why = reason == null || reason.isBlank() ? "calibration requested from the console" : reason;
    running.set(true);
    status.set("Calibration requested at " + io.flotilla.console.app.format.Units.clock(clock.instant())
        + ": waiting for the participants (it starts between rounds)…");
    federation.calibrate(actor, why).whenComplete((c, error) -> ui.execute(() -> finished(c, error)));
  }

  private void finished(Calibration c, Throwable error) {
    running.set(false);
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      String msg = cause.getMessage() == null ? cause.toString() : cause.getMessage();
      log.warn("calibration failed: {}", msg);
      status.set("Calibration failed: " + msg);
      onFailure.accept("Calibration failed", msg);
      return;
    }
    record(result(c.calibrationId(), c.modelVersion(), clock.instant(), actor, c.answered(), c.unsupported(),
        c.evaluation(), c.featureMean(), c.featureVariance(), c.reweighting()));
  }

  /** Applies a batch of events in order. UI thread. */
  public void apply(List<FederationEvent> batch) {
    for (FederationEvent e : batch) {
      if (e instanceof CalibrationCompleted cc) {
        record(result(cc.calibrationId(), cc.modelVersion(), cc.time(), cc.actor(), cc.answered(), cc.unsupported(),
            cc.evaluation(), cc.featureMean(), cc.featureVariance(), cc.reweighting()));
      }
    }
  }

  static Result result(long id, long version, Instant time, String actor, List<String> answered,
      List<String> unsupported, Map<String, Map<String, Double>> evaluation, double[] mean, double[] variance,
      Map<String, Double> reweighting) {
    List<ParticipantResult> ps = new ArrayList<>();
    for (Map.Entry<String, Map<String, Double>> e : new TreeMap<>(evaluation).entrySet()) {
      Map<String, Double> m = e.getValue();
      ps.add(new ParticipantResult(e.getKey(), Math.round(m.getOrDefault("samples", 0.0)),
          m.getOrDefault("loss", Double.NaN), m.getOrDefault("accuracy", Double.NaN),
          reweighting.getOrDefault(e.getKey(), Double.NaN)));
    }
    List<FeatureStat> fs = new ArrayList<>();
    for (int i = 0; i < mean.length; i++) {
      fs.add(new FeatureStat(i, mean[i], i < variance.length ? variance[i] : Double.NaN));
    }
    return new Result(id, version, time, actor, List.copyOf(answered), List.copyOf(unsupported), List.copyOf(ps),
        List.copyOf(fs));
  }

  private void record(Result r) {
    for (Result h : history) {
      if (h.calibrationId() == r.calibrationId()) {
        return; // the answer and the event describe the same calibration
      }
    }
    history.add(0, r);
    if (history.size() > MAX_HISTORY) {
      history.remove(MAX_HISTORY, history.size());
    }
    show(r);
    status.set(String.format(Locale.ROOT, "Calibration %s: mean accuracy of the global model %.1f %%, %d features",
        r.title(), 100 * r.meanAccuracy(), r.features().size()));
  }

  /** Shows {@code r}'s results (a click in the history). UI thread. */
  public void show(Result r) {
    shown.set(r);
    rows.setAll(r == null ? List.of() : r.participants());
    features.setAll(r == null ? List.of() : r.features());
  }

  /** Calibrations, newest first. */
  public ObservableList<Result> history() {
    return historyView;
  }

  /** The shown calibration's participants. */
  public ObservableList<ParticipantResult> rows() {
    return rows;
  }

  /** The shown calibration's features. */
  public ObservableList<FeatureStat> features() {
    return features;
  }

  public ReadOnlyObjectProperty<Result> shownProperty() {
    return shown.getReadOnlyProperty();
  }

  /** True while a requested calibration runs. */
  public ReadOnlyBooleanProperty runningProperty() {
    return running.getReadOnlyProperty();
  }

  /** True until a federation is attached. */
  public ReadOnlyBooleanProperty unavailableProperty() {
    return unavailable.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty statusProperty() {
    return status.getReadOnlyProperty();
  }
}
