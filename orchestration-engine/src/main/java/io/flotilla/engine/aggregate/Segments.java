package io.flotilla.engine.aggregate;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Splits {@code [0, size)} into a fixed number of contiguous segments and runs them on the calling thread
 * and helpers from the common fork-join pool. The split depends only on {@code size} and the segment count,
 * never on how many threads run it or which thread runs which segment, so per-segment results combined in
 * segment order are reproducible on any machine. Segments are claimed one at a time from a shared counter:
 * when a helper is slow to be scheduled (a busy machine), the caller runs its share instead of waiting for
 * it. Stateless.
 */
final class Segments {
  private Segments() {}

  /** Work on one segment {@code [from, to)}, numbered {@code index}. */
  @FunctionalInterface
  interface Task {
    void run(int index, int from, int to);
  }

  /** Threads to use when a strategy's {@code threads} parameter is 0. */
  static int defaultThreads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** Runs {@code segments} tasks over {@code [0, size)} aligned to {@code align}, using up to {@code threads}. */
  static void run(int size, int segments, int align, int threads, Task task) {
    int[] bounds = bounds(size, segments, align);
    int n = bounds.length - 1;
    if (threads <= 1 || n <= 1) {
      for (int s = 0; s < n; s++) {
        task.run(s, bounds[s], bounds[s + 1]);
      }
      return;
    }
    Claims claims = new Claims(bounds, task);
    int helpers = Math.min(threads, n) - 1;
    for (int h = 0; h < helpers; h++) {
      ForkJoinPool.commonPool().execute(claims::work);
    }
    claims.work();
    claims.awaitAll();
  }

  /**
   * Segments handed out one by one; {@link #awaitAll} waits only for segments some thread has claimed. A
   * helper scheduled after the work is done finds nothing to claim; {@code task} is dropped when the work
   * is done so that such a late helper, still queued in the pool, does not keep the task's arrays (e.g. a
   * 40 MB update) reachable.
   */
  private static final class Claims {
    private final int[] bounds;
    private Task task; // read only after claiming a segment, which happens-before awaitAll's return
    private final AtomicInteger next = new AtomicInteger();
    private final CountDownLatch done;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Claims(int[] bounds, Task task) {
      this.bounds = bounds;
      this.task = task;
      this.done = new CountDownLatch(bounds.length - 1);
    }

    void work() {
      for (int s = next.getAndIncrement(); s < bounds.length - 1; s = next.getAndIncrement()) {
        try {
          if (failure.get() == null) {
            task.run(s, bounds[s], bounds[s + 1]);
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          done.countDown();
        }
      }
    }

    void awaitAll() {
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the helpers still write into the caller's arrays: wait for them
        }
      }
      task = null;
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      Throwable t = failure.get();
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error e) {
        throw e;
      }
      if (t != null) {
        throw new IllegalStateException(t);
      }
    }
  }

  static int[] bounds(int size, int segments, int align) {
    int blocks = Math.max(1, (size + align - 1) / align);
    int n = Math.max(1, Math.min(segments, blocks));
    int[] b = new int[n + 1];
    for (int s = 0; s <= n; s++) {
      b[s] = (int) Math.min(size, ((long) blocks * s / n) * align);
    }
    b[n] = size;
    return b;
  }
}
