package io.flotilla.console.app.bridge;

import io.flotilla.engine.api.FederationEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Carries engine events to the UI thread in batches, at most once per {@code minInterval} (50 ms, i.e.
 * 20 Hz, in the console).
 *
 * <p>How it coalesces (the chart-fx idea): {@link #accept} runs on the coordinator thread and only appends
 * the event to a lock-free queue; on the 0→1 change of a "drain scheduled" flag it posts <em>one</em> drain,
 * however many events follow. The drain is handed to the UI executor at once when the previous drain is at
 * least {@code minInterval} old, otherwise a timer hands it over when that interval has passed. On the UI
 * thread the drain first clears the flag, then takes everything queued so far and passes it, in order, to
 * the sink as one list. An event that arrives while a drain runs either lands in this batch or schedules
 * the next one; none is lost or reordered, except heartbeats: of several
 * {@link FederationEvent.ParticipantHeartbeat}s of one participant in a batch only the newest is passed on
 * (telemetry: only the latest reading is shown).
 *
 * <p>Thread-safety: {@link #accept} may be called from any thread and never blocks; the sink is only
 * called from tasks given to the UI executor. {@link #close()} is idempotent; events accepted after it are
 * dropped.
 */
public final class EventBridge implements Consumer<FederationEvent>, AutoCloseable {
  /** The console's cap on UI updates: 20 batches per second. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(50);

  private final Executor ui;
  private final Consumer<List<FederationEvent>> sink;
  private final long minIntervalNanos;
  private final LongSupplier nanoTime;
  private final Queue<FederationEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final ScheduledExecutorService timer;
  private volatile long lastDrainNanos;
  private volatile long lastSeq;
  private volatile boolean closed;

  /**
   * @param ui runs the drains: {@code Platform::runLater} in the application, {@code Runnable::run} in tests
   * @param minInterval the least time between two drains; {@link Duration#ZERO} drains on every first event
   * @param sink receives each batch on the UI executor
   */
  public EventBridge(Executor ui, Duration minInterval, Consumer<List<FederationEvent>> sink) {
    this(ui, minInterval, sink, System::nanoTime);
  }

  EventBridge(Executor ui, Duration minInterval, Consumer<List<FederationEvent>> sink, LongSupplier nanoTime) {
    this.ui = Objects.requireNonNull(ui, "ui");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.minIntervalNanos = minInterval.toNanos();
    this.nanoTime = nanoTime;
    this.lastDrainNanos = nanoTime.getAsLong() - minIntervalNanos;
    this.timer = minIntervalNanos > 0
        ? Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "flotilla-console-bridge");
          t.setDaemon(true);
          return t;
        })
        : null;
  }

  /** Queues an event; called by the engine on its coordinator thread. Never blocks. */
  @Override
  public void accept(FederationEvent event) {
    if (closed) {
      return;
    }
    queue.add(event);
    lastSeq = event.seq();
    if (scheduled.compareAndSet(false, true)) {
      scheduleDrain();
    }
  }

  private void scheduleDrain() {
    long wait = timer == null ? 0 : lastDrainNanos + minIntervalNanos - nanoTime.getAsLong();
    try {
      if (wait <= 0) {
        ui.execute(this::drain);
      } else {
        timer.schedule(() -> ui.execute(this::drain), wait, TimeUnit.NANOSECONDS);
      }
    } catch (RejectedExecutionException | IllegalStateException e) {
      // the timer or the toolkit is shutting down: nobody is left to show the events
      closed = true;
      queue.clear();
    }
  }

  private void drain() {
    scheduled.set(false);
    lastDrainNanos = nanoTime.getAsLong();
    if (closed) {
      queue.clear();
      return;
    }
    List<FederationEvent> batch = new ArrayList<>();
    for (FederationEvent e = queue.poll(); e != null; e = queue.poll()) {
      batch.add(e);
    }
    if (!batch.isEmpty()) {
      sink.accept(coalesce(batch));
    }
  }

  /**
   * Keeps only the newest heartbeat of each participant in a batch (at its own position; every other event
   * stays, in order): a thousand participants beating several times between two drains cost the UI one
   * heartbeat each.
   */
  static List<FederationEvent> coalesce(List<FederationEvent> batch) {
    Map<String, Integer> newest = null;
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i) instanceof FederationEvent.ParticipantHeartbeat h) {
        if (newest == null) {
          newest = new HashMap<>();
        }
        newest.put(h.participantId(), i);
      }
    }
    if (newest == null) {
      return batch;
    }
    List<FederationEvent> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      FederationEvent e = batch.get(i);
      if (!(e instanceof FederationEvent.ParticipantHeartbeat h) || newest.get(h.participantId()) == i) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Sequence number of the newest event queued so far. Read on the coordinator thread right after an answer
   * (a snapshot) is taken, it tells which events that answer already reflects: the UI applies the answer
   * once it has applied every event up to this number. Any thread.
   */
  public long lastSeq() {
    return lastSeq;
  }

  /** Drops queued events and stops the timer. */
  @Override
  public void close() {
    closed = true;
    queue.clear();
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
