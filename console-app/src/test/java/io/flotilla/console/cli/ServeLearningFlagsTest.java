package io.flotilla.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.console.cli.SimulateCommandTest.Result;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code flotilla serve} takes the stopping rules and alarms of issue 7; simulator-only flags are refused. */
class ServeLearningFlagsTest {

  @Test
  void simulatorOnlyFlagsAreRefusedByName() {
    Result ab = SimulateCommandTest.run("serve", "--insecure", "--port", "0", "--ab", "fedavg,fedadam");
    assertThat(ab.code()).isEqualTo(2);
    assertThat(ab.err()).contains("--ab is a simulator feature");
    Result drift = SimulateCommandTest.run("serve", "--insecure", "--port", "0", "--drift", "p1:2:label-shift");
    assertThat(drift.code()).isEqualTo(2);
    assertThat(drift.err()).contains("--drift injects drift");
    Result cal = SimulateCommandTest.run("serve", "--insecure", "--port", "0", "--calibrate-every", "3");
    assertThat(cal.code()).isEqualTo(2);
    assertThat(cal.err()).contains("--calibrate-every");
    Result async = SimulateCommandTest.run("serve", "--insecure", "--port", "0", "--mode", "async", "--stop",
        "max-rounds:rounds=2");
    assertThat(async.code()).isEqualTo(2);
    assertThat(async.err()).contains("need synchronous rounds");
    Result bad = SimulateCommandTest.run("serve", "--insecure", "--port", "0", "--stop", "nope");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown stopping rule 'nope'");
  }

  @Test
  void aStoppingRuleEndsAServedFederationEarly() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String[] common = {"--participants", "3", "--per-round", "3", "--seed", "5"};
    CompletableFuture<Result> serve = CompletableFuture.supplyAsync(() -> SimulateCommandTest.run(concat(
        new String[] {"serve", "--insecure", "--port", String.valueOf(port), "--rounds", "20", "--quiet",
            "--stop", "max-rounds:rounds=2"}, common)));
    CompletableFuture<Result> swarm = CompletableFuture.supplyAsync(() -> SimulateCommandTest.run(concat(
        new String[] {"swarm", "--insecure", "--coordinator", "127.0.0.1:" + port, "--count", "3"}, common)));
    Result s = serve.get(120, TimeUnit.SECONDS);
    assertThat(s.code()).as(s.err()).isZero();
    assertThat(s.out()).contains("final: finished").contains(" v2 ");
    swarm.get(60, TimeUnit.SECONDS);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
