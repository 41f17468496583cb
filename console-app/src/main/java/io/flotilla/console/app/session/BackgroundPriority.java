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
 * Every {@code every} this lowers the operating-system scheduling priority of those compute threads (nice
 * {@code +niceness}) so that the FX thread, the render thread and the coordinator loop win the CPU; the
 * simulation still gets every cycle they leave. Raising niceness needs no privileges.
 *
 * <p>Linux only (it reads {@code /proc/self/task/*&#47;comm} and runs {@code renice}); elsewhere, or when
 * {@code renice} fails, it does nothing. The threads are recognised by the engine's and simulator's thread
 * names. Thread-safety: start once, close from any thread; {@link #close()} is idempotent.
 */
public final class BackgroundPriority implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackgroundPriority.class);
  /** Thread names as the kernel keeps them (first 15 characters) of the embedded simulation's compute work. */
  static final List<String> COMPUTE_THREADS = List.of("flotilla-sim-wo", "flotilla-eval-", "flotilla-fold-",
      "ForkJoinPool.co");
  private static final Path TASKS = Path.of("/proc/self/task");

  private final int niceness;
  private final Set<String> lowered = new HashSet<>();
  private final ScheduledExecutorService timer;
  private volatile boolean disabled;

  private BackgroundPriority(int niceness, Duration every) {
    this.niceness = niceness;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "flotilla-console-priority");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(100, every.toMillis());
    timer.scheduleWithFixedDelay(this::sweep, 0, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts lowering compute threads to nice {@code +niceness} every {@code every}; with niceness 0, or off
   * Linux, returns an instance that does nothing.
   */
  public static BackgroundPriority start(int niceness, Duration every) {
    BackgroundPriority p = new BackgroundPriority(niceness, every);
    if (niceness <= 0 || !Files.isDirectory(TASKS)) {
      p.close();
    }
    return p;
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
        if (COMPUTE_THREADS.stream().anyMatch(name::startsWith)) {
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
