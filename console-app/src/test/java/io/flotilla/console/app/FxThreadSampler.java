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
  private static final int FRAMES = 14;
  private static final long EVERY_MS = 3;

  private record Sample(long nanos, Thread.State state, StackTraceElement[] stack) {}

  private final Thread target;
  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final Thread sampler;

  FxThreadSampler(Thread target) {
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
      samples.add(new Sample(System.nanoTime(), target.getState(), target.getStackTrace()));
      try {
        Thread.sleep(EVERY_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
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
        for (int i = 0; i < Math.min(FRAMES, s.stack().length); i++) {
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
