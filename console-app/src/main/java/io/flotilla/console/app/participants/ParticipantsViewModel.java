package io.flotilla.console.app.participants;

import io.flotilla.console.app.console.NotificationGate;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.ParticipantFailed;
import io.flotilla.engine.api.FederationEvent.ParticipantJoined;
import io.flotilla.engine.api.FederationEvent.ParticipantSuspended;
import io.flotilla.engine.api.FederationEvent.RoundAborted;
import io.flotilla.engine.api.FederationEvent.RoundCommitted;
import io.flotilla.engine.api.FederationEvent.RoundStarted;
import io.flotilla.engine.api.FederationEvent.UpdateAccepted;
import io.flotilla.engine.api.FederationEvent.UpdateRejected;
import io.flotilla.engine.api.FederationSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * State of the Participants page: one row per participant, updated in place from events (selections,
 * answers, suspensions) and corrected from the coordinator's snapshots (state, counters, trust), a text
 * filter, and counts by state.
 *
 * <p>Snapshots are asked for once a second while events arrive (and after each round ends), never waited
 * for: the answer comes back through the UI executor. A snapshot reflects every event up to the newest one
 * queued when it was taken ({@code queuedSeq}); it is applied only once those events have been applied
 * here, so no event is counted twice.
 *
 * <p>Thread-safety: confined to the UI thread.
 */
public final class ParticipantsViewModel {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ParticipantsViewModel.class);
  private static final Duration SNAPSHOT_EVERY = Duration.ofSeconds(1);

  private final Executor ui;
  private final Clock clock;
  private final LongSupplier queuedSeq;
  // no extractor: a change of a row's property must not re-sort or re-filter the whole table once per
  // property; the view re-sorts once per batch (see changesProperty) and the filter is re-applied here
  private final ObservableList<ParticipantRow> rows = FXCollections.observableArrayList();
  private final FilteredList<ParticipantRow> filtered = new FilteredList<>(rows);
  private final Map<String, ParticipantRow> byId = new HashMap<>();
  private final NotificationGate gate = new NotificationGate();
  private final ReadOnlyBooleanWrapper liveRows = new ReadOnlyBooleanWrapper(true);
  private final StringProperty filter = new SimpleStringProperty("");
  private final ReadOnlyStringWrapper counts = new ReadOnlyStringWrapper("No participants yet");
  private final javafx.beans.property.ReadOnlyLongWrapper changes = new javafx.beans.property.ReadOnlyLongWrapper();
  private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper("0");
  private final ReadOnlyStringWrapper breakdown = new ReadOnlyStringWrapper("no participants yet");
  private final ReadOnlyStringWrapper emptyText =
      new ReadOnlyStringWrapper("Participants appear here as they join the federation.");
  private Federation federation;
  private long heartbeatIntervalMs = 5_000;
  /**
   * Heartbeats count as stale only while the federation runs: a simulated participant beats between rounds,
   * so a paused or finished simulation would otherwise turn every row red.
   */
  private boolean running;
  private long appliedSeq;
  private boolean requestInFlight;
  private boolean wanted = true;
  private Instant lastRequest = Instant.EPOCH;
  private Pending pending;
  private final java.util.TreeMap<Long, Instant> roundStarts = new java.util.TreeMap<>();
  private final io.flotilla.console.app.perf.StallRecorder snapshotTimes = new io.flotilla.console.app.perf.StallRecorder();
  private java.util.function.Consumer<FederationSnapshot> onSnapshot = s -> { };

  private record Pending(FederationSnapshot snapshot, long seq) {}

  /**
   * How an operator action ended.
   *
   * @param error null when the federation carried it out, else why not (in words)
   */
  public record ActionResult(OperatorAction action, String participantId, String reason, String error) {
    public boolean ok() {
      return error == null;
    }

    /** "p003 suspended" or "Could not suspend p003: …". */
    public String message() {
      return ok() ? participantId + " " + action.pastTense()
          : "Could not " + action.label().toLowerCase(Locale.ROOT) + " " + participantId + ": " + error;
    }
  }

  private final ReadOnlyStringWrapper actionMessage = new ReadOnlyStringWrapper("");
  private final javafx.beans.property.ReadOnlyIntegerWrapper actionsInFlight =
      new javafx.beans.property.ReadOnlyIntegerWrapper();
  private String actor = "operator";
  private java.util.function.Consumer<ActionResult> onActionResult = r -> { };

  /**
   * @param queuedSeq sequence number of the newest event queued for this view model (the event bridge's)
   */
  public ParticipantsViewModel(Executor ui, Clock clock, LongSupplier queuedSeq) {
    this.ui = Objects.requireNonNull(ui, "ui");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.queuedSeq = Objects.requireNonNull(queuedSeq, "queuedSeq");
    liveRows.addListener((o, was, is) -> gate.setOpen(is));
    filter.addListener((o, was, is) -> {
      refilter();
      updateCounts();
    });
  }

  static boolean matches(ParticipantRow r, String q) {
    for (String word : q.split("\\s+")) {
      if (!(r.id().toLowerCase(Locale.ROOT).contains(word)
          || r.deviceClassProperty().get().toLowerCase(Locale.ROOT).contains(word)
          || r.state().toLowerCase(Locale.ROOT).contains(word)
          || r.healthProperty().get().name().toLowerCase(Locale.ROOT).equals(word)
          || (word.equals("drifting") && r.driftingProperty().get()))) {
        return false;
      }
    }
    return true;
  }

  private void refilter() {
    String q = filter.get() == null ? "" : filter.get().trim().toLowerCase(Locale.ROOT);
    filtered.setPredicate(q.isEmpty() ? null : r -> matches(r, q));
  }

  /** The federation is ready: ask for a first snapshot. */
  public void attach(Federation f) {
    federation = f;
    wanted = true;
    requestSnapshot();
  }

  /** Applies a batch of events in order. */
  public void apply(List<FederationEvent> batch) {
    for (FederationEvent e : batch) {
      apply(e);
      appliedSeq = Math.max(appliedSeq, e.seq());
    }
    if (pending != null && appliedSeq >= pending.seq()) {
      FederationSnapshot s = pending.snapshot();
      pending = null;
      applySnapshot(s);
    }
    changed();
    if (!batch.isEmpty()) {
      wanted = true;
    }
  }

  /** Rows changed in place: re-apply the filter (states and health may have changed) and tell the view. */
  private void changed() {
    if (filter.get() != null && !filter.get().isBlank()) {
      refilter();
    }
    updateCounts();
    changes.set(changes.get() + 1);
  }

  /**
   * Whether the rows tell their listeners (table cells, the details pane) of each change as it happens (true,
   * the default). The console sets it false while nobody looks at them, i.e. the Participants page is hidden
   * and no participant is in the details drawer: the hidden table then does not restyle and lay out its cells
   * once or more a second for nobody. The rows' values stay current (counts, filter and actions read them);
   * their listeners hear of every change at once, one notification per changed value, when it is set true again.
   */
  public void liveRows(boolean live) {
    liveRows.set(live);
  }

  public ReadOnlyBooleanProperty liveRowsProperty() {
    return liveRows.getReadOnlyProperty();
  }

  /** Row changes whose notifications are held right now (see {@link #liveRows}; tests). */
  public int heldRowChanges() {
    return gate.heldCount();
  }

  /** Counts batches of in-place row changes: the table re-sorts on it (at most once per batch). */
  public javafx.beans.property.ReadOnlyLongProperty changesProperty() {
    return changes.getReadOnlyProperty();
  }

  private void apply(FederationEvent e) {
    if (e instanceof ParticipantJoined pj) {
      row(pj.participantId()).joined(pj.deviceClass(), pj.sampleCount());
    } else if (e instanceof RoundStarted rs) {
      roundStarts.put(rs.roundId(), rs.time());
      if (roundStarts.size() > 64) {
        roundStarts.pollFirstEntry();
      }
      for (String pid : rs.selected()) {
        row(pid).selectedOnce();
      }
    } else if (e instanceof UpdateAccepted ua) {
      ParticipantRow r = row(ua.participantId());
      r.acceptedOnce(ua.time(), ua.roundId(), ua.partial());
      responded(r, ua.roundId(), ua.time());
    } else if (e instanceof UpdateRejected ur) {
      ParticipantRow r = row(ur.participantId());
      r.refusedOnce(ur.time(), ur.roundId(),
          ur.reason().name() + (ur.detail() == null || ur.detail().isBlank() ? "" : " (" + ur.detail() + ")"));
      responded(r, ur.roundId(), ur.time());
    } else if (e instanceof ParticipantFailed pf) {
      row(pf.participantId()).failedOnce(pf.time(), pf.roundId(), pf.reason());
    } else if (e instanceof ParticipantSuspended ps) {
      row(ps.participantId()).suspended(ps.strikes(), ps.trust(), ps.reason());
    } else if (e instanceof FederationEvent.ParticipantHeartbeat hb) {
      row(hb.participantId()).heartbeat(hb.time(), hb.health(), hb.roundId(), hb.phase(), clock.instant(),
          heartbeatIntervalMs, running);
    } else if (e instanceof FederationEvent.DriftIndicators di) {
      for (FederationEvent.ParticipantDrift d : di.participants()) {
        row(d.participantId()).drift(di.roundId(), d.labelJs(), d.lossTrend(), d.normTrend(), d.alarm());
      }
    } else if (e instanceof FederationEvent.StateChanged sc) {
      running = sc.to() == io.flotilla.engine.api.FederationState.RUNNING;
    } else if (e instanceof RoundCommitted || e instanceof RoundAborted) {
      wanted = true;
    }
  }

  /**
   * The heartbeat interval participants are expected to keep (the transport's, 5 s by default); a row uses
   * the larger of this and the gap it has seen between its own heartbeats to decide when one is stale.
   */
  public void heartbeatInterval(Duration interval) {
    heartbeatIntervalMs = Math.max(1, interval.toMillis());
  }

  private void responded(ParticipantRow r, long roundId, Instant at) {
    Instant start = roundStarts.get(roundId);
    if (start != null && !at.isBefore(start)) {
      r.responded(Duration.between(start, at).toNanos() / 1e6);
    }
  }

  /**
   * Once a second: refreshes "last answered / last heartbeat … ago" and the staleness of heartbeats (a string
   * and an enum per row: cells bound to rows off screen cost nothing), and asks for a snapshot if events
   * arrived.
   */
  public void tick() {
    Instant now = clock.instant();
    for (ParticipantRow r : rows) {
      r.clock(now, heartbeatIntervalMs, running);
    }
    if (filter.get() != null && !filter.get().isBlank()) {
      refilter(); // health can change with time alone (a heartbeat going stale)
    }
    if (wanted && Duration.between(lastRequest, now).compareTo(SNAPSHOT_EVERY) >= 0) {
      requestSnapshot();
    }
  }

  private void requestSnapshot() {
    if (federation == null || requestInFlight) {
      return;
    }
    requestInFlight = true;
    wanted = false;
    lastRequest = clock.instant();
    federation.snapshot().whenComplete((s, error) -> {
      long seq = queuedSeq.getAsLong(); // on the coordinator thread: the events this snapshot reflects
      ui.execute(() -> {
        requestInFlight = false;
        if (s == null) {
          return;
        }
        if (appliedSeq >= seq) {
          applySnapshot(s);
        } else {
          pending = new Pending(s, seq);
        }
      });
    });
  }

  // ------------------------------------------------------------------ operator actions

  /** The operator's name recorded with each action in the audit log (default {@code operator}). */
  public void actor(String name) {
    actor = name == null || name.isBlank() ? "operator" : name;
  }

  /** Receives each action's outcome on the UI thread (the console raises an alarm for failures). */
  public void onActionResult(java.util.function.Consumer<ActionResult> listener) {
    onActionResult = listener == null ? r -> { } : listener;
  }

  /**
   * Sends {@code action} for {@code participantId} with the operator's {@code reason} to the federation,
   * without waiting for it. The returned future completes on the UI thread with the outcome (never
   * exceptionally): a refusal (unknown participant, action not supported, command queue full) is an
   * {@link ActionResult} with its error, shown in {@link #actionMessageProperty()}, passed to
   * {@link #onActionResult} and logged; nothing else changes. A blank reason or an action that does not
   * apply to the participant's state is refused here, before the federation is asked.
   */
  public java.util.concurrent.CompletableFuture<ActionResult> act(OperatorAction action, String participantId,
      String reason) {
    Objects.requireNonNull(action, "action");
    java.util.concurrent.CompletableFuture<ActionResult> done = new java.util.concurrent.CompletableFuture<>();
    String why = reason == null ? "" : reason.strip();
    ParticipantRow row = participantId == null ? null : byId.get(participantId);
    String refusal = federation == null ? "the federation is not loaded yet"
        : row == null ? "unknown participant '" + participantId + "'"
        : why.isEmpty() ? "a reason is required (it goes into the audit log)"
        : !action.appliesTo(row.state()) ? "it is " + row.state().toLowerCase(Locale.ROOT)
        : null;
    if (refusal != null) {
      finish(done, new ActionResult(action, participantId, why, refusal));
      return done;
    }
    actionsInFlight.set(actionsInFlight.get() + 1);
    actionMessage.set(action.label() + " " + participantId + "…");
    java.util.concurrent.CompletableFuture<Void> sent;
    try {
      sent = action.send(federation, participantId, actor, why);
    } catch (RuntimeException e) {
      sent = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((v, error) -> ui.execute(() -> {
      actionsInFlight.set(actionsInFlight.get() - 1);
      finish(done, new ActionResult(action, participantId, why, error == null ? null : describe(error)));
      if (error == null) {
        wanted = true;
        lastRequest = Instant.EPOCH; // show the new state at the next tick, not a second later
        requestSnapshot();
      }
    }));
    return done;
  }

  private void finish(java.util.concurrent.CompletableFuture<ActionResult> done, ActionResult r) {
    if (!r.ok()) {
      log.warn("operator action refused: {}", r.message());
    } else {
      log.info("operator action: {} {} ({}) by {}", r.action(), r.participantId(), r.reason(), actor);
    }
    actionMessage.set(r.message());
    onActionResult.accept(r);
    done.complete(r);
  }

  private static String describe(Throwable error) {
    Throwable t = error;
    while ((t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    if (t instanceof UnsupportedOperationException) {
      return "this federation does not support it yet" + (m == null ? "" : " (" + m + ")");
    }
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  /** The last action's progress or outcome, for the page's status line. */
  public ReadOnlyStringProperty actionMessageProperty() {
    return actionMessage.getReadOnlyProperty();
  }

  /** Actions sent and not yet answered. */
  public javafx.beans.property.ReadOnlyIntegerProperty actionsInFlightProperty() {
    return actionsInFlight.getReadOnlyProperty();
  }

  /** Runs after each snapshot has been applied (the console gives the timeline its lanes). */
  public void onSnapshot(java.util.function.Consumer<FederationSnapshot> listener) {
    onSnapshot = listener == null ? s -> { } : listener;
  }

  /** Time spent applying each coordinator snapshot to the rows. */
  public io.flotilla.console.app.perf.StallRecorder snapshotTimes() {
    return snapshotTimes;
  }

  private void applySnapshot(FederationSnapshot s) {
    long t0 = System.nanoTime();
    running = s.state() == io.flotilla.engine.api.FederationState.RUNNING;
    int before = rows.size();
    List<ParticipantRow> added = new java.util.ArrayList<>();
    for (FederationSnapshot.ParticipantSnapshot p : s.participants()) {
      ParticipantRow r = byId.get(p.id());
      if (r == null) { // new rows go in together: one list change for a thousand participants, not a thousand
        r = new ParticipantRow(p.id(), gate);
        byId.put(p.id(), r);
        added.add(r);
      }
      r.counts(p.state(), p.deviceClass(), p.roundsSelected(), p.updatesAccepted(), p.failures(), p.trust(),
          p.strikes());
    }
    rows.addAll(added);
    changed();
    if (rows.size() != before || before == 0) {
      onSnapshot.accept(s);
    }
    snapshotTimes.record(System.nanoTime() - t0);
  }

  private ParticipantRow row(String id) {
    ParticipantRow r = byId.get(id);
    if (r == null) {
      r = new ParticipantRow(id, gate);
      byId.put(id, r);
      rows.add(r);
    }
    return r;
  }

  private void updateCounts() {
    if (rows.isEmpty()) {
      counts.set("No participants yet");
      return;
    }
    Map<String, Integer> byState = new TreeMap<>();
    int problems = 0;
    for (ParticipantRow r : rows) {
      byState.merge(r.state().toLowerCase(Locale.ROOT), 1, Integer::sum);
      if (r.healthProperty().get() != ParticipantRow.Health.GOOD) {
        problems++;
      }
    }
    int selectable = byState.getOrDefault("active", 0) + byState.getOrDefault("idle", 0);
    headline.set(selectable + " of " + rows.size());
    StringBuilder bd = new StringBuilder();
    byState.forEach((st, n) -> bd.append(bd.length() == 0 ? "" : " · ").append(n).append(' ').append(st));
    breakdown.set(bd.toString());
    StringBuilder sb = new StringBuilder();
    sb.append(rows.size()).append(" participants");
    byState.forEach((st, n) -> sb.append(" · ").append(n).append(' ').append(st));
    if (problems > 0) {
      sb.append(" · ").append(problems).append(" need attention");
    }
    if (filtered.size() != rows.size()) {
      sb.append(" · ").append(filtered.size()).append(" shown");
    }
    counts.set(sb.toString());
    emptyText.set(rows.isEmpty() ? "Participants appear here as they join the federation."
        : "No participant matches \"" + filter.get() + "\".");
  }

  /** Participants by state, e.g. {@code active → 27}. */
  public Map<String, Integer> countsByState() {
    Map<String, Integer> byState = new TreeMap<>();
    for (ParticipantRow r : rows) {
      byState.merge(r.state(), 1, Integer::sum);
    }
    return byState;
  }

  /** The row of {@code id}, or null. */
  public ParticipantRow find(String id) {
    return byId.get(id);
  }

  /** Rows matching the filter, in join order (the table sorts its own view). */
  public ObservableList<ParticipantRow> rows() {
    return filtered;
  }

  /** Every row, unfiltered. */
  public List<ParticipantRow> all() {
    return List.copyOf(rows);
  }

  /** Words that must all occur in the id, device class, state, or health (good / warn / bad). */
  public StringProperty filterProperty() {
    return filter;
  }

  /** "30 participants · 28 active · 2 suspended · 3 need attention". */
  public ReadOnlyStringProperty countsProperty() {
    return counts.getReadOnlyProperty();
  }

  /** "28 of 30": participants that can be selected (active or idle) out of all. */
  public ReadOnlyStringProperty headlineProperty() {
    return headline.getReadOnlyProperty();
  }

  /** "28 active · 2 suspended · 3 need attention". */
  public ReadOnlyStringProperty breakdownProperty() {
    return breakdown.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty emptyTextProperty() {
    return emptyText.getReadOnlyProperty();
  }
}
