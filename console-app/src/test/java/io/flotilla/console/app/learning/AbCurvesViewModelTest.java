package io.flotilla.console.app.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.fair_acc.dataset.DataSet;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.converge.Significance;
import io.flotilla.sim.inprocess.AbListener;
import io.flotilla.sim.inprocess.AbRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The A/B overlay's model without the toolkit: per-arm curves, the result filling gaps, runs replacing runs. */
class AbCurvesViewModelTest {
  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
  private final List<Runnable> ui = new ArrayList<>();
  private final AbCurvesViewModel vm = new AbCurvesViewModel(ui::add, Runnable::run, Duration.ZERO);

  private void drain() {
    while (!ui.isEmpty()) {
      ui.remove(0).run();
    }
  }

  private static AbRun.Plan plan(String b) {
    return new AbRun.Plan("fedavg", b, List.of("p0", "p2", "p4"), List.of("p1", "p3"), 30, AbRun.Split.ALTERNATE, 7);
  }

  private static FederationEvent.RoundCommitted commit(long seq, long round, double loss, double acc) {
    return new FederationEvent.RoundCommitted(seq, T0, round, round, "h", 2, 2,
        Map.of("test_loss", loss, "test_accuracy", acc), 10);
  }

  private static Map<String, Object> row(long round, double acc, double loss) {
    return Map.of("round", round, "test_accuracy", acc, "test_loss", loss);
  }

  private static AbRun.Result result(double p, double diff, String stateB) {
    AbRun.Arm a = new AbRun.Arm("fedavg", List.of("p0", "p2", "p4"), List.of(row(1, 0.5, 1.0), row(2, 0.6, 0.9),
        row(3, 0.7, 0.8)), "ha", "finished", new double[] {0.7, 0.7, 0.7, 0.7, 0.7});
    AbRun.Arm b = new AbRun.Arm("median", List.of("p1", "p3"), List.of(row(1, 0.4, 1.1), row(2, 0.45, 1.0)), "hb",
        stateB, new double[] {0.6, 0.6, 0.6, 0.6, 0.6});
    return new AbRun.Result(a, b, List.of("p0", "p1", "p2", "p3", "p4"), new Significance.Result("wilcoxon", p, diff, 5),
        new Significance.Result("paired-t", p, diff, 5));
  }

  private static double y(DataSet d, int i) {
    return d.get(DataSet.DIM_Y, i);
  }

  @Test
  void eachArmGetsItsOwnLabelledCurvesInBatches() {
    AbListener run = vm.follow();
    run.started(plan("median"));
    assertThat(vm.activeProperty().get()).as("nothing shown before the UI thread runs").isFalse();
    drain();
    assertThat(vm.activeProperty().get()).isTrue();
    assertThat(vm.label(AbRun.Side.A)).isEqualTo("A: fedavg (n=3)");
    assertThat(vm.label(AbRun.Side.B)).isEqualTo("B: median (n=2)");
    assertThat(vm.accuracy(AbRun.Side.B).getName()).isEqualTo("B: median (n=2)");

    run.event(AbRun.Side.A, commit(5, 1, 1.0, 0.5));
    run.event(AbRun.Side.A, new FederationEvent.UpdateAccepted(6, T0, 2, "p0", 10, false, 5, Map.of()));
    run.event(AbRun.Side.A, commit(7, 2, 0.9, 0.6));
    run.event(AbRun.Side.B, commit(5, 1, 1.1, 0.4));
    assertThat(ui).as("one drain per arm, however many events").hasSize(2);
    drain();
    assertThat(vm.accuracy(AbRun.Side.A).getDataCount()).isEqualTo(2);
    assertThat(y(vm.accuracy(AbRun.Side.A), 1)).isEqualTo(0.6);
    assertThat(y(vm.loss(AbRun.Side.B), 0)).isEqualTo(1.1);
    assertThat(vm.statusProperty().get()).startsWith("running · A round 2, B round 1 of 30 · split alternate, seed 7");
    assertThat(vm.verdictProperty().get()).isEmpty();

    run.event(AbRun.Side.A, new FederationEvent.StateChanged(8, T0, FederationState.RUNNING, FederationState.PAUSED, "p"));
    run.event(AbRun.Side.B, new FederationEvent.StateChanged(6, T0, FederationState.RUNNING, FederationState.PAUSED, "p"));
    drain();
    assertThat(vm.statusProperty().get()).startsWith("paused");
  }

  @Test
  void theResultFillsInRoundsNotDrainedYetAndGivesTheVerdict() {
    AbListener run = vm.follow();
    run.started(plan("median"));
    drain();
    run.event(AbRun.Side.A, commit(5, 1, 1.0, 0.5));
    drain();
    run.event(AbRun.Side.A, commit(6, 2, 0.9, 0.6)); // still queued when the result arrives
    run.finished(result(0.03, 0.1, "stopped"));
    drain();
    assertThat(vm.accuracy(AbRun.Side.A).getDataCount()).isEqualTo(3);
    assertThat(y(vm.accuracy(AbRun.Side.A), 2)).isEqualTo(0.7);
    assertThat(vm.accuracy(AbRun.Side.B).getDataCount()).isEqualTo(2);
    assertThat(vm.verdictProperty().get()).isEqualTo("A is better (fedavg, p < 0.05)");
    assertThat(vm.detailsProperty().get()).contains("Wilcoxon signed-rank p = 0.0300", "A − B = +0.1000",
        "(5 participants");
    assertThat(vm.statusProperty().get()).startsWith("stopped · A round 3, B round 2");
  }

  @Test
  void noSignificantDifferenceIsSaidSo() {
    AbListener run = vm.follow();
    run.started(plan("median"));
    run.finished(result(0.4, -0.02, "finished"));
    drain();
    assertThat(vm.verdictProperty().get()).isEqualTo("No significant difference at 0.05");
    assertThat(vm.statusProperty().get()).startsWith("finished");
  }

  @Test
  void aNewRunReplacesTheOldOneAndTheOldOnesLateEventsAreIgnored() {
    AbListener first = vm.follow();
    first.started(plan("median"));
    drain();
    first.event(AbRun.Side.A, commit(5, 1, 1.0, 0.5));
    drain();
    DataSet old = vm.accuracy(AbRun.Side.A);
    AbListener second = vm.follow();
    second.started(plan("krum"));
    drain();
    assertThat(vm.runsProperty().get()).isEqualTo(2);
    assertThat(vm.accuracy(AbRun.Side.A)).isNotSameAs(old);
    assertThat(vm.label(AbRun.Side.B)).isEqualTo("B: krum (n=2)");
    first.event(AbRun.Side.A, commit(6, 2, 0.9, 0.6));
    first.finished(result(0.01, 0.1, "finished"));
    drain();
    assertThat(vm.accuracy(AbRun.Side.A).getDataCount()).isZero();
    assertThat(vm.verdictProperty().get()).isEmpty();
    second.failed(new IllegalStateException("A/B arm krum failed"));
    drain();
    assertThat(vm.statusProperty().get()).isEqualTo("failed");
    assertThat(vm.detailsProperty().get()).isEqualTo("The A/B run failed: A/B arm krum failed");
  }
}
