package io.flotilla.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotilla.console.cli.SimulateCommandTest.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learning-control flags of {@code flotilla simulate} and their report sections (issue 7). */
class SimulateLearningFlagsTest {
  static Result run(String... args) {
    return SimulateCommandTest.run(args);
  }

  @Test
  void badLearningFlagsAreRefusedByName() {
    assertThat(run("simulate", "--rounds", "1", "--stop", "nope").err()).contains("unknown stopping rule 'nope'");
    assertThat(run("simulate", "--rounds", "1", "--drift", "p3:x:label-shift").err()).contains("ROUND");
    assertThat(run("simulate", "--rounds", "1", "--divergence", "react=boost:2").err()).contains("boost:2");
    assertThat(run("simulate", "--rounds", "1", "--calibrate-every", "-1").err()).contains("--calibrate-every");
    assertThat(run("simulate", "--rounds", "1", "--ab", "fedavg").err()).contains("STRATEGY_A,STRATEGY_B");
    assertThat(run("simulate", "--rounds", "1", "--drift", "p99:2:label-shift", "--participants", "10").code())
        .isNotZero();
  }

  @Test
  void reportHasStoppedByDriftAlarmsAndCalibrations(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("r.json");
    Result r = run("simulate", "--participants", "10", "--rounds", "30", "--seed", "1", "--quiet",
        "--stop", "target:metric=test_accuracy,value=0.5", "--drift", "p3:3:label-shift", "--calibrate-every", "4",
        "--divergence", "on", "--report", report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode root = new ObjectMapper().readTree(report.toFile());
    assertThat(root.path("final").path("stopped_by").asText()).startsWith("target");
    assertThat(root.path("rounds").size()).isLessThan(30);
    assertThat(root.path("drift").path("first_alarm_round").path("p3").asLong()).isBetween(3L, 5L);
    assertThat(root.path("alarms").isArray()).isTrue();
    assertThat(root.path("calibrations").size()).isPositive();
    assertThat(root.path("learning_control").path("calibrate_every").asInt()).isEqualTo(4);
    // existing fields keep their names
    assertThat(root.path("final").has("model_sha256")).isTrue();
    assertThat(root.path("rounds").get(0).has("test_accuracy")).isTrue();
  }

  @Test
  void abReportsBothCurvesAndATest(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("ab.json");
    Result r = run("simulate", "--participants", "10", "--rounds", "4", "--seed", "2", "--ab", "fedavg,fedadam:eta=0.05",
        "--report", report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("wilcoxon-signed-rank p =");
    JsonNode ab = new ObjectMapper().readTree(report.toFile()).path("ab");
    assertThat(ab.path("a").path("curve").size()).isEqualTo(4);
    assertThat(ab.path("b").path("strategy").asText()).isEqualTo("fedadam:eta=0.05");
    assertThat(ab.path("wilcoxon").path("p_value").asDouble()).isBetween(0.0, 1.0);
  }
}
