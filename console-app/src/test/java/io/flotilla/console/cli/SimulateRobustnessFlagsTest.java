package io.flotilla.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The issue-6 flags of {@code flotilla simulate}: strategies, selection, adversaries, screening, DP, plugins. */
class SimulateRobustnessFlagsTest {
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    CommandLine cl = FlotillaCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** A small synthetic run; {@code more} may override --rounds and --per-round. */
  static String[] with(String... more) {
    java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("simulate", "--dataset", "synthetic-iid", "--partition", "iid",
        "--participants", "10", "--local-epochs", "1", "--seed", "2"));
    java.util.List<String> m = java.util.List.of(more);
    if (!m.contains("--rounds")) {
      a.addAll(java.util.List.of("--rounds", "3"));
    }
    if (!m.contains("--per-round")) {
      a.addAll(java.util.List.of("--per-round", "10"));
    }
    a.addAll(m);
    return a.toArray(new String[0]);
  }

  @Test
  void badValuesExitWithStatusTwoNamingTheFlag() {
    String[][] cases = {
        {"--adversaries", "sign-flop:0.3", "--adversaries"},
        {"--adversaries", "sign-flip:1.5", "FRACTION"},
        {"--dp", "clip=x,noise=1,delta=1e-5", "--dp"},
        {"--dp", "noise=1,delta=1e-5", "missing clip"},
        {"--validation", "bogus", "bogus"},
        {"--plugins", "/nonexistent/plugins", "--plugins"},
        {"--selection", "fair-quota:max-share=2", "max-share"},
        {"--strategy", "trimmed-mean:beta=0.7", "beta"},
        {"--strategy", "krum:f=4", "at least 11"},
        {"--strategy", "median", "--dp"},
        {"--suspend-after", "-1", "--suspend-after"},
    };
    for (String[] c : cases) {
      Result r = c[0].equals("--strategy") && c[1].equals("median")
          ? run(with("--strategy", "median", "--dp", "clip=1,noise=1,delta=1e-5"))
          : run(with(c[0], c[1]));
      assertThat(r.code()).as(String.join(" ", c) + "\n" + r.err()).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", c)).contains(c[2]);
    }
  }

  @Test
  void attackersAreCountedAsRejectedAndSuspendedInTheReport(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("r.json");
    Result r = run(with("--rounds", "5", "--adversaries", "scaling:0.2", "--validation", "default", "--report",
        report.toString()));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("rejected").contains("suspended");
    JsonNode root = new ObjectMapper().readTree(report.toFile());
    assertThat(root.path("config").path("adversaries").asText()).isEqualTo("scaling:0.2");
    int rejected = 0;
    for (JsonNode row : root.path("rounds")) {
      rejected += row.path("rejected").asInt();
      assertThat(row.has("suspicious")).isTrue();
    }
    assertThat(rejected).isGreaterThanOrEqualTo(4);
    assertThat(root.path("final").path("suspended")).hasSize(2);
    assertThat(root.path("final").path("adversaries")).hasSize(2);
  }

  @Test
  void dpReportsEpsilonPerRoundAndStopsAtTheBudget(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("dp.json");
    Result r = run(with("--rounds", "20", "--per-round", "2", "--dp", "clip=1,noise=2,delta=1e-5,budget=2",
        "--report", report.toString()));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("epsilon").contains("finished early: privacy budget spent");
    JsonNode root = new ObjectMapper().readTree(report.toFile());
    JsonNode rounds = root.path("rounds");
    assertThat(rounds.size()).isBetween(1, 19);
    assertThat(rounds.get(rounds.size() - 1).path("epsilon").asDouble()).isLessThanOrEqualTo(2.0).isPositive();
    assertThat(root.path("final").path("epsilon").asDouble()).isPositive();
    assertThat(root.path("config").path("dp").path("noise_multiplier").asDouble()).isEqualTo(2.0);
  }
}
