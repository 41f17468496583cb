package io.flotilla.console.app.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.console.app.learning.LearningViewModel.Kind;
import io.flotilla.console.app.learning.LearningViewModel.Marker;
import io.flotilla.engine.api.FederationEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Markers for configuration changes, calibrations, stopping rules, alarms and injected faults. */
class LearningControlMarkersTest {
  private static final Instant T = Instant.parse("2025-01-01T10:00:00Z");

  @Test
  void learningControlEventsAndFaultsLeaveMarkers() {
    LearningViewModel vm = new LearningViewModel(Runnable::run);
    vm.apply(List.of(
        new FederationEvent.RoundStarted(1, T, 4, 3, List.of("p0"), T),
        new FederationEvent.ConfigChanged(2, T, 5, Map.of("learning_rate", "0.01"),
            Map.of("learning_rate", "0.005", "strategy", "median"), "console:ann", "too noisy"),
        new FederationEvent.CalibrationCompleted(3, T, 2, 4, List.of("p0"), List.of(), Map.of(), new double[0],
            new double[0], Map.of(), "console:ann"),
        new FederationEvent.DriftAlarm(4, T, 4, "p3", "label-js", 0.1, 0.05, "moved"),
        new FederationEvent.DivergenceAlarm(5, T, 4, "loss-rising", "rose", Map.of(), "none"),
        new FederationEvent.StoppingRuleFired(6, T, 4, "plateau", "no gain")));
    vm.note("drop p2 from round 5");
    assertThat(vm.markers()).containsExactly(
        new Marker(5, "config: learning_rate 0.01→0.005, strategy median", Kind.CONFIG),
        new Marker(4, "calibration #2", Kind.CALIBRATION),
        new Marker(4, "drift p3, divergence (loss-rising)", Kind.ALARM),
        new Marker(4, "stopped by plateau", Kind.STOPPING),
        new Marker(4, "drop p2 from round 5", Kind.FAULT));
    assertThat(Kind.CALIBRATION.styleClass()).isEqualTo("marker-calibration");
  }
}
