package io.flotilla.sim.inprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.sim.adversary.AdversaryKind;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Simulated attackers against the default screening, end to end. */
class AdversarialSimulationTest {
  record Run(List<FederationEvent> events, Set<String> attackers, double accuracy, String sha) {}

  static Run run(SimulationConfig cfg) throws InterruptedException {
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    try (InProcessSimulation sim = InProcessSimulation.create(cfg)) {
      sim.federation().subscribe(events::add);
      sim.start();
      assertThat(sim.await(Duration.ofSeconds(60))).isTrue();
      assertThat(sim.federation().state()).isEqualTo(FederationState.FINISHED);
      Set<String> attackers = sim.participants().stream().filter(p -> p.adversary() != null)
          .map(SimulatedParticipant::id).collect(Collectors.toSet());
      double acc = events.stream().filter(FederationEvent.RoundCommitted.class::isInstance)
          .map(e -> ((FederationEvent.RoundCommitted) e).metrics().get("test_accuracy")).reduce((a, b) -> b)
          .orElse(Double.NaN);
      return new Run(events, attackers, acc, sim.federation().globalModel().sha256());
    }
  }

  static SimulationConfig.Builder base() {
    return SimulationConfig.builder().dataset("synthetic:0,0").participants(20).perRound(10).rounds(6)
        .localEpochs(2).batchSize(10).learningRate(0.01f).seed(5).validation("default");
  }

  @Test
  void signFlippersAndScalersAreCaughtAndHonestUpdatesPass() throws Exception {
    // IID data: honest updates agree in direction, so flipped ones stand out; boosted ones by their norm
    SimulationConfig.Builder iid = base().dataset("synthetic-iid").partition("iid");
    Run r = run(iid.adversaries("sign-flip:0.2,scaling:0.1").build());
    assertThat(r.attackers()).hasSize(6);
    List<FederationEvent.UpdateRejected> rejected = r.events().stream()
        .filter(FederationEvent.UpdateRejected.class::isInstance).map(FederationEvent.UpdateRejected.class::cast)
        .toList();
    assertThat(rejected).hasSizeGreaterThan(5)
        .allSatisfy(x -> assertThat(r.attackers()).as("only attackers are rejected").contains(x.participantId()))
        .allSatisfy(x -> assertThat(x.reason().isSuspicious()).isTrue());
    // the first round has no reference direction yet, so a flipped update no louder than the round's spread
    // may pass there; from the second round on, none does
    long attackerAcceptedLater = r.events().stream().filter(FederationEvent.UpdateAccepted.class::isInstance)
        .map(e -> (FederationEvent.UpdateAccepted) e).filter(e -> e.roundId() > 1)
        .filter(e -> r.attackers().contains(e.participantId())).count();
    assertThat(attackerAcceptedLater).isZero();
    Run clean = run(iid.adversaries("none").build());
    assertThat(r.accuracy()).isGreaterThan(clean.accuracy() - 0.05);
  }

  @Test
  void withoutScreeningFedAvgIsHurtButMedianHoldsAndRunsAreReproducible() throws Exception {
    // IID data and the whole population every round: exactly 30% attackers in each round
    SimulationConfig.Builder iid = base().dataset("synthetic-iid").participants(10).perRound(10).validation("none");
    Run clean = run(iid.build());
    Run attacked = run(iid.adversaries("sign-flip:0.3").build());
    Run median = run(iid.adversaries("sign-flip:0.3").strategy("median").build());
    Run again = run(iid.adversaries("sign-flip:0.3").strategy("median").build());
    assertThat(attacked.accuracy()).isLessThan(clean.accuracy() - 0.2);
    assertThat(median.accuracy()).isGreaterThan(attacked.accuracy() + 0.1);
    assertThat(again.sha()).isEqualTo(median.sha());
  }

  @Test
  void freeRidersReturnTheBaseModelAndAreCaught() throws Exception {
    Run r = run(base().adversaries("free-rider:0.2").build());
    assertThat(r.events()).filteredOn(FederationEvent.UpdateRejected.class::isInstance)
        .extracting(e -> ((FederationEvent.UpdateRejected) e).detail())
        .isNotEmpty().allSatisfy(d -> assertThat(d).contains("free rider"));
    assertThat(AdversaryKind.FREE_RIDER.takesParameter()).isFalse();
  }
}
