package io.flotilla.console.app.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flotilla.console.app.TestEvents;
import io.flotilla.engine.api.FederationState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearningViewModelTest {
  private final TestEvents ev = new TestEvents();
  private final LearningViewModel vm = new LearningViewModel(Runnable::run);

  @Test
  void percentilesInterpolateBetweenOrderStatistics() {
    LearningViewModel.Spread s = LearningViewModel.spread(new double[] {5, 1, 4, 2, 3});
    assertThat(s.median()).isEqualTo(3);
    assertThat(s.p10()).isCloseTo(1.4, within(1e-12));
    assertThat(s.p90()).isCloseTo(4.6, within(1e-12));
    assertThat(LearningViewModel.spread(new double[] {7}).p90()).isEqualTo(7);
  }

  @Test
  void eachCommittedRoundAddsGlobalPointsAndTheLocalLossBand() {
    vm.apply(ev.open(1, 0, 60_000, "p1", "p2", "p3"));
    vm.apply(List.of(ev.accepted(1, "p1", 10, 0.2), ev.accepted(1, "p2", 20, 0.4), ev.accepted(1, "p3", 30, 0.9)));
    vm.apply(ev.close(1, 40, 3, 3, 0.75));
    assertThat(vm.testAccuracy().getDataCount()).isEqualTo(1);
    assertThat(vm.testAccuracy().get(1, 0)).isEqualTo(0.75);
    assertThat(vm.localSpread().get(1, 0)).isEqualTo(0.4);
    assertThat(vm.localSpread().getErrorNegative(1, 0)).isCloseTo(0.4 - 0.24, within(1e-12));
    assertThat(vm.localSpread().getErrorPositive(1, 0)).isCloseTo(0.8 - 0.4, within(1e-12));
    assertThat(vm.latestProperty().get()).contains("round 1").contains("75.0 %").contains("0.2400–0.8000");

    // an aborted round leaves no point
    vm.apply(ev.open(2, 100, 60_000, "p1"));
    vm.apply(List.of(ev.accepted(2, "p1", 110, 0.1), ev.aborted(2, "quorum", 120)));
    assertThat(vm.localSpread().getDataCount()).isEqualTo(1);
    assertThat(vm.committedProperty().get()).isEqualTo(1);
  }

  @Test
  void operatorActionsRollbacksAndSuspensionsBecomeMarkers() {
    vm.apply(ev.open(3, 0, 60_000, "p1"));
    vm.apply(List.of(ev.state(FederationState.RUNNING, FederationState.PAUSED, "paused", 1),
        ev.state(FederationState.PAUSED, FederationState.RUNNING, "resumed", 2),
        ev.rolledBack(3, 1, 4, 3), ev.suspended("p9", 3, 0.1, 4)));
    assertThat(vm.markers()).containsExactly(
        new LearningViewModel.Marker(3, "paused, resumed", LearningViewModel.Kind.OPERATOR),
        new LearningViewModel.Marker(3, "rollback to v1", LearningViewModel.Kind.ROLLBACK),
        new LearningViewModel.Marker(3, "suspended p9", LearningViewModel.Kind.SUSPENSION));
  }

  @Test
  void historyIsBoundedToTheRingCapacity() {
    List<io.flotilla.engine.api.FederationEvent> batch = new ArrayList<>();
    for (long r = 1; r <= LearningViewModel.CAPACITY + 100; r++) {
      batch.add(ev.committed(r, 1, 1, 10, 0.5, 1.0, r));
    }
    vm.apply(batch);
    assertThat(vm.testAccuracy().getDataCount()).isEqualTo(LearningViewModel.CAPACITY);
    assertThat(vm.testAccuracy().get(0, 0)).isEqualTo(101);
  }
}
