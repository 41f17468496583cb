package io.flotilla.console.app.models;

import io.flotilla.console.app.console.OperationTracker;
import io.flotilla.console.app.format.Units;
import io.flotilla.console.app.history.FederationHistory;
import io.flotilla.console.app.history.ModelVersion;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.ModelRolledBack;
import io.flotilla.engine.api.FederationEvent.RoundCommitted;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the Models page: the stored model versions (newest first, read from the federation's history
 * off the FX thread), which one is current, and the operator's actions on them: roll back to a version
 * (through the {@link Federation} facade, which audits it) and export one as safetensors.
 *
 * <p>The list loads once when the federation attaches (so that the page's table rows can be built while the
 * console loads, not at its first visit), then reloads after commits and rollbacks, at most once a second
 * ({@link #tick}), one load at a time, and only while the page is shown ({@link #active}); a hidden page
 * reloads when it is shown again.
 *
 * <p>Thread-safety: confined to the UI thread; store reads and exports run on the {@code io} executor and
 * come back through the {@code ui} executor.
 */
public final class ModelsViewModel {
  private final Executor ui;
  private final Executor io;
  private final OperationTracker tracker;
  private final ObservableList<ModelVersionRow> rows = FXCollections.observableArrayList();
  private final ObservableList<ModelVersionRow> rowsView = FXCollections.unmodifiableObservableList(rows);
  private final Map<Long, ModelVersionRow> byVersion = new HashMap<>();
  private final ReadOnlyLongWrapper currentVersion = new ReadOnlyLongWrapper(-1);
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
  private final ReadOnlyStringWrapper emptyText = new ReadOnlyStringWrapper("Loading model versions…");
  private Federation federation;
  private FederationHistory history;
  private boolean active;
  private boolean stale = true;
  private boolean loading;
  private boolean firstLoadDone;

  public ModelsViewModel(Executor ui, Executor io, OperationTracker tracker) {
    this.ui = Objects.requireNonNull(ui, "ui");
    this.io = Objects.requireNonNull(io, "io");
    this.tracker = Objects.requireNonNull(tracker, "tracker");
  }

  /**
   * Whether the list has loaded once since {@link #attach} (or there is nothing to load): the console's
   * pages are built from it (tests wait for it before looking the page's nodes up).
   */
  public boolean firstLoadDone() {
    return firstLoadDone;
  }

  /** The federation is ready; its history is {@code h}. */
  public void attach(Federation f, FederationHistory h) {
    federation = f;
    history = h;
    stale = true;
    refresh(); // once now, shown or not: the rows exist before the page's first visit
    stale = true; // and again, incrementally, when the page is first shown (not every change raises an event)
  }

  /** Whether the page is on screen. */
  public void active(boolean on) {
    active = on;
    if (on && stale) {
      refresh();
    }
  }

  /** Marks the list stale after commits and rollbacks. */
  public void apply(List<FederationEvent> batch) {
    for (FederationEvent e : batch) {
      if (e instanceof RoundCommitted || e instanceof ModelRolledBack) {
        stale = true;
        if (e instanceof ModelRolledBack rb) {
          currentVersion.set(rb.newVersion());
        } else {
          currentVersion.set(Math.max(currentVersion.get(), ((RoundCommitted) e).version()));
        }
      }
    }
  }

  /** Once a second: reloads the list if it is stale and the page is shown. */
  public void tick() {
    if (stale && active && !loading) {
      refresh();
    }
  }

  /** Reloads the versions in the background (one load at a time). */
  public void refresh() {
    if (history == null) {
      firstLoadDone = true; // nothing to load
      return;
    }
    if (loading) {
      stale = true; // the running load may miss the newest commit: load again after it
      return;
    }
    loading = true;
    stale = false;
    FederationHistory h = history;
    try {
      io.execute(() -> {
        List<ModelVersion> v;
        try {
          v = h.versions();
        } catch (RuntimeException e) {
          ui.execute(() -> loaded(null, e));
          return;
        }
        ui.execute(() -> loaded(v, null));
      });
    } catch (RejectedExecutionException e) {
      loading = false;
      firstLoadDone = true; // shutting down: nothing will load
    }
  }

  private void loaded(List<ModelVersion> versions, Throwable error) {
    loading = false;
    firstLoadDone = true;
    if (error != null) {
      emptyText.set("Could not read model versions: " + message(error));
    } else {
      merge(versions);
    }
  }

  private void merge(List<ModelVersion> versions) {
    List<ModelVersionRow> added = new java.util.ArrayList<>();
    for (ModelVersion v : versions) {
      ModelVersionRow row = byVersion.get(v.version());
      if (row == null) {
        row = new ModelVersionRow(v);
        byVersion.put(v.version(), row);
        added.add(row);
      } else {
        row.current(v.current());
      }
      if (v.current()) {
        currentVersion.set(v.version());
      }
    }
    if (!added.isEmpty()) { // versions only grow: the new ones go on top, newest first, in one list change
      added.sort((a, b) -> Long.compare(b.version(), a.version()));
      if (rows.isEmpty() || added.get(added.size() - 1).version() > rows.get(0).version()) {
        rows.addAll(0, added);
      } else {
        List<ModelVersionRow> all = new java.util.ArrayList<>(rows);
        all.addAll(added);
        all.sort((a, b) -> Long.compare(b.version(), a.version()));
        rows.setAll(all);
      }
    }
    emptyText.set(rows.isEmpty() ? "No model versions yet: the initial model is stored when the federation opens."
        : "");
  }

  /**
   * Rolls the global model back to {@code version}: a new version holding its parameters becomes current
   * once the round in progress has finished. Completes with the new version number.
   */
  public CompletableFuture<Long> rollback(long version, String reason) {
    if (federation == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("the federation is not loaded yet"));
    }
    String why = reason == null || reason.isBlank() ? "rolled back from the console" : reason.trim();
    OperationTracker.Operation op = tracker.begin("Rolling back to version " + version + "…");
    message.set("Rolling back to version " + version + " (after the round in progress)…");
    CompletableFuture<Long> result = new CompletableFuture<>();
    CompletableFuture<Long> f;
    try {
      f = federation.rollback(version, why);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((newVersion, error) -> ui.execute(() -> {
      op.end();
      if (error != null) {
        message.set("Rollback to version " + version + " failed: " + message(error));
        result.completeExceptionally(error);
      } else {
        message.set("Rolled back: version " + newVersion + " holds the parameters of version " + version
            + " and is current.");
        currentVersion.set(newVersion);
        stale = true;
        refresh();
        result.complete(newVersion);
      }
    }));
    return result;
  }

  /** Writes {@code version} as a safetensors file at {@code out}, in the background. */
  public CompletableFuture<Path> export(long version, Path out) {
    CompletableFuture<Path> result = new CompletableFuture<>();
    if (history == null) {
      result.completeExceptionally(new IllegalStateException("no model history"));
      return result;
    }
    OperationTracker.Operation op = tracker.begin("Exporting version " + version + "…");
    FederationHistory h = history;
    try {
      io.execute(() -> {
        try {
          h.exportModel(version, out);
          ui.execute(() -> {
            op.end();
            message.set("Exported version " + version + " to " + out);
            result.complete(out);
          });
        } catch (RuntimeException e) {
          ui.execute(() -> {
            op.end();
            message.set("Export of version " + version + " failed: " + message(e));
            result.completeExceptionally(e);
          });
        }
      });
    } catch (RejectedExecutionException e) {
      op.end();
      result.completeExceptionally(e);
    }
    return result;
  }

  /** What a rollback to {@code row} will do, for the confirmation dialog. */
  public String rollbackConsequences(ModelVersionRow row) {
    ModelVersion v = row.info();
    String from = v.roundId() != null ? "round " + v.roundId() : v.origin().toLowerCase(Locale.ROOT) + " version";
    double acc = v.metric("test_accuracy");
    return "A new version holding the parameters of version " + v.version() + " (" + from
        + (Double.isFinite(acc) ? ", test accuracy " + Units.percent(acc) : "") + ") becomes current, replacing"
        + " version " + currentVersion.get() + ". A round in progress finishes first; the next round trains from"
        + " the restored model. Nothing is deleted: every version stays listed, and the rollback is recorded in"
        + " the audit log.";
  }

  /** Why an action on {@code row} is not possible, or null when rollback and export both are. */
  public String unavailableReason(ModelVersionRow row) {
    if (row == null) {
      return "Select a version.";
    }
    if (!row.info().blobPresent()) {
      return "Version " + row.version() + " was purged by the retention policy; its parameters are gone.";
    }
    return null;
  }

  private static String message(Throwable e) {
    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }

  /** Versions, newest first. */
  public ObservableList<ModelVersionRow> rows() {
    return rowsView;
  }

  public ReadOnlyLongProperty currentVersionProperty() {
    return currentVersion.getReadOnlyProperty();
  }

  /** The outcome of the last action. */
  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty emptyTextProperty() {
    return emptyText.getReadOnlyProperty();
  }

  /** True until the federation is loaded (no rollback possible yet). */
  public boolean federationMissing() {
    return federation == null;
  }

  /** True when the federation keeps history (the page has something to show). */
  public boolean available() {
    return history != null;
  }
}
