package io.flotilla.console.app.audit;

import io.flotilla.console.app.console.OperationTracker;
import io.flotilla.console.app.format.Units;
import io.flotilla.console.app.history.AuditRecord;
import io.flotilla.console.app.history.ChainStatus;
import io.flotilla.console.app.history.FederationHistory;
import io.flotilla.engine.api.FederationEvent;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * State of the Audit log page: the newest entries of the federation's hash-chained audit log (newest
 * first, at most {@link #MAX_ENTRIES}), a search over actor, action, subject and details, and the chain's
 * verification status. Entries load off the FX thread once when the federation attaches (so the page's table
 * rows can be built before its first visit), then incrementally after events that the engine audits, only
 * while the page is shown; the chain is re-verified with each load and on demand.
 *
 * <p>Thread-safety: confined to the UI thread; reads run on the {@code io} executor.
 */
public final class AuditViewModel {
  /** Entries kept on screen. */
  public static final int MAX_ENTRIES = 20_000;
  /** Entries asked for by an incremental load. */
  static final int INCREMENT = 500;

  private final Executor ui;
  private final Executor io;
  private final OperationTracker tracker;
  private final Clock clock;
  private final ObservableList<AuditRecord> entries = FXCollections.observableArrayList();
  private final FilteredList<AuditRecord> filtered = new FilteredList<>(entries);
  private final StringProperty search = new SimpleStringProperty("");
  private final ReadOnlyObjectWrapper<ChainStatus> chain = new ReadOnlyObjectWrapper<>();
  private final ReadOnlyStringWrapper chainText = new ReadOnlyStringWrapper("Chain not checked yet");
  private final ReadOnlyStringWrapper countText = new ReadOnlyStringWrapper("");
  private FederationHistory history;
  private long lastSeq;
  private boolean active;
  private boolean stale = true;
  private boolean loading;
  private boolean firstLoadDone;

  public AuditViewModel(Executor ui, Executor io, OperationTracker tracker, Clock clock) {
    this.ui = Objects.requireNonNull(ui, "ui");
    this.io = Objects.requireNonNull(io, "io");
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.clock = Objects.requireNonNull(clock, "clock");
    search.addListener((o, was, is) -> {
      String q = is == null ? "" : is.trim().toLowerCase(Locale.ROOT);
      filtered.setPredicate(q.isEmpty() ? null : r -> matches(r, q));
      updateCount();
    });
  }

  static boolean matches(AuditRecord r, String q) {
    return contains(r.action(), q) || contains(r.actor(), q) || contains(r.subject(), q)
        || contains(r.detail(), q) || Long.toString(r.seq()).equals(q);
  }

  private static boolean contains(String s, String q) {
    return s != null && s.toLowerCase(Locale.ROOT).contains(q);
  }

  /**
   * Whether the list has loaded once since {@link #attach} (or there is nothing to load): the console's
   * pages are built from it (tests wait for it before looking the page's nodes up).
   */
  public boolean firstLoadDone() {
    return firstLoadDone;
  }

  public void attach(FederationHistory h) {
    history = h;
    stale = true;
    refresh(); // once now, shown or not: the rows exist before the page's first visit
    stale = true; // and again, incrementally, when the page is first shown (not every change raises an event)
  }

  public void active(boolean on) {
    active = on;
    if (on && stale) {
      refresh();
    }
  }

  /**
   * Any event may have been audited (commits, aborts, joins, state changes, rollbacks): mark stale. The
   * next {@link #tick()} loads.
   */
  public void apply(List<FederationEvent> batch) {
    if (!batch.isEmpty()) {
      stale = true;
    }
  }

  /** Once a second: loads what is new while the page is shown. */
  public void tick() {
    if (stale && active && !loading) {
      refresh();
    }
  }

  /** Loads new entries and re-verifies the chain, in the background (one load at a time). */
  public void refresh() {
    if (history == null) {
      firstLoadDone = true; // nothing to load
      return;
    }
    if (loading) {
      stale = true;
      return;
    }
    loading = true;
    stale = false;
    FederationHistory h = history;
    long after = lastSeq;
    try {
      io.execute(() -> {
        try {
          List<AuditRecord> got = h.audit(after == 0 ? MAX_ENTRIES : INCREMENT);
          if (after > 0 && !got.isEmpty() && got.get(0).seq() > after + 1) {
            got = h.audit(MAX_ENTRIES); // more arrived than one increment: catch up
          }
          ChainStatus status = h.verifyAudit();
          List<AuditRecord> result = got;
          ui.execute(() -> loaded(result, status, null));
        } catch (RuntimeException e) {
          ui.execute(() -> loaded(List.of(), null, e));
        }
      });
    } catch (RejectedExecutionException e) {
      loading = false;
      firstLoadDone = true; // shutting down: nothing will load
    }
  }

  /** Re-verifies the whole chain now, showing progress in the status bar. */
  public void verifyNow() {
    if (history == null) {
      return;
    }
    OperationTracker.Operation op = tracker.begin("Verifying the audit chain…");
    FederationHistory h = history;
    try {
      io.execute(() -> {
        try {
          ChainStatus s = h.verifyAudit();
          ui.execute(() -> {
            op.end();
            setChain(s);
          });
        } catch (RuntimeException e) {
          ui.execute(() -> {
            op.end();
            chainText.set("Could not verify the chain: " + e.getMessage());
          });
        }
      });
    } catch (RejectedExecutionException e) {
      op.end();
    }
  }

  private void loaded(List<AuditRecord> got, ChainStatus status, Throwable error) {
    loading = false;
    firstLoadDone = true;
    if (error != null) {
      chainText.set("Could not read the audit log: " + error.getMessage());
    } else {
      List<AuditRecord> fresh = new java.util.ArrayList<>();
      for (AuditRecord r : got) { // oldest first
        if (r.seq() > lastSeq) {
          fresh.add(r);
          lastSeq = r.seq();
        }
      }
      java.util.Collections.reverse(fresh); // newest first, all on top in one list change
      if (!fresh.isEmpty()) {
        entries.addAll(0, fresh.size() > MAX_ENTRIES ? fresh.subList(0, MAX_ENTRIES) : fresh);
      }
      if (entries.size() > MAX_ENTRIES) {
        entries.remove(MAX_ENTRIES, entries.size());
      }
      setChain(status);
      updateCount();
    }
  }

  private void setChain(ChainStatus s) {
    chain.set(s);
    if (s == null) {
      return;
    }
    String when = " · checked " + Units.clock(clock.instant());
    chainText.set(s.intact()
        ? "Chain intact · " + Units.count(s.entries()) + " entries" + when
        : "Chain BROKEN at entry " + s.firstBadSeq() + ": " + s.problem() + when);
  }

  private void updateCount() {
    int shown = filtered.size();
    countText.set(shown == entries.size() ? Units.count(entries.size()) + " entries"
        : Units.count(shown) + " of " + Units.count(entries.size()) + " entries");
  }

  /** Entries matching the search, newest first. */
  public ObservableList<AuditRecord> entries() {
    return filtered;
  }

  /** Words to look for in actor, action, subject and details (or an exact sequence number). */
  public StringProperty searchProperty() {
    return search;
  }

  /** The last verification; null before the first. */
  public ReadOnlyObjectProperty<ChainStatus> chainProperty() {
    return chain.getReadOnlyProperty();
  }

  /** "Chain intact · 1,234 entries · checked 14:03:22". */
  public ReadOnlyStringProperty chainTextProperty() {
    return chainText.getReadOnlyProperty();
  }

  /** "12 of 1,234 entries". */
  public ReadOnlyStringProperty countTextProperty() {
    return countText.getReadOnlyProperty();
  }
}
