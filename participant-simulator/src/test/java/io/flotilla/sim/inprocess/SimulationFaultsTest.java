package io.flotilla.sim.inprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.sim.adversary.Adversary;
import io.flotilla.sim.adversary.AdversaryKind;
import io.flotilla.sim.data.DriftPlan;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Live fault injection into an in-process simulation: each fault's effect, determinism and validation. */
class SimulationFaultsTest {
  record Run(List<FederationEvent> events, String sha, List<SimulationFaults.Injected> injected) {
    <T extends FederationEvent> List<T> of(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<FederationEvent.UpdateAccepted> acceptedOf(String id) {
      return of(FederationEvent.UpdateAccepted.class).stream().filter(u -> u.participantId().equals(id)).toList();
    }

    List<FederationEvent.ParticipantFailed> failuresOf(String id) {
      return of(FederationEvent.ParticipantFailed.class).stream().filter(u -> u.participantId().equals(id)).toList();
    }
  }

  static SimulationConfig.Builder ten() {
    return SimulationConfig.builder().dataset("synthetic:0,0").participants(10).perRound(10).rounds(8)
        .localEpochs(1).batchSize(10).learningRate(0.01f).seed(1);
  }

  /** Runs {@code cfg}, injecting {@code fault} (when not null) as round {@code afterRound} commits. */
  static Run run(SimulationConfig cfg, LearningOptions lo, long afterRound, Fault fault) throws Exception {
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    try (InProcessSimulation sim = InProcessSimulation.create(cfg, lo, Extensions.load(), Clock.systemUTC(), null)) {
      sim.federation().subscribe(e -> {
        events.add(e);
        if (fault != null && e instanceof FederationEvent.RoundCommitted rc && rc.roundId() == afterRound) {
          sim.faults().inject(fault); // on the coordinator thread: the next round is afterRound + 1
        }
      });
      sim.start();
      assertThat(sim.await(Duration.ofSeconds(60))).isTrue();
      return new Run(events, sim.federation().globalModel().sha256(), sim.faults().injected());
    }
  }

  static Run run(Fault fault) throws Exception {
    return run(ten().build(), LearningOptions.none(), 3, fault);
  }

  @Test
  void aDroppedParticipantFailsEveryRoundFromTheNextOneOn() throws Exception {
    Run r = run(new Fault.Drop("p3"));
    assertThat(r.injected()).singleElement().satisfies(i -> assertThat(i.fromRound()).isEqualTo(4));
    assertThat(r.acceptedOf("p3")).extracting(FederationEvent.UpdateAccepted::roundId).containsExactly(1L, 2L, 3L);
    assertThat(r.failuresOf("p3")).extracting(FederationEvent.ParticipantFailed::roundId)
        .containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(r.failuresOf("p3")).allSatisfy(f -> assertThat(f.reason()).contains("dropped (fault injected)"));
    assertThat(r.acceptedOf("p4")).hasSize(8);
  }

  @Test
  void withoutFaultsRunsAreUnchangedAndWithTheSameFaultTheyAreDeterministic() throws Exception {
    Run clean = run(null);
    assertThat(run(ten().build(), LearningOptions.none(), 0, null).sha()).isEqualTo(clean.sha());
    try (InProcessSimulation plain = InProcessSimulation.create(ten().build())) { // the classic entry point
      plain.start();
      assertThat(plain.await(Duration.ofSeconds(60))).isTrue();
      assertThat(plain.federation().globalModel().sha256()).isEqualTo(clean.sha());
    }
    Fault flip = new Fault.Adversarial("p2", new Adversary(AdversaryKind.SIGN_FLIP, 4));
    Run a = run(flip);
    assertThat(a.sha()).isNotEqualTo(clean.sha()).isEqualTo(run(flip).sha());
    // the attacker's rounds before the injection are the honest ones
    assertThat(a.acceptedOf("p2").get(0).metrics()).isEqualTo(clean.acceptedOf("p2").get(0).metrics());
  }

  @Test
  void aDataShiftRaisesThatParticipantsDriftAlarm() throws Exception {
    LearningOptions drift = new LearningOptions(List.of(), null, "on", "none", 0);
    Run r = run(ten().rounds(10).build(), drift, 4, new Fault.DataShift("p3", DriftPlan.Kind.LABEL_SHIFT));
    List<FederationEvent.DriftAlarm> alarms = r.of(FederationEvent.DriftAlarm.class);
    assertThat(alarms).isNotEmpty().extracting(FederationEvent.DriftAlarm::participantId).containsOnly("p3");
    assertThat(alarms.get(0).roundId()).isBetween(5L, 7L);
    Run quiet = run(ten().rounds(10).build(), drift, 4, null);
    assertThat(quiet.of(FederationEvent.DriftAlarm.class)).isEmpty();
  }

  @Test
  void aSlowedParticipantMissesTheDeadline() throws Exception {
    Run r = run(ten().rounds(4).roundDeadline(Duration.ofMillis(400)).build(), LearningOptions.none(), 2,
        new Fault.Slow("p5", 1e6));
    assertThat(r.acceptedOf("p5")).extracting(FederationEvent.UpdateAccepted::roundId).containsExactly(1L, 2L);
    assertThat(r.of(FederationEvent.RoundCommitted.class)).hasSize(4); // the others carry rounds 3 and 4
  }

  @Test
  void aCutNetworkLosesTheRoundsDuringTheCutAndComesBack() throws Exception {
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    try (InProcessSimulation sim = InProcessSimulation.create(ten().rounds(4).build(), LearningOptions.none(),
        Extensions.load(), Clock.systemUTC(), null)) {
      sim.federation().subscribe(events::add);
      SimulationFaults.Injected i = sim.faults().inject(new Fault.NetworkCut("p1", Duration.ofMillis(300)));
      assertThat(i.fromRound()).isEqualTo(1);
      sim.start();
      assertThat(sim.await(Duration.ofSeconds(60))).isTrue();
    }
    Run r = new Run(events, "", List.of());
    assertThat(r.failuresOf("p1")).isNotEmpty().first().satisfies(f -> {
      assertThat(f.roundId()).isEqualTo(1);
      assertThat(f.reason()).contains("network cut");
    });
    assertThat(r.acceptedOf("p1")).extracting(FederationEvent.UpdateAccepted::roundId).contains(4L);
  }

  @Test
  void badFaultsAreRefusedNamingTheProblemAndChangeNothing() throws Exception {
    try (InProcessSimulation sim = InProcessSimulation.create(ten().build())) {
      SimulationFaults f = sim.faults();
      assertThatThrownBy(() -> f.inject(new Fault.Drop("p42"))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("p42");
      assertThatThrownBy(() -> new Fault.Slow("p1", 0.5)).hasMessageContaining("factor");
      assertThatThrownBy(() -> new Fault.NetworkCut("p1", Duration.ZERO)).hasMessageContaining("network cut");
      assertThatThrownBy(() -> f.clear("nobody")).hasMessageContaining("nobody");
      assertThat(f.injected()).isEmpty();
      assertThat(f.dropped("p1", 5)).isFalse();
      assertThat(f.participantIds()).hasSize(10).startsWith("p0");
      sim.close();
      assertThatThrownBy(() -> f.inject(new Fault.Drop("p1"))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
      assertThat(f.injected()).isEmpty();
    }
  }

  @Test
  void clearingEndsTheDropFromTheNextRound() throws Exception {
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    try (InProcessSimulation sim = InProcessSimulation.create(ten().rounds(5).build())) {
      sim.federation().subscribe(e -> {
        events.add(e);
        if (e instanceof FederationEvent.RoundCommitted rc && rc.roundId() == 3) {
          sim.faults().clear("p3");
        }
      });
      sim.faults().inject(new Fault.Drop("p3"));
      sim.start();
      assertThat(sim.await(Duration.ofSeconds(60))).isTrue();
    }
    Run r = new Run(events, "", List.of());
    assertThat(r.failuresOf("p3")).extracting(FederationEvent.ParticipantFailed::roundId)
        .containsExactly(1L, 2L, 3L);
    assertThat(r.acceptedOf("p3")).extracting(FederationEvent.UpdateAccepted::roundId).containsExactly(4L, 5L);
  }
}
