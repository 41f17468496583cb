package io.flotilla.console.app.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the console responsive while it runs a simulation in its own process: the simulated participants'
 * training, the candidate evaluation and the aggregation fold keep every core busy, and the JavaFX thread
 * would otherwise queue behind them for the CPU (pulse gaps of 100 ms and more on a two-core machine).
 * Every {@code every} this lowers the operating-system scheduling priority of those compute threads, and of
 * the JVM's just-in-time compiler threads, to nice {@code +niceness}, so that the FX thread, the render
 * thread and the coordinator loop win the CPU; the simulation and the compiler still get every cycle they
 * leave. Raising niceness needs no privileges.
 *
 * <p>The console uses nice +19. On the project's two-core machine a thread that needed 20 ms of CPU every
 * 16 ms took 40 ms (median) against three busy threads at its own priority, 22.5 ms at nice +10 (at most
 * 38 ms with six) and 20.0 ms at +19 (at most 27 ms); with another process loading the machine as well,
 * up to 89 ms at +10 and 25 ms at +19 ({@code NiceCheck} in {@code benchmarks/}; docs/RESULTS.md, session 11).
 *
 * <p>Linux only (it reads {@code /proc/self/task/*&#47;comm} and runs {@code renice}); elsewhere, or when
 * {@code renice} fails, it does nothing. The threads are recognised by the engine's and simulator's thread
 * names, and HotSpot's. Thread-safety: start once, close from any thread; {@link #close()} is idempotent.
 */
public final class BackgroundPriority implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackgroundPriority.class);
  /** Thread names as the kernel keeps them (first 15 characters) of the embedded simulation's compute work. */
  static final List<String> COMPUTE_THREADS = List.of("flotilla-sim-wo", "flotilla-eval-", "flotilla-fold-",
      "ForkJoinPool.co");
  /**
   * The JVM's just-in-time compiler threads and its code cache sweeper. Each first visit of a page runs code
   * the JIT has not compiled yet, and on two cores the C1 and C2 compiler threads then took 40–100 ms of CPU
   * in the same 80 ms as the FX thread (the live minute's pulse gaps, read from {@code /proc}): the FX thread
   * got half a core. Lowered, they compile while the FX thread is idle, which is nearly always.
   */
  static final List<String> JIT_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre", "Sweeper thread");
  /** The niceness the console gives those threads unless {@code -Dflotilla.console.backgroundNice=N} says. */
  public static final int NICE = 19;
  private static final Path TASKS = Path.of("/proc/self/task");

  private final int niceness;
  private final List<String> names;
  private final Set<String> lowered = new HashSet<>();
  private final ScheduledExecutorService timer;
  private volatile boolean disabled;

  private BackgroundPriority(int niceness, Duration every, boolean jit) {
    this.niceness = niceness;
    this.names = names(jit);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "flotilla-console-priority");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(100, every.toMillis());
    timer.scheduleWithFixedDelay(this::sweep, 0, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts lowering compute and JIT compiler threads to nice {@code +niceness} every {@code every}; with
   * niceness 0, or off Linux, returns an instance that does nothing.
   */
  public static BackgroundPriority start(int niceness, Duration every) {
    return start(niceness, every, true);
  }

  /**
   * As {@link #start(int, Duration)}; {@code jit} false leaves the JIT compiler threads at their priority
   * (the console's {@code -Dflotilla.console.lowerJit=false}, for measurements that compare the two).
   */
  public static BackgroundPriority start(int niceness, Duration every, boolean jit) {
    BackgroundPriority p = new BackgroundPriority(niceness, every, jit);
    if (niceness <= 0 || !Files.isDirectory(TASKS)) {
      p.close();
    }
    return p;
  }

  /** The kernel names (prefixes) of the threads lowered: the compute threads, and the JIT's if {@code jit}. */
  static List<String> names(boolean jit) {
    List<String> n = new ArrayList<>(COMPUTE_THREADS);
    if (jit) {
      n.addAll(JIT_THREADS);
    }
    return List.copyOf(n);
  }

  /** How many threads have been lowered so far. */
  public synchronized int lowered() {
    return lowered.size();
  }

  synchronized void sweep() {
    if (disabled) {
      return;
    }
    List<String> fresh = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        String tid = t.getFileName().toString();
        if (lowered.contains(tid)) {
          continue;
        }
        String name;
        try {
          name = Files.readString(t.resolve("comm")).strip();
        } catch (IOException e) {
          continue; // the thread ended meanwhile
        }
        if (names.stream().anyMatch(name::startsWith)) {
          fresh.add(tid);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("cannot list this process's threads; leaving priorities alone", e);
      disabled = true;
      return;
    }
    if (fresh.isEmpty()) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("renice", "-n", Integer.toString(niceness), "-p"));
    cmd.addAll(fresh);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroy();
        log.debug("renice failed for {}; leaving priorities alone", fresh);
        // a thread may have ended between listing and renice: remember them anyway, try again later for new ones
      }
      lowered.addAll(fresh);
      log.debug("lowered {} compute thread(s) to nice +{}", fresh.size(), niceness);
    } catch (IOException e) {
      log.debug("renice is not available; leaving priorities alone", e);
      disabled = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops looking for new threads (those lowered stay lowered while they live). */
  @Override
  public void close() {
    disabled = true;
    timer.shutdownNow();
  }
}
