package io.flotilla.console.app.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.engine.api.Calibration;
import io.flotilla.engine.api.FederationEvent.CalibrationCompleted;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import io.flotilla.engine.api.Federation;
import org.junit.jupiter.api.Test;

class CalibrationViewModelTest {
  private static final Instant T = Instant.parse("2025-01-01T10:00:00Z");
  private final Clock clock = Clock.fixed(T, ZoneOffset.UTC);

  /** A federation whose calibrate() answers with {@code answer}, recording actor and reason. */
  private static Federation calibrating(CompletableFuture<Calibration> answer, List<String> calls) {
    return (Federation) Proxy.newProxyInstance(Federation.class.getClassLoader(), new Class<?>[] {Federation.class},
        (proxy, m, args) -> {
          if (m.getName().equals("calibrate")) {
            calls.add(args[0] + "|" + args[1]);
            return answer;
          }
          throw new UnsupportedOperationException(m.getName());
        });
  }

  private static Calibration calibration(long id) {
    return new Calibration(id, 7, List.of("p0", "p1"), List.of(),
        Map.of("p1", Map.of("loss", 0.5, "accuracy", 0.8, "samples", 30.0),
            "p0", Map.of("loss", 0.7, "accuracy", 0.6, "samples", 10.0)),
        new double[] {0.1, -2}, new double[] {1, 4}, Map.of("p0", 0.9, "p1", 1.03));
  }

  @Test
  void runningACalibrationShowsItsResultsOnceAndKeepsHistory() {
    CompletableFuture<Calibration> answer = new CompletableFuture<>();
    List<String> calls = new ArrayList<>();
    CalibrationViewModel vm = new CalibrationViewModel(Runnable::run, clock);
    vm.actor("console:ann");
    assertThat(vm.unavailableProperty().get()).isTrue();
    vm.attach(calibrating(answer, calls));
    vm.run("check normalization");
    assertThat(vm.runningProperty().get()).isTrue();
    vm.run("again"); // ignored while one runs
    assertThat(calls).containsExactly("console:ann|check normalization");

    Calibration c = calibration(1);
    // the event usually arrives before the answer: both describe the same calibration
    vm.apply(List.of(new CalibrationCompleted(9, T, 1, 7, c.answered(), c.unsupported(), c.evaluation(),
        c.featureMean(), c.featureVariance(), c.reweighting(), "console:ann")));
    answer.complete(c);
    assertThat(vm.runningProperty().get()).isFalse();
    assertThat(vm.history()).hasSize(1);
    assertThat(vm.rows()).extracting(CalibrationViewModel.ParticipantResult::participantId)
        .containsExactly("p0", "p1");
    assertThat(vm.rows().get(1).weight()).isEqualTo(1.03);
    assertThat(vm.rows().get(0).samples()).isEqualTo(10);
    assertThat(vm.features()).extracting(CalibrationViewModel.FeatureStat::variance).containsExactly(1.0, 4.0);
    assertThat(vm.history().get(0).meanAccuracy()).isEqualTo((0.6 * 10 + 0.8 * 30) / 40);
    assertThat(vm.statusProperty().get()).contains("#1").contains("75.0 %");
  }

  @Test
  void aRefusedCalibrationIsReportedAndChangesNothing() {
    List<String> calls = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    CalibrationViewModel vm = new CalibrationViewModel(Runnable::run, clock);
    vm.onFailure((t, m) -> failures.add(t + ": " + m));
    vm.attach(calibrating(CompletableFuture.failedFuture(new IllegalStateException("federation 'x' has ended")),
        calls));
    vm.run(null);
    assertThat(calls).singleElement().asString().endsWith("calibration requested from the console");
    assertThat(vm.runningProperty().get()).isFalse();
    assertThat(vm.history()).isEmpty();
    assertThat(vm.rows()).isEmpty();
    assertThat(failures).containsExactly("Calibration failed: federation 'x' has ended");
    assertThat(vm.statusProperty().get()).contains("has ended");
  }
}
