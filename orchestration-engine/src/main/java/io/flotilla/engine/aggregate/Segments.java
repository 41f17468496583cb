package io.flotilla.engine.aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;

/**
 * Splits {@code [0, size)} into a fixed number of contiguous segments and runs them on the common
 * fork-join pool. The split depends only on {@code size} and the segment count, never on how many threads
 * run it, so per-segment results combined in segment order are reproducible on any machine. Stateless.
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
    // threads workers each take every threads-th segment; the last one runs on the caller
    List<CompletableFuture<Void>> fs = new ArrayList<>();
    int workers = Math.min(threads, n);
    for (int w = 1; w < workers; w++) {
      int first = w;
      fs.add(CompletableFuture.runAsync(() -> runStride(bounds, first, workers, task), ForkJoinPool.commonPool()));
    }
    runStride(bounds, 0, workers, task);
    try {
      CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private static void runStride(int[] bounds, int first, int stride, Task task) {
    for (int s = first; s < bounds.length - 1; s += stride) {
      task.run(s, bounds[s], bounds[s + 1]);
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
