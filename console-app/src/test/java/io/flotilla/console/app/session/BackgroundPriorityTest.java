package io.flotilla.console.app.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The simulation's compute threads are lowered in priority; the others are left alone (Linux only). */
class BackgroundPriorityTest {
  /** The kernel's nice value of the thread named {@code name} in this process, or null if there is none. */
  private static Integer niceOf(String name) throws Exception {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        if (Files.readString(t.resolve("comm")).strip().equals(name)) {
          String stat = Files.readString(t.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          return Integer.parseInt(f[16]); // field 19 (nice), counted from field 3 after the name
        }
      }
    }
    return null;
  }

  private static String tidOf(String name) throws Exception {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        if (Files.readString(t.resolve("comm")).strip().equals(name)) {
          return t.getFileName().toString();
        }
      }
    }
    throw new IllegalStateException("no thread named " + name);
  }

  private static boolean renice(int nice, String tid) {
    try {
      Process p = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", tid)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void lowersSimulationWorkersButNotOtherThreads() throws Exception {
    assumeThat(Files.isDirectory(Path.of("/proc/self/task"))).isTrue();
    assumeThat(Files.isExecutable(Path.of("/usr/bin/renice")) || Files.isExecutable(Path.of("/bin/renice"))).isTrue();
    CountDownLatch done = new CountDownLatch(1);
    Runnable park = () -> {
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    Thread worker = new Thread(park, "flotilla-sim-worker-t");
    Thread other = new Thread(park, "fl-other-t");
    Thread probe = new Thread(park, "fl-probe-t");
    worker.start();
    other.start();
    probe.start();
    // a started thread takes its kernel name a moment later (seen on a loaded CI machine): wait for all three
    await().atMost(Duration.ofSeconds(10)).until(() -> niceOf("fl-other-t") != null
        && niceOf("flotilla-sim-wo") != null && niceOf("fl-probe-t") != null);
    int base = niceOf("fl-other-t");
    int target = base + 5 > 19 ? 19 : base + 5;
    // skip, rather than fail, where this machine does not let a process renice its own threads
    assumeThat(renice(target, tidOf("fl-probe-t"))).as("renice works here").isTrue();
    // jit false: this test JVM's own compiler threads stay as they are for the rest of the suite
    BackgroundPriority p = BackgroundPriority.start(target, Duration.ofMillis(100), false);
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> niceOf("flotilla-sim-wo") != null
          && niceOf("flotilla-sim-wo") > base);
      assertThat(niceOf("fl-other-t")).isEqualTo(base);
      assertThat(p.lowered()).isPositive();
    } finally {
      p.close();
      done.countDown();
    }
  }

  /**
   * The JIT compiler threads are found by their kernel names, which HotSpot chooses: at least one thread of
   * this JVM must carry one of the names the console lowers, or lowering them would silently do nothing.
   */
  @Test
  void jitCompilerThreadNamesMatchThisJvm() throws Exception {
    assumeThat(Files.isDirectory(Path.of("/proc/self/task"))).isTrue();
    assertThat(BackgroundPriority.names(false)).doesNotContainAnyElementsOf(BackgroundPriority.JIT_THREADS);
    assertThat(BackgroundPriority.names(true)).containsAll(BackgroundPriority.JIT_THREADS)
        .containsAll(BackgroundPriority.COMPUTE_THREADS);
    java.util.List<String> kernelNames = new java.util.ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        kernelNames.add(Files.readString(t.resolve("comm")).strip());
      }
    }
    assertThat(kernelNames).anyMatch(n -> BackgroundPriority.JIT_THREADS.stream().anyMatch(n::startsWith));
  }

  @Test
  void zeroMeansLeaveEverythingAlone() {
    BackgroundPriority p = BackgroundPriority.start(0, Duration.ofMillis(100));
    p.close();
    assertThat(p.lowered()).isZero();
  }
}
