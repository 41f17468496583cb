package io.flotilla.console.app.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.engine.api.Extensions;
import io.flotilla.sim.inprocess.AbListener;
import io.flotilla.sim.inprocess.AbRun;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The A/B section's model without the toolkit: the plan, and bad input refused before anything runs. */
class AbExperimentViewModelTest {
  private final List<String> gateCalls = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final List<AbListener> observers = new ArrayList<>();
  private final AbExperimentViewModel vm = new AbExperimentViewModel(Runnable::run, Runnable::run, Extensions.load(),
      () -> {
        AbListener l = AbListener.NONE;
        observers.add(l);
        return l;
      });
  private final AbGate gate = new AbGate() {
    @Override
    public void authorizeStart(String subject) {
      gateCalls.add("authorize " + subject);
    }

    @Override
    public boolean record(String action, String subject, Map<String, Object> detail) {
      gateCalls.add(action);
      return true;
    }
  };

  private void attach() {
    vm.onFailure((title, text) -> failures.add(title + ": " + text));
    vm.attach(SimulationConfig.builder().dataset("synthetic:0,0").participants(7).perRound(3).rounds(40).seed(5)
        .build(), () -> "fedavg", null, gate);
  }

  @Test
  void thePlanListsBothArmsWithTheirCohortSizes() {
    attach();
    assertThat(vm.rounds()).isEqualTo("40");
    vm.chooseStrategy("trimmed-mean");
    vm.setParameter("beta", "0.2");
    vm.setSplit(AbRun.Split.ALTERNATE);
    AbExperimentViewModel.Plan p = vm.plan();
    assertThat(p.lines()).containsExactly("A: fedavg — 4 participants", "B: trimmed-mean:beta=0.2 — 3 participants",
        "split alternate (seed 5), 40 rounds each, beside the console's federation (which keeps running)");
    assertThat(p.subject()).isEqualTo("A/B experiment fedavg vs trimmed-mean:beta=0.2");
  }

  @Test
  void badInputIsRefusedNamingItAndNothingStartsOrIsRecorded() {
    attach();
    vm.setRounds("many");
    assertThat(vm.start()).isCompletedExceptionally();
    assertThat(vm.messageProperty().get()).isEqualTo("Not started: Rounds: 'many' is not a whole number");
    vm.setRounds("0");
    vm.start();
    assertThat(vm.messageProperty().get()).isEqualTo("Not started: Rounds: must be at least 1, got 0");
    vm.setRounds("5");
    vm.setParameter("beta", "lots");
    vm.start();
    assertThat(vm.messageProperty().get()).startsWith("Not started: ").contains("beta");
    assertThat(gateCalls).isEmpty();
    assertThat(observers).isEmpty();
    assertThat(vm.runningProperty().get()).isFalse();
  }

  @Test
  void aRefusedRoleStartsNothingAndIsReported() {
    vm.onFailure((title, text) -> failures.add(title + ": " + text));
    vm.attach(SimulationConfig.builder().dataset("synthetic:0,0").participants(4).perRound(2).rounds(3).build(),
        () -> "fedavg", null, new AbGate() {
          @Override
          public void authorizeStart(String subject) {
            throw new IllegalStateException("'olga' (role observer) may not tune (" + subject + ")");
          }

          @Override
          public boolean record(String action, String subject, Map<String, Object> detail) {
            gateCalls.add(action);
            return true;
          }
        });
    assertThat(vm.start()).isCompletedExceptionally();
    assertThat(vm.messageProperty().get()).isEqualTo("Not started: 'olga' (role observer) may not tune "
        + "(A/B experiment fedavg vs trimmed-mean)");
    assertThat(failures).containsExactly("A/B experiment refused: 'olga' (role observer) may not tune "
        + "(A/B experiment fedavg vs trimmed-mean)");
    assertThat(gateCalls).isEmpty();
    assertThat(observers).isEmpty();
  }

  @Test
  void anUnavailableFederationIsRefusedWithTheReason() {
    vm.attach(SimulationConfig.builder().dataset("synthetic:0,0").participants(4).perRound(2).rounds(3).build(),
        () -> "fedavg", "served to participant processes", gate);
    assertThat(vm.availableProperty().get()).isFalse();
    vm.start();
    assertThat(vm.messageProperty().get())
        .isEqualTo("Not started: A/B experiments are unavailable: served to participant processes");
    assertThat(gateCalls).isEmpty();
  }
}
