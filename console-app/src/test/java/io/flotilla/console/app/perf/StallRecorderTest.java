package io.flotilla.console.app.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StallRecorderTest {
  @Test
  void percentilesMaximumAndCountsOver() {
    StallRecorder r = new StallRecorder();
    for (int i = 0; i < 990; i++) {
      r.record(16_700_000); // 16.7 ms
    }
    for (int i = 0; i < 10; i++) {
      r.record(40_000_000);
    }
    r.record(120_000_000);
    assertThat(r.count()).isEqualTo(1_001);
    assertThat(r.maxMillis()).isEqualTo(120.0);
    assertThat(r.percentileMillis(0.5)).isCloseTo(16.8, within(0.01));
    assertThat(r.percentileMillis(0.995)).isCloseTo(40.1, within(0.01));
    assertThat(r.countOver(50)).isEqualTo(1);
    assertThat(r.countOver(20)).isEqualTo(11);
    assertThat(r.toString()).contains("max=120.0 ms");
    r.reset();
    assertThat(r.count()).isZero();
    assertThat(r.percentileMillis(0.99)).isZero();
  }
}
