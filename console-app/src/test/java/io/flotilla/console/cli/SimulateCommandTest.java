package io.flotilla.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
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

  @Test
  void badArgumentsExitNonZeroNamingTheArgument() {
    Result r = run("simulate", "--dataset", "synthetic:0,0", "--participants", "-3", "--rounds", "2");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("--participants");
    r = run("simulate", "--strategy", "no-such-strategy", "--rounds", "1");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("no-such-strategy");
    r = run("simulate", "--rounds", "abc");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("--rounds");
    r = run("simulate", "--per-round", "50", "--participants", "10");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("--per-round");
    r = run("simulate", "--dataset", "synthetic:a,b");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("synthetic:a,b");
  }

  @Test
  void missingDatasetSaysHowToInstallIt() {
    Result r = run("simulate", "--dataset", "fashion-mnist:/nonexistent/dir", "--rounds", "1");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("/nonexistent/dir").contains("dataset-fashion-mnist");
  }

  @Test
  void writesTheJsonReportContract(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("r.json");
    Result r = run("simulate", "--dataset", "synthetic:0,0", "--participants", "8", "--per-round", "4",
        "--rounds", "3", "--local-epochs", "1", "--seed", "4", "--report", report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("round    1").contains("final:");
    JsonNode root = new ObjectMapper().readTree(Files.readString(report));
    assertThat(root.path("config").path("participants").asInt()).isEqualTo(8);
    assertThat(root.path("rounds")).hasSize(3);
    JsonNode first = root.path("rounds").get(0);
    for (String f : new String[] {"round", "participants", "train_loss", "test_loss", "test_accuracy", "duration_ms"}) {
      assertThat(first.has(f)).as(f).isTrue();
    }
    assertThat(root.path("final").path("model_sha256").asText()).hasSize(64);
    assertThat(root.path("final").path("test_accuracy").asDouble()).isBetween(0.0, 1.0);
  }
}
