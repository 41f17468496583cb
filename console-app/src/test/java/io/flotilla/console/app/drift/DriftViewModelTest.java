package io.flotilla.console.app.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.DriftIndicators;
import io.flotilla.engine.api.FederationEvent.ParticipantDrift;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftViewModelTest {
  private static final Instant T = Instant.parse("2025-01-01T10:00:00Z");
  private long seq;

  private DriftIndicators round(long r, ParticipantDrift... ps) {
    return new DriftIndicators(++seq, T, r, List.of(ps), 0.01);
  }

  private static ParticipantDrift d(String id, double js, boolean alarm) {
    return new ParticipantDrift(id, js, 0.0, 0.0, 1.0, alarm);
  }

  @Test
  void indicatorsFillTheGridSortedByParticipantWithGapsWhereNobodyReported() {
    DriftViewModel vm = new DriftViewModel(10);
    long[] ticks = {0};
    vm.changesProperty().addListener((o, a, b) -> ticks[0]++);
    vm.apply(List.of(round(1, d("p2", 0.1, true), d("p0", 0.0, false)), round(2, d("p1", 0.05, false))));
    assertThat(ticks[0]).as("one redraw per batch").isEqualTo(1);
    assertThat(vm.rounds()).isEqualTo(2);
    assertThat(vm.participants()).isEqualTo(3);
    assertThat(vm.participantAtRow(0)).isEqualTo("p0");
    assertThat(vm.participantAtRow(2)).isEqualTo("p2");
    float[] heat = new float[6];
    boolean[] alarm = new boolean[6];
    vm.fill(0, 2, heat, alarm);
    // rows p0, p1, p2; columns round 1, round 2
    assertThat(heat[0]).isEqualTo(0f);
    assertThat(heat[1]).isNaN();
    assertThat(heat[2]).isNaN();
    // label JS is coloured by its change from the participant's first report: first reports are calm
    assertThat(heat[3]).isEqualTo(0f);
    assertThat(heat[4]).isEqualTo(0f);
    assertThat(alarm[4]).isTrue();
    assertThat(vm.cell(1, "p1").labelJs()).isCloseTo(0.05, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(vm.cell(0, "p1")).isNull();
    assertThat(vm.summaryProperty().get()).contains("round 2").contains("1 participant reported");

    vm.indicatorProperty().set(DriftIndicator.COSINE);
    assertThat(ticks[0]).isEqualTo(2);
    vm.fill(0, 2, heat, alarm);
    assertThat(heat[0]).isEqualTo(0f); // cosine 1: aligned, calm
  }

  @Test
  void labelJsHeatIsTheChangeFromEachParticipantsFirstReportNotItsLevel() {
    DriftViewModel vm = new DriftViewModel(10);
    // non-IID participants sit far from the federation from the start; p1's labels then shift
    vm.apply(List.of(round(1, d("p0", 0.40, false), d("p1", 0.30, false)),
        round(2, d("p0", 0.41, false), d("p1", 0.35, false)),
        round(3, d("p0", 0.40, false), d("p1", 0.52, true))));
    float[] heat = new float[6];
    boolean[] alarm = new boolean[6];
    vm.fill(0, 3, heat, alarm);
    // rows p0, p1; columns rounds 1-3
    assertThat(heat[0]).isEqualTo(0f);
    assertThat(heat[1]).isCloseTo(0.1f, org.assertj.core.api.Assertions.within(1e-5f));
    assertThat(heat[2]).isCloseTo(0f, org.assertj.core.api.Assertions.within(1e-5f));
    assertThat(heat[3]).isEqualTo(0f);
    assertThat(heat[4]).isCloseTo(0.5f, org.assertj.core.api.Assertions.within(1e-5f));
    assertThat(heat[5]).isEqualTo(1f);
    assertThat(vm.firstLabelJs("p1")).isEqualTo((double) 0.30f);
    assertThat(vm.firstLabelJs("nobody")).isNaN();
    assertThat(vm.cell(2, "p1").labelJs()).isCloseTo(0.52, org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void historyIsBoundedToTheLastRounds() {
    DriftViewModel vm = new DriftViewModel(1000);
    List<FederationEvent> batch = new ArrayList<>();
    for (int r = 1; r <= 2500; r++) {
      batch.add(round(r, d("p" + (r % 7), 0.01, false)));
    }
    vm.apply(batch);
    assertThat(vm.rounds()).isEqualTo(1000);
    assertThat(vm.roundAt(0)).isEqualTo(1501);
    assertThat(vm.roundAt(999)).isEqualTo(2500);
    assertThatThrownBy(() -> vm.roundAt(1000)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> new DriftViewModel(0)).hasMessageContaining("at least one round");
  }

  @Test
  void driftAndDivergenceAlarmsAreListedNewestFirstAndSelectable() {
    DriftViewModel vm = new DriftViewModel();
    vm.apply(List.of(
        new FederationEvent.DriftAlarm(++seq, T, 5, "p3", "label-js", 0.08, 0.05, "labels moved"),
        new FederationEvent.DivergenceAlarm(++seq, T, 6, "loss-rising", "test loss rose 3 rounds", Map.of(),
            "server-lr:0.5")));
    assertThat(vm.alarms()).hasSize(2);
    assertThat(vm.alarms().get(0).title()).isEqualTo("federation · loss-rising");
    assertThat(vm.alarms().get(0).detail()).contains("reaction: server-lr:0.5");
    assertThat(vm.alarms().get(1).title()).isEqualTo("p3 · label-js 0.080 ≥ 0.050");
    vm.select("p3");
    assertThat(vm.selectedProperty().get()).isEqualTo("p3");
  }

  @Test
  void heatScalesPutDefaultThresholdsNearTheMiddle() {
    assertThat(DriftIndicator.LABEL_JS.heat(0.05)).isEqualTo(0.5);
    assertThat(DriftIndicator.LOSS_TREND.heat(-0.6)).isEqualTo(1);
    assertThat(DriftIndicator.COSINE.heat(-1)).isEqualTo(1);
    assertThat(DriftIndicator.NORM_TREND.heat(Double.NaN)).isNaN();
  }
}
