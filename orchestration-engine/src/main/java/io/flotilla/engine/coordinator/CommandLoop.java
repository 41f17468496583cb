package io.flotilla.engine.coordinator;

import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both coordinators are built on (ADR 0001): one thread that takes commands from a bounded queue and
 * runs them one after the other, so that the coordinator's state needs no locks, and the listeners its
 * events go out to. A command that throws fails the federation through the coordinator's handler; a full
 * queue refuses new commands with a {@link RejectedExecutionException} that says so (callers retry later).
 *
 * <p>Thread-safety: {@link #enqueue}, {@link #offer}, {@link #subscribe} and {@link #halt} may be called from
 * any thread; {@link #publish} and {@link #markClosed} from the loop thread.
 */
final class CommandLoop {
  private static final Logger log = LoggerFactory.getLogger(CommandLoop.class);
  /** Commands waiting at most; past that, callers are refused. */
  static final int CAPACITY = 100_000;

  private final String federation;
  private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>(CAPACITY);
  private final List<Consumer<FederationEvent>> listeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private final Consumer<RuntimeException> onFailure;
  private volatile boolean closed;

  /**
   * @param federation the federation's name, for messages
   * @param threadName the loop thread's name (daemon)
   * @param onFailure runs on the loop thread when a command throws (the coordinator fails the federation)
   */
  CommandLoop(String federation, String threadName, Consumer<RuntimeException> onFailure) {
    this.federation = federation;
    this.onFailure = onFailure;
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  /** Starts the loop thread (once, after the coordinator's constructor has set everything up). */
  void start() {
    thread.start();
  }

  /** Queues {@code command}; refuses it when the federation is closed or the queue is full. */
  void enqueue(Runnable command) {
    if (closed) {
      throw new RejectedExecutionException("federation '" + federation + "' is closed");
    }
    if (!queue.offer(command)) {
      throw new RejectedExecutionException("coordinator queue full (" + CAPACITY + " commands): retry later");
    }
  }

  /** Queues {@code command} if it can (completions of background work); drops it, logged, otherwise. */
  void offer(Runnable command) {
    try {
      enqueue(command);
    } catch (RejectedExecutionException e) {
      log.debug("dropped a command: {}", e.getMessage());
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** The loop ends after the command running now; later commands are refused. */
  void markClosed() {
    closed = true;
  }

  /** Waits up to {@code timeout} for the loop thread to end. */
  void join(Duration timeout) throws InterruptedException {
    thread.join(timeout.toMillis());
  }

  /** Closes and interrupts the loop thread, whatever it is doing. */
  void halt() {
    closed = true;
    thread.interrupt();
  }

  Subscription subscribe(Consumer<FederationEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Hands {@code e} to every listener; a listener that throws is logged and the others still get it. */
  void publish(FederationEvent e) {
    for (Consumer<FederationEvent> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        log.warn("event listener {} threw on {}", l, e.getClass().getSimpleName(), ex);
      }
    }
  }

  private void run() {
    while (!closed) {
      Runnable c;
      try {
        c = queue.take();
      } catch (InterruptedException e) {
        break;
      }
      try {
        c.run();
      } catch (RuntimeException e) {
        log.error("coordinator command failed; federation '{}' fails", federation, e);
        onFailure.accept(e);
      }
    }
  }
}
