package io.flotilla.sim.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.engine.store.JdbcFederationStore;
import io.flotilla.engine.store.ModelVersionInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a coordinator process (with its simulated participants) with SIGKILL at chosen and at random points,
 * across {@value #ROUNDS} rounds, restarting it each time, and checks after every kill that no committed
 * version was lost or altered, that the audit chain and every blob verify, and at the end that the
 * federation finished with exactly the versions (hashes) of an uninterrupted run with the same seed.
 */
class CrashRecoveryTest {
  static final int ROUNDS = 24;
  static final long SEED = 20261128L;
  /** Kills at each stop point, plus kills at random times (which also hit start-up and recovery). */
  static final int KILLS_PER_POINT = 3;
  static final int RANDOM_KILLS = 2;
  static final String FED = "simulation";

  @TempDir Path dir;

  /** One child process and the lines it printed. */
  static final class Child implements AutoCloseable {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> all = Collections.synchronizedList(new ArrayList<>());

    Child(Path state, String... extra) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx256m", "-cp",
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
          CrashableCoordinator.class.getName(), state.toString(), Integer.toString(ROUNDS), Long.toString(SEED)));
      cmd.addAll(List.of(extra));
      process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) {
            all.add(l);
            lines.add(l);
          }
        } catch (IOException e) {
          // the process was killed mid-line
        }
        lines.add("EOF");
      }, "crash-test-reader");
      t.setDaemon(true);
      t.start();
    }

    /** SIGKILL (destroyForcibly on Unix) and wait until the process is gone. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        kill();
      }
    }
  }

  /** version → sha256 from the COMMITTED lines a child printed (each printed only after its commit). */
  static void collectCommitted(List<String> lines, Map<Long, String> into) {
    for (String l : lines) {
      if (l.startsWith("COMMITTED ")) {
        String[] f = l.split(" ");
        String previous = into.put(Long.parseLong(f[2]), f[3]);
        assertThat(previous == null || previous.equals(f[3])).as("version %s reported twice with different hashes", f[2])
            .isTrue();
      }
    }
  }

  /** Runs a child to its end; returns its lines. */
  static List<String> runToEnd(Path state) throws Exception {
    try (Child c = new Child(state)) {
      assertThat(c.process.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
      Thread.sleep(50);
      assertThat(c.process.exitValue()).as(String.join("\n", c.all)).isZero();
      return List.copyOf(c.all);
    }
  }

  /**
   * What the database holds, checked: versions contiguous from 0, each reported commit present with the same
   * hash, every blob matching its hash, the audit chain intact, rounds recorded once.
   */
  static Map<Long, String> verify(Path state, Map<Long, String> reported) {
    if (!Files.exists(state.resolve("flotilla.mv.db"))) {
      assertThat(reported).isEmpty();
      return Map.of();
    }
    try (JdbcFederationStore s = JdbcFederationStore.openDirectory(state)) {
      assertThat(s.verifyAudit().isOk()).as(String.valueOf(s.verifyAudit().problem())).isTrue();
      if (s.federations().isEmpty()) {
        assertThat(reported).isEmpty();
        return Map.of();
      }
      Map<Long, String> stored = new TreeMap<>();
      for (ModelVersionInfo v : s.versions(FED)) {
        stored.put(v.version(), v.sha256());
      }
      assertThat(stored.keySet()).containsExactlyElementsOf(
          java.util.stream.LongStream.range(0, stored.size()).boxed().toList());
      reported.forEach((v, sha) -> assertThat(stored.get(v)).as("committed version %d", v).isEqualTo(sha));
      assertThat(s.verifyBlobs(FED)).isEmpty();
      assertThat(s.currentVersion(FED)).isEqualTo(stored.size() - 1);
      StringBuilder aborted = new StringBuilder();
      try (var st = s.connection().createStatement();
          var rs = st.executeQuery("SELECT round_id, reason FROM rounds WHERE status = 'ABORTED'")) {
        while (rs.next()) {
          aborted.append("round ").append(rs.getLong(1)).append(": ").append(rs.getString(2)).append('\n');
        }
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
      assertThat(aborted.toString()).as("aborted rounds").isEmpty();
      return stored;
    }
  }

  /** version → the coordinator state persisted with it (the update screening's window). */
  static Map<Long, String> coordinatorStates(Path state) {
    Map<Long, String> out = new TreeMap<>();
    try (JdbcFederationStore s = JdbcFederationStore.openDirectory(state);
        var st = s.connection().createStatement();
        var rs = st.executeQuery("SELECT version, coordinator_state FROM model_versions ORDER BY version")) {
      while (rs.next()) {
        out.put(rs.getLong(1), String.valueOf(rs.getString(2)));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /**
   * When a random kill strikes: from 100 ms (the child's JVM is still starting) to half of what the rest of
   * the run would take at the reference run's pace, so that it lands in start-up, recovery or a round, never
   * after the child has finished on its own. A fixed window (300–2,500 ms) let a fast machine finish all 24
   * rounds before the kill, and every later kill of the plan then found the federation finished.
   */
  static long randomKillMs(SplittableRandom rnd, long refMs, long committed) {
    long remaining = Math.max(1, ROUNDS - committed);
    return 100 + rnd.nextLong(Math.max(1, refMs * remaining / ROUNDS / 2));
  }

  @Test
  void sigkillAtRandomPointsLosesNothingCommittedAndEndsWithTheUninterruptedModel() throws Exception {
    long t0 = System.nanoTime();
    Path reference = dir.resolve("reference");
    List<String> refLines = runToEnd(reference);
    Map<Long, String> refVersions = new TreeMap<>();
    collectCommitted(refLines, refVersions);
    assertThat(refVersions).hasSize(ROUNDS);
    String refFinal = refLines.stream().filter(l -> l.startsWith("FINAL ")).findFirst().orElseThrow();
    long refMs = (System.nanoTime() - t0) / 1_000_000;

    List<String> plan = new ArrayList<>();
    for (String p : CrashableCoordinator.POINTS) {
      for (int i = 0; i < KILLS_PER_POINT; i++) {
        plan.add(p);
      }
    }
    for (int i = 0; i < RANDOM_KILLS; i++) {
      plan.add("RANDOM");
    }
    SplittableRandom rnd = new SplittableRandom(SEED);
    for (int i = plan.size() - 1; i > 0; i--) {
      Collections.swap(plan, i, rnd.nextInt(i + 1));
    }

    Path state = dir.resolve("state");
    Map<Long, String> reported = new TreeMap<>();
    Map<String, Integer> kills = new LinkedHashMap<>();
    List<String> log = new ArrayList<>();
    for (String point : plan) {
      long committed = Math.max(0, verify(state, reported).size() - 1);
      long target = Math.min(ROUNDS, committed + 1 + rnd.nextInt(2));
      boolean random = point.equals("RANDOM");
      long killAfterMs = random ? randomKillMs(rnd, refMs, committed) : Long.MAX_VALUE;
      try (Child c = random ? new Child(state) : new Child(state, point, Long.toString(target))) {
        long start = System.nanoTime();
        boolean killed = false;
        while (!killed) {
          long waited = (System.nanoTime() - start) / 1_000_000;
          String l = c.lines.poll(Math.max(1, Math.min(200, killAfterMs - waited)), TimeUnit.MILLISECONDS);
          if (l != null && l.equals("EOF")) {
            List<String> tail = c.all.subList(Math.max(0, c.all.size() - 3), c.all.size());
            log.add(point + " not reached, the process ended: " + tail);
            break; // finished (or died) on its own
          }
          if ((l != null && l.startsWith("PAUSED ")) || waited >= killAfterMs) {
            c.kill();
            killed = true;
            kills.merge(point, 1, Integer::sum);
            log.add(point + (random ? "@" + killAfterMs + "ms" : "@round " + target) + " after v" + committed);
          }
          assertThat(waited).as("child stuck; output:\n" + String.join("\n", c.all)).isLessThan(60_000);
        }
        c.process.waitFor(30, TimeUnit.SECONDS);
        collectCommitted(c.all, reported);
      }
      Map<Long, String> now = verify(state, reported);
      if (Files.exists(state.resolve("flotilla.mv.db"))) {
        Map<Long, String> cs = coordinatorStates(state);
        Map<Long, String> refCs = coordinatorStates(reference);
        for (Map.Entry<Long, String> e : cs.entrySet()) {
          assertThat(e.getValue()).as("coordinator state of version %d after kills %s", e.getKey(), log)
              .isEqualTo(refCs.get(e.getKey()));
        }
      }
      for (Map.Entry<Long, String> e : now.entrySet()) {
        if (e.getKey() > 0) {
          // already here, every stored version equals the uninterrupted run's
          assertThat(e.getValue()).as("version %d after kills %s", e.getKey(), log).isEqualTo(refVersions.get(e.getKey()));
        }
      }
    }

    List<String> last = runToEnd(state);
    collectCommitted(last, reported);
    Map<Long, String> stored = verify(state, reported);
    long totalMs = (System.nanoTime() - t0) / 1_000_000;

    // every version, not only the last, is bit-identical to the uninterrupted run's
    assertThat(stored.get(0L)).isNotNull();
    Map<Long, String> storedRounds = new TreeMap<>(stored);
    storedRounds.remove(0L);
    assertThat(storedRounds).as("kills: " + log).isEqualTo(refVersions);
    String fin = last.stream().filter(l -> l.startsWith("FINAL ")).findFirst().orElseThrow();
    assertThat(fin).isEqualTo(refFinal);
    // no blob is left that no version references (orphans of killed commits were swept)
    try (Stream<Path> files = Files.list(state.resolve("models"))) {
      Set<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
      assertThat(names).allMatch(n -> n.endsWith(".safetensors") && !n.startsWith("."));
      assertThat(names).hasSize((int) stored.values().stream().distinct().count());
    }
    int total = kills.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(total).as(String.join("\n", log)).isGreaterThanOrEqualTo(20);
    for (String p : CrashableCoordinator.POINTS) {
      assertThat(kills.getOrDefault(p, 0)).as("kills at " + p).isPositive();
    }
    System.out.printf("crash test: %d SIGKILLs %s over %d rounds, %d runs; reference run %d ms, total %d ms%n"
        + "  kills: %s%n", total, kills, ROUNDS, plan.size() + 1, refMs, totalMs, log);
  }
}
