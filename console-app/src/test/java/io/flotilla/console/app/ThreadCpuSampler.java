package io.flotilla.console.app;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every JVM thread's CPU time every few milliseconds, so that a long pulse gap can say which threads
 * had the cores while the FX thread waited for one (the responsiveness test's diagnosis of gaps in which the
 * FX thread was runnable but got little CPU). By default the Java threads, from the {@code ThreadMXBean};
 * with {@code -Dflotilla.responsiveness.osThreads=true} every thread of the process from Linux's
 * {@code /proc/self/task/<tid>/schedstat} (run time in ns), which includes the collector's and the JIT
 * compiler's threads that the MXBean does not list, at the cost of reading a file per thread per sample.
 */
final class ThreadCpuSampler {
  private static final long EVERY_MS = 10;
  private static final boolean OS_THREADS = Boolean.getBoolean("flotilla.responsiveness.osThreads");

  private record Snapshot(long nanos, long[] ids, long[] cpu, long[] queued) {}

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
  private final Map<Long, String> names = new java.util.concurrent.ConcurrentHashMap<>();
  private final Thread sampler = new Thread(this::run, "thread-cpu-sampler");

  void start() {
    sampler.setDaemon(true);
    sampler.start();
  }

  void stop() throws InterruptedException {
    sampler.interrupt();
    sampler.join();
  }

  private void run() {
    int n = 0;
    while (!Thread.currentThread().isInterrupted()) {
      if (OS_THREADS) {
        osSnapshot();
        try {
          Thread.sleep(EVERY_MS);
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      long[] ids = threads.getAllThreadIds();
      long[] cpu = threads.getThreadCpuTime(ids);
      snapshots.add(new Snapshot(System.nanoTime(), ids, cpu, null));
      if (n++ % 50 == 0) {
        for (var info : threads.getThreadInfo(ids)) {
          if (info != null) {
            names.putIfAbsent(info.getThreadId(), info.getThreadName());
          }
        }
      }
      try {
        Thread.sleep(EVERY_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One snapshot of every OS thread of this process: tid and run time from schedstat, names from comm. */
  private void osSnapshot() {
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return;
    }
    long[] ids = new long[tasks.length];
    long[] cpu = new long[tasks.length];
    long[] wait = new long[tasks.length];
    for (int i = 0; i < tasks.length; i++) {
      long tid = Long.parseLong(tasks[i].getName());
      ids[i] = tid;
      try {
        String stat = java.nio.file.Files.readString(tasks[i].toPath().resolve("schedstat"));
        String[] f = stat.trim().split(" ");
        cpu[i] = Long.parseLong(f[0]);
        wait[i] = Long.parseLong(f[1]);
        if (!names.containsKey(tid)) {
          names.put(tid, java.nio.file.Files.readString(tasks[i].toPath().resolve("comm")).trim());
        }
      } catch (java.io.IOException | RuntimeException e) {
        cpu[i] = -1; // the thread ended between listing and reading
      }
    }
    snapshots.add(new Snapshot(System.nanoTime(), ids, cpu, wait));
  }

  /** The last snapshot at or before {@code from} and the first at or after {@code to} (null where none). */
  private Snapshot[] around(long from, long to) {
    Snapshot before = null;
    Snapshot after = null;
    for (Snapshot s : snapshots) {
      if (s.nanos() <= from) {
        before = s;
      } else if (s.nanos() >= to && after == null) {
        after = s;
      }
    }
    return new Snapshot[] {before, after};
  }

  /**
   * With OS threads: the time the thread named {@code name} (its kernel name) spent runnable in a run queue,
   * waiting for a CPU, between the snapshots around {@code [from, to]}, in ms; -1 when not known.
   */
  long queuedMs(String name, long from, long to) {
    Snapshot[] around = around(from, to);
    Snapshot before = around[0];
    Snapshot after = around[1];
    if (before == null || after == null || before.queued() == null || after.queued() == null) {
      return -1;
    }
    for (int i = 0; i < after.ids().length; i++) {
      if (!name.equals(names.get(after.ids()[i]))) {
        continue;
      }
      for (int j = 0; j < before.ids().length; j++) {
        if (before.ids()[j] == after.ids()[i]) {
          return (after.queued()[i] - before.queued()[j]) / 1_000_000;
        }
      }
    }
    return -1;
  }

  /** The threads with the most CPU time between the snapshots around {@code [from, to]}: "name 12 ms, …". */
  String top(long from, long to, int count) {
    Snapshot[] around = around(from, to);
    Snapshot before = around[0];
    Snapshot after = around[1];
    if (before == null || after == null) {
      return "no snapshots";
    }
    Map<Long, Long> start = new HashMap<>();
    for (int i = 0; i < before.ids().length; i++) {
      start.put(before.ids()[i], before.cpu()[i]);
    }
    List<long[]> used = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < after.ids().length; i++) {
      Long was = start.get(after.ids()[i]);
      long d = after.cpu()[i] - (was == null ? 0 : was);
      if (was != null && after.cpu()[i] >= 0 && d > 0) {
        used.add(new long[] {after.ids()[i], d});
        total += d;
      }
    }
    used.sort((a, b) -> Long.compare(b[1], a[1]));
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%.0f ms of CPU in %.0f ms:",
        total / 1e6, (after.nanos() - before.nanos()) / 1e6));
    for (int i = 0; i < Math.min(count, used.size()); i++) {
      b.append(String.format(Locale.ROOT, " %s %.0f,", names.getOrDefault(used.get(i)[0], "#" + used.get(i)[0]),
          used.get(i)[1] / 1e6));
    }
    return b.substring(0, b.length() - 1);
  }
}
