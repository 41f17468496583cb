package io.flotilla.sim.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.ParticipantHeartbeat;
import io.flotilla.engine.api.FederationEvent.UpdateAccepted;
import io.flotilla.engine.api.FederationEvent.UpdatePhases;
import io.flotilla.engine.transport.TransportConfig;
import io.flotilla.sim.inprocess.Scenario;
import io.flotilla.sim.inprocess.SimulationConfig;
import io.flotilla.sim.participant.Channels;
import io.flotilla.sim.participant.ParticipantClient;
import io.flotilla.sim.participant.SimulatedTrainer;
import io.flotilla.sim.participant.Swarm;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real {@link ParticipantClient}s over loopback: their session heartbeats and the phase timings they measure
 * reach the federation's event stream as ParticipantHeartbeat and UpdatePhases events.
 */
class NetworkTelemetryTest {

  @Test
  @Timeout(60)
  void heartbeatsAndMeasuredPhasesOfRealClientsArriveAsFederationEvents() throws Exception {
    SimulationConfig cfg = SimulationConfig.builder().dataset("synthetic:0,0").participants(4).perRound(4)
        .rounds(2).localEpochs(1).batchSize(10).learningRate(0.01f).seed(3).roundDeadline(Duration.ofSeconds(30))
        .build();
    Scenario scenario = Scenario.of(cfg);
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    TransportConfig transport = TransportConfig.builder().heartbeatInterval(Duration.ofMillis(100)).build();
    try (ScenarioCoordinator coordinator = ScenarioCoordinator.start(scenario, transport, "tele", Extensions.load(),
        Clock.systemUTC(), UnaryOperator.identity())) {
      coordinator.federation().subscribe(events::add);
      try (Swarm swarm = new Swarm(coordinator.server().address(), Channels.insecure(), scenario, 0, 4, 2, 2,
          ParticipantClient.Options.defaults(3), Clock.systemUTC(), i -> SimulatedTrainer.forScenario(scenario, i))) {
        swarm.start();
        assertThat(coordinator.awaitParticipants(4, Duration.ofSeconds(20))).isTrue();
        coordinator.startRounds();
        assertThat(coordinator.await(Duration.ofSeconds(40))).isTrue();
        Set<String> accepted = events.stream().filter(UpdateAccepted.class::isInstance).map(UpdateAccepted.class::cast)
            .map(u -> u.roundId() + " " + u.participantId()).collect(Collectors.toSet());
        assertThat(accepted).hasSize(8);
        // a participant reports its phases once the coordinator has answered its upload
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().filter(UpdatePhases.class::isInstance)
            .count() >= accepted.size());
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().filter(ParticipantHeartbeat.class::isInstance)
            .map(e -> ((ParticipantHeartbeat) e).participantId()).distinct().count() == 4);
      }
    }
    List<UpdatePhases> phases = events.stream().filter(UpdatePhases.class::isInstance).map(UpdatePhases.class::cast)
        .toList();
    assertThat(phases).extracting(p -> p.roundId() + " " + p.participantId()).doesNotHaveDuplicates()
        .allSatisfy(k -> assertThat(events).filteredOn(UpdateAccepted.class::isInstance)
            .anySatisfy(u -> assertThat(((UpdateAccepted) u).roundId() + " " + ((UpdateAccepted) u).participantId())
                .isEqualTo(k)));
    // measured on the participant: the upload waited for the verdict, so it took some time on every update
    assertThat(phases).allSatisfy(p -> assertThat(p.timings().totalMillis()).isPositive());
    List<ParticipantHeartbeat> beats = events.stream().filter(ParticipantHeartbeat.class::isInstance)
        .map(ParticipantHeartbeat.class::cast).toList();
    assertThat(beats).allSatisfy(h -> {
      assertThat(h.health().cpuLoad()).isBetween(0.0, 1.0);
      assertThat(h.phase()).isIn("idle", "download", "train", "upload", "evaluate");
    });
  }
}
