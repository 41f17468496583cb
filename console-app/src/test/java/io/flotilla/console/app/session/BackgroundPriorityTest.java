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
    worker.start();
    other.start();
    int base = niceOf("fl-other-t");
    BackgroundPriority p = BackgroundPriority.start(base + 5 > 19 ? 19 : base + 5, Duration.ofMillis(100));
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

  @Test
  void zeroMeansLeaveEverythingAlone() {
    BackgroundPriority p = BackgroundPriority.start(0, Duration.ofMillis(100));
    p.close();
    assertThat(p.lowered()).isZero();
  }
}
