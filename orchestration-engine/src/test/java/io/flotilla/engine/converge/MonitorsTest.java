package io.flotilla.engine.converge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flotilla.engine.api.LearningControl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Divergence and drift monitors, Jensen–Shannon, exact federated feature statistics. */
class MonitorsTest {

  @Test
  void divergenceFiresAfterKRisesAndNotOnAHealthyNoisyCurve() {
    DivergenceMonitor m = new DivergenceMonitor(LearningControl.Divergence.parse("k=3,rise=0.05"));
    double[] loss = {1.0, 0.9, 0.8, 0.85, 0.95, 1.1};
    int fired = -1;
    for (int i = 0; i < loss.length && fired < 0; i++) {
      if (m.observe(Map.of("test_loss", loss[i]), List.of()).isPresent()) {
        fired = i + 1;
      }
    }
    assertThat(fired).isEqualTo(6); // rises at rounds 4, 5, 6: 0.8 -> 1.1
    DivergenceMonitor healthy = new DivergenceMonitor(LearningControl.Divergence.defaults());
    Random rnd = new Random(3);
    for (int i = 0; i < 100; i++) {
      double l = Math.max(0.3, 1.0 - 0.02 * i) + 0.01 * rnd.nextGaussian();
      List<Double> locals = List.of(l + 0.1 * rnd.nextGaussian(), l + 0.1 * rnd.nextGaussian(), l);
      assertThat(healthy.observe(Map.of("test_loss", l), locals)).as("round " + (i + 1)).isEmpty();
    }
  }

  @Test
  void explodingSpreadOfLocalLossesOrANonFiniteLossFires() {
    DivergenceMonitor m = new DivergenceMonitor(LearningControl.Divergence.parse("variance=50"));
    assertThat(m.observe(Map.of("test_loss", 1.0), List.of(1.0, 1.1, 0.9))).isEmpty();
    assertThat(m.observe(Map.of("test_loss", 0.9), List.of(1.0, 1.05, 0.95))).isEmpty();
    assertThat(m.observe(Map.of("test_loss", 0.9), List.of(1.0, 1.08, 0.97))).isEmpty();
    var alarm = m.observe(Map.of("test_loss", 0.9), List.of(1.0, 9.0, 0.5));
    assertThat(alarm).hasValueSatisfying(a -> assertThat(a.kind()).isEqualTo("loss-variance"));
    assertThat(m.observe(Map.of("test_loss", Double.NaN), List.of())).hasValueSatisfying(
        a -> assertThat(a.kind()).isEqualTo("non-finite"));
  }

  @Test
  void reactionsParseAndBadOnesAreNamed() {
    assertThat(LearningControl.Divergence.parse("react=server-lr:0.5+mu:0.01").reactions())
        .containsEntry("server-lr", 0.5).containsEntry("mu", 0.01);
    assertThatThrownBy(() -> LearningControl.Divergence.parse("react=server-lr:2"))
        .hasMessageContaining("factor must be in (0, 1)");
    assertThatThrownBy(() -> LearningControl.Divergence.parse("react=boost:2")).hasMessageContaining("boost:2");
    assertThatThrownBy(() -> LearningControl.Divergence.parse("k=x")).hasMessageContaining("'k' must be a number");
  }

  @Test
  void jensenShannonIsZeroForEqualDistributionsAndOneForDisjointOnes() {
    assertThat(JensenShannon.divergence(new long[] {5, 5}, new long[] {10, 10})).isCloseTo(0, within(1e-12));
    assertThat(JensenShannon.divergence(new long[] {5, 0}, new long[] {0, 7})).isCloseTo(1, within(1e-12));
    assertThat(JensenShannon.divergence(new long[] {3, 1}, new long[] {1, 3}))
        .isCloseTo(JensenShannon.divergence(new long[] {1, 3}, new long[] {3, 1}), within(1e-15));
  }

  @Test
  void driftOfOneParticipantAlarmsForItOnlyAndOnce() {
    DriftMonitor m = new DriftMonitor(LearningControl.Drift.defaults());
    long[] fed = {100, 100, 100, 100};
    long[] usual = {40, 30, 20, 10};
    long[] shifted = {0, 0, 10, 90};
    List<String> alarmed = new ArrayList<>();
    double[] jsChange = {Double.NaN};
    for (int round = 1; round <= 10; round++) {
      List<DriftMonitor.Observation> obs = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        boolean drifted = p == 2 && round >= 6;
        obs.add(new DriftMonitor.Observation("p" + p, drifted ? shifted : usual, 1.0 / round, 1.0, 0.5));
      }
      DriftMonitor.Result r = m.observe(fed, obs);
      assertThat(r.indicators()).hasSize(4);
      for (DriftMonitor.Alarm a : r.alarms()) {
        alarmed.add(round + ":" + a.participantId() + ":" + a.indicator());
        jsChange[0] = a.value();
      }
    }
    assertThat(alarmed).containsExactly("6:p2:label-js");
    // the alarm's value is what crossed the threshold: the change since its first report, not the level
    assertThat(jsChange[0]).isCloseTo(JensenShannon.divergence(shifted, fed) - JensenShannon.divergence(usual, fed),
        within(1e-12));
  }

  @Test
  void aLocalLossJumpAlarmsAndAFederationWideShiftRaisesTheFederationAlarm() {
    DriftMonitor m = new DriftMonitor(LearningControl.Drift.parse("loss=0.5,fraction=0.5"));
    long[] h = {1, 1};
    List<String> alarms = new ArrayList<>();
    for (int round = 1; round <= 6; round++) {
      List<DriftMonitor.Observation> obs = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        double loss = round >= 4 && p < 2 ? 3.0 : 1.0 / round;
        obs.add(new DriftMonitor.Observation("p" + p, h, loss, 1.0, 0.1));
      }
      for (DriftMonitor.Alarm a : m.observe(h, obs).alarms()) {
        alarms.add(round + ":" + a.participantId() + ":" + a.indicator());
      }
    }
    assertThat(alarms).containsExactly("4:p0:loss-trend", "4:p1:loss-trend", "4:null:fraction-alarmed");
  }

  @Test
  void afterACalibrationTheNewLossLevelIsNotDriftOrDivergence() {
    DriftMonitor drift = new DriftMonitor(LearningControl.Drift.parse("loss=0.5,fraction=0.5"));
    DivergenceMonitor divergence = new DivergenceMonitor(LearningControl.Divergence.parse("k=2,rise=0.05"));
    long[] h = {1, 1};
    List<String> alarms = new ArrayList<>();
    for (int round = 1; round <= 8; round++) {
      if (round == 4) { // a calibration published a new normalization before this round
        drift.rebase();
        divergence.rebase();
      }
      // every participant's loss jumps at the calibration, then falls again
      double loss = round < 4 ? 1.0 / round : 3.0 / (round - 3);
      List<DriftMonitor.Observation> obs = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        obs.add(new DriftMonitor.Observation("p" + p, h, loss, 1.0, 0.1));
      }
      for (DriftMonitor.Alarm a : drift.observe(h, obs).alarms()) {
        alarms.add(round + ":" + a.participantId() + ":" + a.indicator());
      }
      divergence.observe(Map.of("test_loss", loss), List.of(loss, loss, loss))
          .ifPresent(a -> alarms.add("divergence:" + a.kind()));
    }
    assertThat(alarms).isEmpty();
    // without the rebase the same curve alarms: the test can fail
    DriftMonitor unaware = new DriftMonitor(LearningControl.Drift.parse("loss=0.5,fraction=0.5"));
    boolean fired = false;
    for (int round = 1; round <= 8; round++) {
      double loss = round < 4 ? 1.0 / round : 3.0 / (round - 3);
      fired |= !unaware.observe(h, List.of(new DriftMonitor.Observation("p0", h, loss, 1.0, 0.1))).alarms().isEmpty();
    }
    assertThat(fired).isTrue();
  }

  @Test
  void federatedFeatureStatisticsMatchThePooledData() {
    Random rnd = new Random(11);
    int features = 5;
    FeatureStatistics fed = new FeatureStatistics();
    List<float[]> all = new ArrayList<>();
    for (int p = 0; p < 7; p++) {
      int rows = 20 + 37 * p;
      float[] x = new float[rows * features];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (100 + p * 3 + (i % features) + rnd.nextGaussian() * (1 + p));
      }
      all.add(x);
      double[][] local = FeatureStatistics.local(x, rows, features);
      fed.add(rows, local[0], local[1]);
    }
    // pooled, two passes in double
    double[] sum = new double[features];
    long n = 0;
    for (float[] x : all) {
      for (int i = 0; i < x.length; i++) {
        sum[i % features] += x[i];
      }
      n += x.length / features;
    }
    double[] mean = new double[features];
    for (int j = 0; j < features; j++) {
      mean[j] = sum[j] / n;
    }
    double[] ss = new double[features];
    for (float[] x : all) {
      for (int i = 0; i < x.length; i++) {
        double d = x[i] - mean[i % features];
        ss[i % features] += d * d;
      }
    }
    assertThat(fed.count()).isEqualTo(n);
    for (int j = 0; j < features; j++) {
      assertThat(fed.mean()[j]).isCloseTo(mean[j], within(1e-6));
      assertThat(fed.variance()[j]).isCloseTo(ss[j] / n, within(1e-6));
    }
  }

  @Test
  void pairedTestsSeeAClearDifferenceAndNoneBetweenEqualSamples() {
    double[] a = {0.8, 0.82, 0.79, 0.85, 0.81, 0.83, 0.8, 0.84};
    double[] b = {0.7, 0.71, 0.72, 0.74, 0.69, 0.73, 0.7, 0.75};
    assertThat(Significance.wilcoxon(a, b).pValue()).isLessThan(0.01);
    assertThat(Significance.pairedT(a, b).meanDifference()).isCloseTo(0.1, within(1e-9));
    assertThat(Significance.wilcoxon(a, a).pValue()).isEqualTo(1.0);
    assertThatThrownBy(() -> Significance.wilcoxon(a, new double[] {1})).hasMessageContaining("equally long");
  }
}
