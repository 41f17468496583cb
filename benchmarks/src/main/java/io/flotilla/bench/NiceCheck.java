package io.flotilla.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How well the Linux scheduler protects a normal-priority thread's bursts of work from busy threads at a
 * given nice value: the console's FX thread against the embedded simulation's compute threads and the JIT
 * compilers, which the console lowers ({@code BackgroundPriority}). {@code spinners} threads spin at nice
 * {@code +nice} (raising niceness needs no privileges), while the main thread, at the JVM's default
 * priority, 150 times sleeps 16 ms and then needs {@code burstMs} of CPU; the check prints the wall time of
 * those bursts. Linux only (it reads {@code /proc/thread-self} and runs {@code renice}). Usage:
 * {@code java -cp benchmarks.jar io.flotilla.bench.NiceCheck NICE SPINNERS BURST_MS} (docs/RESULTS.md,
 * console responsiveness, session 11).
 */
public final class NiceCheck {
  private static final int BURSTS = 150;
  private static volatile boolean stop;

  private NiceCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: NiceCheck NICE SPINNERS BURST_MS");
    }
    int nice = Integer.parseInt(args[0]);
    int spinners = Integer.parseInt(args[1]);
    int burstMs = Integer.parseInt(args[2]);
    if (nice < 0 || nice > 19 || spinners < 0 || burstMs < 1) {
      throw new IllegalArgumentException("need 0 <= NICE <= 19, SPINNERS >= 0 and BURST_MS >= 1; got " + nice
          + ", " + spinners + ", " + burstMs);
    }
    CountDownLatch lowered = new CountDownLatch(spinners);
    AtomicReference<Exception> failure = new AtomicReference<>();
    for (int i = 0; i < spinners; i++) {
      Thread t = new Thread(() -> spin(nice, lowered, failure), "nice-check-spinner-" + i);
      t.setDaemon(true);
      t.start();
    }
    if (!lowered.await(30, TimeUnit.SECONDS) || failure.get() != null) {
      throw new IllegalStateException("could not lower the busy threads to nice +" + nice, failure.get());
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long[] walls = new long[BURSTS];
    double x = 0;
    for (int r = 0; r < BURSTS; r++) {
      Thread.sleep(16);
      long w0 = System.nanoTime();
      long c0 = mx.getCurrentThreadCpuTime();
      while (mx.getCurrentThreadCpuTime() - c0 < TimeUnit.MILLISECONDS.toNanos(burstMs)) {
        for (int i = 0; i < 1000; i++) {
          x += Math.sqrt(x + i);
        }
      }
      walls[r] = System.nanoTime() - w0;
    }
    stop = true;
    Arrays.sort(walls);
    System.out.printf(Locale.ROOT, "nice +%d, %d busy threads, %d ms bursts: wall p50 %.1f p90 %.1f p99 %.1f max %.1f ms%s%n",
        nice, spinners, burstMs, walls[BURSTS / 2] / 1e6, walls[BURSTS * 9 / 10] / 1e6, walls[BURSTS * 99 / 100] / 1e6,
        walls[BURSTS - 1] / 1e6, x > 0 ? "" : " ");
  }

  private static void spin(int nice, CountDownLatch lowered, AtomicReference<Exception> failure) {
    try {
      if (nice > 0) {
        String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        Process p = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", tid).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("renice failed for thread " + tid);
        }
      }
    } catch (Exception e) {
      failure.compareAndSet(null, e);
    } finally {
      lowered.countDown();
    }
    double y = 0;
    while (!stop) {
      y += Math.sqrt(y + 1);
    }
    if (y == 42) {
      System.out.println();
    }
  }
}
