package io.flotilla.console.app;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Samples one thread's state and top stack frames every few milliseconds, so that each long pulse gap can be
 * explained afterwards: what the FX thread was running (CSS, layout, a view model, waiting for the render
 * thread) or that it was not running at all (descheduled, or a GC pause). Diagnostics for
 * {@link ConsoleResponsivenessTest}; writes nothing unless asked.
 */
final class FxThreadSampler {
  private final int frames;
  private static final long EVERY_MS = 3;

  private record Sample(long nanos, Thread.State state, StackTraceElement[] stack, long cpuNanos) {}

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private final Thread target;
  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final Thread sampler;

  FxThreadSampler(Thread target) {
    this(target, 14);
  }

  /** Samples {@code target}, keeping its {@code frames} innermost frames. */
  FxThreadSampler(Thread target, int frames) {
    this.frames = frames;
    this.target = target;
    sampler = new Thread(this::run, "fx-thread-sampler");
    sampler.setDaemon(true);
  }

  void start() {
    sampler.start();
  }

  void stop() throws InterruptedException {
    sampler.interrupt();
    sampler.join();
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      samples.add(new Sample(System.nanoTime(), target.getState(), target.getStackTrace(),
          THREADS.getThreadCpuTime(target.getId())));
      try {
        Thread.sleep(EVERY_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * How the samples inside one stall split: {@code [all, waiting for the render thread, CPU ms]}: the
   * samples, those with the FX thread blocked in {@code waitForRenderingToComplete} (the previous frame is
   * still being painted), and the CPU time the thread got between the first and the last sample (much less
   * than the gap: it was waiting, or runnable without a core).
   */
  int[] renderWaits(long[] stall) {
    int all = 0;
    int waiting = 0;
    long cpuFirst = -1;
    long cpuLast = -1;
    for (Sample s : samples) {
      if (s.nanos() < stall[0] || s.nanos() > stall[1]) {
        continue;
      }
      all++;
      if (cpuFirst < 0) {
        cpuFirst = s.cpuNanos();
      }
      cpuLast = s.cpuNanos();
      for (StackTraceElement f : s.stack()) {
        if (f.getMethodName().equals("waitForRenderingToComplete")) {
          waiting++;
          break;
        }
      }
    }
    return new int[] {all, waiting, (int) ((cpuLast - cpuFirst) / 1_000_000)};
  }

  /**
   * For each stall ({@code [startNanos, endNanos]}), the samples taken inside it, one line each: offset in
   * ms, thread state, the top frames (simple class name and method), innermost first.
   */
  String explain(List<long[]> stalls, long origin) {
    StringBuilder b = new StringBuilder();
    for (long[] st : stalls) {
      b.append(String.format(Locale.ROOT, "gap at %.2f s of %.0f ms%n", (st[0] - origin) / 1e9, (st[1] - st[0]) / 1e6));
      for (Sample s : samples) {
        if (s.nanos() < st[0] || s.nanos() > st[1]) {
          continue;
        }
        b.append(String.format(Locale.ROOT, "  +%3.0f ms %-8s", (s.nanos() - st[0]) / 1e6, s.state()));
        for (int i = 0; i < Math.min(frames, s.stack().length); i++) {
          StackTraceElement f = s.stack()[i];
          String cls = f.getClassName();
          b.append(" | ").append(cls.substring(cls.lastIndexOf('.') + 1)).append('.').append(f.getMethodName());
        }
        b.append('\n');
      }
    }
    return b.toString();
  }
}
