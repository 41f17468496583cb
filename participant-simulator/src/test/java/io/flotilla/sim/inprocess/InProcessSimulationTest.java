package io.flotilla.sim.inprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.RejectReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class InProcessSimulationTest {

  record Run(String sha, List<FederationEvent> events, FederationState state, double accuracy) {}

  static Run run(SimulationConfig cfg) throws InterruptedException {
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    try (InProcessSimulation sim = InProcessSimulation.create(cfg)) {
      sim.federation().subscribe(events::add);
      sim.start();
      assertThat(sim.await(Duration.ofSeconds(60))).as("simulation finished in time").isTrue();
      double acc = events.stream().filter(e -> e instanceof FederationEvent.RoundCommitted)
          .map(e -> ((FederationEvent.RoundCommitted) e).metrics().get("test_accuracy"))
          .reduce((a, b) -> b).orElse(Double.NaN);
      return new Run(sim.federation().globalModel().sha256(), events, sim.federation().state(), acc);
    }
  }

  static SimulationConfig.Builder small() {
    return SimulationConfig.builder().dataset("synthetic:0,0").participants(12).perRound(5).rounds(6)
        .localEpochs(2).batchSize(10).learningRate(0.01f);
  }

  @Test
  void sameSeedSameModelBitForBit() throws Exception {
    Run a = run(small().seed(7).build());
    Run b = run(small().seed(7).build());
    Run c = run(small().seed(8).build());
    assertThat(a.state()).isEqualTo(FederationState.FINISHED);
    assertThat(a.sha()).isEqualTo(b.sha());
    assertThat(c.sha()).isNotEqualTo(a.sha());
  }

  /** (round, participant, download, upload) of every phase report, sorted. */
  static List<String> transfers(Run r) {
    return r.events().stream().filter(FederationEvent.UpdatePhases.class::isInstance)
        .map(FederationEvent.UpdatePhases.class::cast)
        .map(p -> p.roundId() + " " + p.participantId() + " " + p.timings().downloadMillis() + " "
            + p.timings().uploadMillis())
        .sorted().toList();
  }

  @Test
  void participantsReportDeterministicPhaseTimingsFromTheirDevicesWithoutChangingTheModel() throws Exception {
    Run a = run(small().devices("mixed").seed(7).build());
    Run b = run(small().devices("mixed").seed(7).build());
    assertThat(a.sha()).isEqualTo(b.sha());
    assertThat(transfers(a)).isNotEmpty().isEqualTo(transfers(b));
    // one report per update the coordinator answered, with the training time it reported
    java.util.Map<String, Long> trained = new java.util.HashMap<>();
    a.events().stream().filter(FederationEvent.UpdateAccepted.class::isInstance)
        .map(FederationEvent.UpdateAccepted.class::cast)
        .forEach(u -> trained.put(u.roundId() + " " + u.participantId(), u.trainingMillis()));
    List<FederationEvent.UpdatePhases> phases = a.events().stream()
        .filter(FederationEvent.UpdatePhases.class::isInstance).map(FederationEvent.UpdatePhases.class::cast).toList();
    assertThat(phases).hasSizeGreaterThanOrEqualTo(trained.size());
    for (FederationEvent.UpdatePhases p : phases) {
      Long t = trained.get(p.roundId() + " " + p.participantId());
      if (t != null) {
        assertThat(p.timings().trainMillis()).isEqualTo(t);
      }
    }
    // a phone's link is slower than a server's: its transfers take longer (latency + bytes / bandwidth)
    java.util.Map<String, String> device = new java.util.HashMap<>();
    try (InProcessSimulation sim = InProcessSimulation.create(small().devices("mixed").seed(7).build())) {
      sim.participants().forEach(p -> device.put(p.id(), p.device().deviceClass()));
    }
    double phone = phases.stream().filter(p -> "phone".equals(device.get(p.participantId())))
        .mapToLong(p -> p.timings().downloadMillis()).average().orElseThrow();
    double server = phases.stream().filter(p -> "server".equals(device.get(p.participantId())))
        .mapToLong(p -> p.timings().downloadMillis()).average().orElse(0);
    assertThat(phone).isGreaterThan(server).isGreaterThan(40);
    // heartbeats reach the event stream too (one per participant between rounds)
    assertThat(a.events()).filteredOn(FederationEvent.ParticipantHeartbeat.class::isInstance)
        .hasSizeGreaterThanOrEqualTo(12 * 6);
  }

  @Test
  void syntheticFedAvgLearns() throws Exception {
    Run r = run(SimulationConfig.builder().dataset("synthetic:0,0").participants(30).perRound(10).rounds(15)
        .localEpochs(5).batchSize(10).learningRate(0.01f).seed(3).build());
    assertThat(r.accuracy()).isGreaterThan(0.6);
  }

  @Test
  void stragglersAreDroppedByFedAvgAndCountedAsRejected() throws Exception {
    Run r = run(small().stragglers(0.4).localEpochs(3).seed(5).build());
    List<FederationEvent.UpdateRejected> rejected = r.events().stream()
        .filter(FederationEvent.UpdateRejected.class::isInstance).map(FederationEvent.UpdateRejected.class::cast)
        .toList();
    // 40% of 5 = 2 stragglers per round, 6 rounds
    assertThat(rejected).hasSize(12).allSatisfy(x -> assertThat(x.reason()).isEqualTo(RejectReason.PARTIAL_WORK_DROPPED));
    assertThat(r.events()).filteredOn(FederationEvent.RoundCommitted.class::isInstance)
        .allSatisfy(e -> assertThat(((FederationEvent.RoundCommitted) e).contributors()).isEqualTo(3));
  }

  @Test
  void dropoutsAreFailuresNotUpdates() throws Exception {
    Run r = run(small().devices("dropout:0.5").seed(9).build());
    assertThat(r.events()).filteredOn(FederationEvent.ParticipantFailed.class::isInstance).isNotEmpty();
    assertThat(r.state()).isEqualTo(FederationState.FINISHED);
  }

  @Test
  void badConfigurationIsRefusedByName() {
    assertThatThrownBy(() -> small().participants(-3).build()).hasMessageContaining("--participants");
    assertThatThrownBy(() -> small().dataset("mnist").build()).hasMessageContaining("mnist");
    assertThatThrownBy(() -> small().partition("dirichlet:x").build()).hasMessageContaining("dirichlet:x");
    assertThatThrownBy(() -> small().stragglers(1.5).build()).hasMessageContaining("--stragglers");
    assertThatThrownBy(() -> InProcessSimulation.create(small().strategy("no-such-strategy").build()))
        .hasMessageContaining("no-such-strategy");
    assertThatThrownBy(() -> InProcessSimulation.create(small().model("cnn").build())).hasMessageContaining("cnn");
    assertThatThrownBy(() -> InProcessSimulation.create(small().dataset("fashion-mnist:/nonexistent/dir").build()))
        .hasMessageContaining("/nonexistent/dir");
  }
}
