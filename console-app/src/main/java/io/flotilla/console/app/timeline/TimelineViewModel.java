package io.flotilla.console.app.timeline;

import io.flotilla.engine.api.FederationEvent;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;

/**
 * State of the Timeline page: the {@link TimelineModel} (written off the FX thread), the visible window
 * ({@link Viewport}), whether the view follows the newest round, lane density, and the selected round with
 * its details for the drawer.
 *
 * <p>Thread-safety: everything but the model belongs to the UI thread. Batches are handed to the writer
 * executor (the console's chart-writer thread; {@code Runnable::run} in tests), which applies them to the
 * model under its write lock.
 */
public final class TimelineViewModel {
  private final TimelineModel model;
  private final Executor writer;
  private final Viewport viewport = new Viewport();
  private final BooleanProperty compact = new SimpleBooleanProperty(false);
  private final ReadOnlyLongWrapper selectedRound = new ReadOnlyLongWrapper(-1);
  private final ReadOnlyObjectWrapper<RoundDetails> details = new ReadOnlyObjectWrapper<>();
  private final ReadOnlyObjectWrapper<SegmentInfo> hovered = new ReadOnlyObjectWrapper<>();
  private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("No rounds yet");
  private final ReadOnlyStringWrapper emptyText =
      new ReadOnlyStringWrapper("The timeline fills in as rounds run: one lane per participant.");
  private final ReadOnlyLongWrapper focusedLane = new ReadOnlyLongWrapper(-1);
  private String strategy = "";
  private long detailsVersion = -1;

  /**
   * @param writer applies event batches to the model off the FX thread
   * @param capacity rounds kept
   */
  public TimelineViewModel(Executor writer, int capacity) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.model = new TimelineModel(capacity);
  }

  public TimelineModel model() {
    return model;
  }

  public Viewport viewport() {
    return viewport;
  }

  /** Hands a batch to the writer. UI thread; never waits. */
  public void apply(List<FederationEvent> batch) {
    try {
      writer.execute(() -> model.apply(batch));
    } catch (RejectedExecutionException e) {
      // the console is closing
    }
  }

  /** Adds a lane for each participant (known from a snapshot), so that idle participants show. */
  public void lanes(List<String> participantIds) {
    try {
      writer.execute(() -> model.addLanes(participantIds));
    } catch (RejectedExecutionException e) {
      // the console is closing
    }
  }

  /** The aggregation strategy in use, for round details ("fedavg"). */
  public void strategy(String name) {
    strategy = name == null ? "" : name;
  }

  public String strategy() {
    return strategy;
  }

  /** Once a second or after a redraw: refreshes the summary and the selected round's details. UI thread. */
  public void refresh() {
    int rounds = model.roundCount();
    int lanes = model.laneCount();
    summary.set(rounds == 0 ? lanes + " lanes · no rounds yet"
        : rounds + " rounds · " + lanes + " lanes · newest round " + model.lastRoundId());
    emptyText.set(rounds == 0 ? "The timeline fills in as rounds run: one lane per participant." : "");
    long v = model.version();
    if (selectedRound.get() > 0 && v != detailsVersion) {
      detailsVersion = v;
      details.set(model.details(selectedRound.get()));
    }
  }

  /** Selects a round (its details open in the drawer); -1 clears the selection. */
  public void select(long roundId) {
    selectedRound.set(roundId);
    detailsVersion = model.version();
    details.set(roundId > 0 ? model.details(roundId) : null);
  }

  /** Scrolls to a round and selects it. */
  public void reveal(long roundId) {
    RoundDetails d = model.details(roundId);
    if (d == null) {
      return;
    }
    long start = d.startedAt().toEpochMilli();
    long end = d.endedAt() == null ? model.latestMs() : d.endedAt().toEpochMilli();
    double pad = Math.max(2_000, (end - start) * 2);
    viewport.show(start - pad, end + pad);
    select(roundId);
  }

  /** Scrolls the lanes so that {@code participantId}'s lane is in view and marks it. */
  public void revealParticipant(String participantId, double lanePitch) {
    int lane = model.laneOf(participantId);
    if (lane < 0) {
      return;
    }
    focusedLane.set(lane);
    viewport.laneScrollTo(lane * lanePitch - viewport.height() / 3, model.laneCount() * lanePitch);
  }

  /** The hover card's subject; null hides it. */
  public void hover(SegmentInfo s) {
    hovered.set(s);
  }

  /** Follows the newest round (the view's "Live" toggle). */
  public void follow(boolean on) {
    viewport.follow(on);
  }

  /** Zooms so that every kept round fits. */
  public void fit() {
    long first = model.firstStartMs();
    long last = model.latestMs();
    if (first >= 0 && last > first) {
      viewport.show(first, last);
    }
  }

  /** Thin lanes (about 5 px) so that hundreds of participants fit on screen. */
  public BooleanProperty compactProperty() {
    return compact;
  }

  public ReadOnlyLongProperty selectedRoundProperty() {
    return selectedRound.getReadOnlyProperty();
  }

  /** Details of the selected round; null when none is selected or it was dropped from history. */
  public ReadOnlyObjectProperty<RoundDetails> detailsProperty() {
    return details.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<SegmentInfo> hoveredProperty() {
    return hovered.getReadOnlyProperty();
  }

  /** "412 rounds · 1000 lanes · newest round 412". */
  public ReadOnlyStringProperty summaryProperty() {
    return summary.getReadOnlyProperty();
  }

  /** What the empty timeline says; empty once rounds exist. */
  public ReadOnlyStringProperty emptyTextProperty() {
    return emptyText.getReadOnlyProperty();
  }

  /** The lane marked by {@link #revealParticipant}, or -1. */
  public ReadOnlyLongProperty focusedLaneProperty() {
    return focusedLane.getReadOnlyProperty();
  }
}
