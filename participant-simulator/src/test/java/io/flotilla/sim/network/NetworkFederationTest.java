package io.flotilla.sim.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.engine.api.AsyncConfig;
import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.transport.TransportConfig;
import io.flotilla.sim.inprocess.InProcessSimulation;
import io.flotilla.sim.inprocess.Scenario;
import io.flotilla.sim.inprocess.SimulationConfig;
import io.flotilla.sim.participant.Channels;
import io.flotilla.sim.participant.ParticipantClient;
import io.flotilla.sim.participant.SimulatedTrainer;
import io.flotilla.sim.participant.Swarm;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real network federation over loopback sockets reproduces the in-process simulation bit for bit. */
class NetworkFederationTest {

  static SimulationConfig config() {
    return SimulationConfig.builder().dataset("synthetic:1,1").participants(50).perRound(20).minUpdates(10)
        .rounds(5).localEpochs(2).batchSize(10).learningRate(0.01f).stragglers(0.2).seed(11)
        .roundDeadline(Duration.ofSeconds(60)).build();
  }

  record InProcess(String sha, List<FederationEvent> events) {}

  static InProcess inProcess(SimulationConfig cfg) throws InterruptedException {
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    try (InProcessSimulation sim = InProcessSimulation.create(cfg)) {
      sim.federation().subscribe(events::add);
      sim.start();
      assertThat(sim.await(Duration.ofSeconds(60))).isTrue();
      assertThat(sim.federation().state()).isEqualTo(FederationState.FINISHED);
      return new InProcess(sim.federation().globalModel().sha256(), events);
    }
  }

  @Test
  @Timeout(120)
  void fiftyParticipantsOverLoopbackMatchTheInProcessModelBitForBit() throws Exception {
    SimulationConfig cfg = config();
    Scenario scenario = Scenario.of(cfg);
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    String networkSha;
    try (ScenarioCoordinator coordinator = ScenarioCoordinator.start(scenario, TransportConfig.builder().build(),
        "sync", Extensions.load(), Clock.systemUTC(), UnaryOperator.identity())) {
      coordinator.federation().subscribe(events::add);
      try (Swarm swarm = new Swarm(coordinator.server().address(), Channels.insecure(), scenario, 0, 50, 4, 4,
          ParticipantClient.Options.defaults(11), Clock.systemUTC(), i -> SimulatedTrainer.forScenario(scenario, i))) {
        swarm.start();
        assertThat(swarm.awaitConnected(Duration.ofSeconds(30))).isTrue();
        assertThat(coordinator.awaitParticipants(50, Duration.ofSeconds(30))).isTrue();
        coordinator.startRounds();
        assertThat(coordinator.await(Duration.ofSeconds(90))).as(() -> "network federation finished: "
            + events.stream().filter(e -> !(e instanceof FederationEvent.ParticipantJoined)).toList()).isTrue();
        assertThat(coordinator.federation().state()).isEqualTo(FederationState.FINISHED);
        networkSha = coordinator.federation().globalModel().sha256();
        assertThat(coordinator.server().sessions()).isEqualTo(50);
        assertThat(swarm.bytesDownloaded()).isPositive();
      }
    }
    InProcess reference = inProcess(cfg);
    assertThat(networkSha).isEqualTo(reference.sha());
    // the same rounds: same cohorts, same stragglers dropped, same contributors
    assertThat(summary(events)).isEqualTo(summary(reference.events()));
    // the scenario's stragglers were marked over the wire and their partial work dropped, as in-process
    assertThat(events).filteredOn(FederationEvent.UpdateRejected.class::isInstance)
        .anySatisfy(e -> assertThat(((FederationEvent.UpdateRejected) e).reason())
            .isEqualTo(RejectReason.PARTIAL_WORK_DROPPED));
    assertThat(events).filteredOn(FederationEvent.RoundCommitted.class::isInstance).hasSize(5);
  }

  @Test
  @Timeout(120)
  void asynchronousBufferedModeConvergesOnSynthetic11() throws Exception {
    SimulationConfig cfg = SimulationConfig.builder().dataset("synthetic:1,1").participants(30).perRound(10)
        .rounds(30).localEpochs(5).batchSize(10).learningRate(0.01f).seed(4).roundDeadline(Duration.ofSeconds(60))
        .build();
    Scenario scenario = Scenario.of(cfg);
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    AsyncConfig fedBuff = AsyncConfig.fedBuff(5, 10);
    try (ScenarioCoordinator coordinator = ScenarioCoordinator.start(scenario, TransportConfig.builder().build(),
        "async", Extensions.load(), Clock.systemUTC(), b -> b.async(fedBuff))) {
      coordinator.federation().subscribe(events::add);
      try (Swarm swarm = new Swarm(coordinator.server().address(), Channels.insecure(), scenario, 0, 30, 4, 4,
          ParticipantClient.Options.defaults(4), Clock.systemUTC(), i -> SimulatedTrainer.forScenario(scenario, i))) {
        swarm.start();
        assertThat(coordinator.awaitParticipants(30, Duration.ofSeconds(30))).isTrue();
        coordinator.startRounds();
        assertThat(coordinator.await(Duration.ofSeconds(100))).isTrue();
        assertThat(coordinator.federation().state()).isEqualTo(FederationState.FINISHED);
      }
    }
    List<FederationEvent.RoundCommitted> commits = events.stream().filter(FederationEvent.RoundCommitted.class::isInstance)
        .map(FederationEvent.RoundCommitted.class::cast).toList();
    assertThat(commits).hasSize(30).allSatisfy(c -> assertThat(c.contributors()).isEqualTo(5));
    assertThat(commits.get(commits.size() - 1).version()).isEqualTo(30);
    double first = commits.get(0).metrics().get("test_accuracy");
    double last = commits.stream().max(java.util.Comparator.comparingLong(FederationEvent.RoundCommitted::version))
        .orElseThrow().metrics().get("test_accuracy");
    assertThat(last).as("accuracy after 30 buffered aggregations (first: %s)", first).isGreaterThan(0.6);
    // updates really were asynchronous: some were trained on an older version than the one they joined
    assertThat(events).filteredOn(FederationEvent.UpdateAccepted.class::isInstance)
        .anySatisfy(e -> assertThat(((FederationEvent.UpdateAccepted) e).metrics().get("staleness")).isPositive());
  }

  static List<String> summary(List<FederationEvent> events) {
    return events.stream().map(e -> {
      if (e instanceof FederationEvent.RoundStarted s) {
        return "start " + s.roundId() + " " + s.selected();
      } else if (e instanceof FederationEvent.RoundCommitted c) {
        return "commit " + c.roundId() + " v" + c.version() + " " + c.modelSha256() + " " + c.contributors();
      } else if (e instanceof FederationEvent.UpdateRejected r) {
        return "reject " + r.roundId() + " " + r.participantId() + " " + r.reason();
      }
      return null;
    }).filter(s -> s != null).sorted().toList();
  }
}
