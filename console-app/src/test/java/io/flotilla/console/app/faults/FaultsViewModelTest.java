package io.flotilla.console.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.console.app.faults.FaultsViewModel.Kind;
import io.flotilla.sim.adversary.AdversaryKind;
import io.flotilla.sim.data.DriftPlan;
import io.flotilla.sim.inprocess.Fault;
import io.flotilla.sim.inprocess.InProcessSimulation;
import io.flotilla.sim.inprocess.SimulationConfig;
import io.flotilla.sim.inprocess.SimulationFaults;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultsViewModelTest {
  @Test
  void choicesBecomeFaultsAndBadOnesAreNamed() {
    assertThat(FaultsViewModel.fault(Kind.DROP, "p1", 0, null, null)).isEqualTo(new Fault.Drop("p1"));
    assertThat(FaultsViewModel.fault(Kind.CUT, "p1", 2.5, null, null))
        .isEqualTo(new Fault.NetworkCut("p1", Duration.ofMillis(2500)));
    assertThat(FaultsViewModel.fault(Kind.ADVERSARIAL, "p1", 0, AdversaryKind.SIGN_FLIP, null).describe())
        .contains("sign-flip(4.0)");
    assertThat(FaultsViewModel.fault(Kind.DRIFT, "p1", 0, null, DriftPlan.Kind.FEATURE_SHIFT).describe())
        .contains("feature-shift");
    assertThatThrownBy(() -> FaultsViewModel.fault(Kind.DROP, null, 0, null, null)).hasMessageContaining("participant");
    assertThatThrownBy(() -> FaultsViewModel.fault(Kind.SLOW, "p1", 1, null, null)).hasMessageContaining("factor");
    assertThatThrownBy(() -> FaultsViewModel.fault(Kind.CUT, "p1", 0, null, null)).hasMessageContaining("0 s");
    assertThatThrownBy(() -> FaultsViewModel.fault(Kind.ADVERSARIAL, "p1", 0, null, null))
        .hasMessageContaining("attack");
  }

  @Test
  void injectingHitsTheSimulationAndIsLoggedWhileRefusalsChangeNothing() {
    SimulationConfig cfg = SimulationConfig.builder().dataset("synthetic:0,0").participants(4).perRound(4)
        .rounds(2).seed(3).build();
    try (InProcessSimulation sim = InProcessSimulation.create(cfg)) {
      FaultsViewModel vm = new FaultsViewModel(Runnable::run, Runnable::run, Clock.systemUTC());
      List<SimulationFaults.Injected> told = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      vm.onInjected(told::add);
      vm.onFailure((t, m) -> failures.add(m));
      assertThat(vm.unavailableProperty().get()).isTrue();
      vm.inject(Kind.DROP, "p1", 0, null, null);
      assertThat(failures).containsExactly("no simulation to inject into");

      vm.attach(sim.faults());
      assertThat(vm.participants()).containsExactly("p0", "p1", "p2", "p3");
      vm.inject(Kind.SLOW, "p2", 8, null, null);
      assertThat(told).singleElement().satisfies(i -> assertThat(i.fault()).isEqualTo(new Fault.Slow("p2", 8)));
      assertThat(sim.faults().injected()).hasSize(1);
      assertThat(vm.entries().get(0).text()).isEqualTo("slow p2 ×8 from round 1");

      vm.inject(Kind.DROP, "p9", 0, null, null);
      assertThat(failures).hasSize(2).last().asString().contains("p9");
      assertThat(sim.faults().injected()).hasSize(1);
      assertThat(vm.entries().get(0).ok()).isFalse();
      assertThat(vm.busyProperty().get()).isFalse();

      vm.clear("p2");
      assertThat(vm.entries().get(0).text()).contains("cleared the faults of p2");
    }
  }
}
