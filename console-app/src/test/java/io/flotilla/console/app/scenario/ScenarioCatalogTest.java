package io.flotilla.console.app.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.sim.inprocess.SimulationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioCatalogTest {
  private final ScenarioCatalog withData = new ScenarioCatalog(dir -> true);
  private final ScenarioCatalog withoutData = new ScenarioCatalog(dir -> false);

  @Test
  void everyBuiltInScenarioIsListedDescribedAndRunnable() {
    assertThat(ScenarioCatalog.builtInNames()).contains("demo", "demo-synthetic", "large-fleet", "under-attack",
        "stragglers");
    for (ScenarioCatalog.Entry e : withData.builtIns()) {
      assertThat(e.description()).as(e.name()).isNotBlank();
      ScenarioCatalog.Resolved r = withoutData.resolve(e.name());
      assertThat(r.config().participants()).as(e.name()).isPositive();
    }
  }

  @Test
  void theDemoIsFashionMnistWhenInstalledAndFallsBackToSyntheticOtherwise() {
    ScenarioCatalog.Resolved installed = withData.resolve(ScenarioCatalog.DEFAULT);
    assertThat(installed.name()).isEqualTo("demo");
    assertThat(installed.config().dataset()).startsWith("fashion-mnist");
    assertThat(installed.config().participants()).isEqualTo(20);
    assertThat(installed.config().learningRate()).isEqualTo(0.05f);
    assertThat(installed.config().roundInterval()).isEqualTo(Duration.ofMillis(300));
    assertThat(installed.note()).isNull();

    ScenarioCatalog.Resolved missing = withoutData.resolve("demo");
    assertThat(missing.name()).isEqualTo("demo-synthetic");
    assertThat(missing.config().dataset()).isEqualTo("synthetic:1,1");
    assertThat(missing.config().participants()).isEqualTo(30);
    assertThat(missing.note()).contains("not installed").contains("demo-synthetic");
  }

  @Test
  void aFileTakesDefaultsForWhatItLeavesOut(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("mine.yaml");
    Files.writeString(f, """
        description: mine
        dataset: synthetic:0,0
        participants: 12
        per-round: 4
        strategy: median
        round-interval-ms: 50
        """);
    ScenarioCatalog.Resolved r = withData.resolve(f.toString());
    assertThat(r.name()).isEqualTo("mine");
    assertThat(r.source()).isEqualTo(f.toString());
    SimulationConfig c = r.config();
    SimulationConfig defaults = SimulationConfig.builder().build();
    assertThat(c.participants()).isEqualTo(12);
    assertThat(c.perRound()).isEqualTo(4);
    assertThat(c.strategy()).isEqualTo("median");
    assertThat(c.roundInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.rounds()).isEqualTo(defaults.rounds());
    assertThat(c.learningRate()).isEqualTo(defaults.learningRate());
    assertThat(c.seed()).isEqualTo(defaults.seed());
  }

  @Test
  void badScenariosAreRefusedNamingTheProblem(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> withData.resolve("no-such"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown scenario 'no-such'").hasMessageContaining("demo, demo-synthetic");
    assertThatThrownBy(() -> withData.resolve(dir.resolve("absent.yaml").toString()))
        .hasMessageContaining("absent.yaml").hasMessageContaining("does not exist");

    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "participants: 10\nper_round: 5\n");
    assertThatThrownBy(() -> withData.resolve(typo.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("typo.yaml").hasMessageContaining("unknown key 'per_round'")
        .hasMessageContaining("per-round");

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "participants: 10\nper-round: 50\n");
    assertThatThrownBy(() -> withData.resolve(bad.toString()))
        .hasMessageContaining("scenario bad").hasMessageContaining("--per-round");

    Path badSpec = dir.resolve("spec.yaml");
    Files.writeString(badSpec, "dataset: mnist-please\n");
    assertThatThrownBy(() -> withData.resolve(badSpec.toString())).hasMessageContaining("mnist-please");

    Path notANumber = dir.resolve("nan.yaml");
    Files.writeString(notANumber, "participants: many\n");
    assertThatThrownBy(() -> withData.resolve(notANumber.toString()))
        .hasMessageContaining("nan.yaml").hasMessageContaining("many");

    Path needsData = dir.resolve("fmnist.yaml");
    Files.writeString(needsData, "dataset: fashion-mnist:/nowhere\n");
    assertThatThrownBy(() -> withoutData.resolve(needsData.toString()))
        .hasMessageContaining("needs Fashion-MNIST in /nowhere");
  }

  @Test
  void theJoinCommandCarriesTheFlagsThatShapeAParticipant() {
    SimulationConfig c = withoutData.resolve("stragglers").config();
    String cmd = JoinCommand.of(c, "127.0.0.1:7070");
    assertThat(cmd).startsWith("flotilla participant --coordinator 127.0.0.1:7070 --insecure --dataset synthetic:1,1")
        .contains("--participants 40").contains("--local-epochs 5").contains("--strategy fedprox:mu=0.01")
        .contains("--devices dropout:0.2").contains("--seed 3").endsWith("--index I");
  }

  /** The example in README.md ("Scenarios and participant processes"), verbatim. */
  @Test
  void theReadmeExampleIsAValidScenario(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("my-fleet.yaml");
    Files.writeString(f, """
        name: my-fleet                       # shown in the chooser (default: the file name)
        description: 200 phones on Synthetic(1,1), 10% sign-flip attackers
        fallback: demo-synthetic             # optional: run this built-in if the data set is not installed
        dataset: synthetic:1,1               # or fashion-mnist[:PATH]
        partition: natural                   # iid | dirichlet:ALPHA | shards:K
        participants: 200
        per-round: 20
        min-updates: 5
        rounds: 300
        round-interval-ms: 300               # pause between rounds, so a person can follow them
        deadline: 60                         # seconds: a round closes with what has arrived
        model: logreg                        # mlp:HIDDEN
        strategy: fedavg                     # any --strategy value, e.g. trimmed-mean:beta=0.2
        selection: uniform
        local-epochs: 1
        batch-size: 10
        lr: 0.01
        devices: mixed                       # uniform | mixed | dropout:P
        stragglers: 0.1
        adversaries: sign-flip:0.1           # KIND:FRACTION,...
        validation: norm
        suspend-after: 3
        seed: 1
        """);
    ScenarioCatalog.Resolved r = withData.resolve(f.toString());
    assertThat(r.name()).isEqualTo("my-fleet");
    assertThat(r.config().participants()).isEqualTo(200);
    assertThat(r.config().roundDeadline()).isEqualTo(Duration.ofSeconds(60));
    assertThat(r.config().suspendAfter()).isEqualTo(3);
  }
}
