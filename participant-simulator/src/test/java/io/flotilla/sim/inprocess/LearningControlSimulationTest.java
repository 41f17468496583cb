package io.flotilla.sim.inprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flotilla.engine.api.Calibration;
import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.sim.data.Dataset;
import io.flotilla.sim.data.DriftPlan;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Learning control end to end on simulated participants (Synthetic data, few participants and rounds). */
class LearningControlSimulationTest {
  record Run(List<FederationEvent> events, String sha, FederationState state) {
    <T extends FederationEvent> List<T> of(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  static SimulationConfig.Builder ten() {
    return SimulationConfig.builder().dataset("synthetic:0,0").participants(10).perRound(10).rounds(10)
        .localEpochs(1).batchSize(10).learningRate(0.01f).seed(1);
  }

  static Run run(SimulationConfig cfg, LearningOptions lo) throws InterruptedException {
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    try (InProcessSimulation sim = InProcessSimulation.create(cfg, lo, Extensions.load(), Clock.systemUTC(), null)) {
      sim.federation().subscribe(events::add);
      sim.start();
      assertThat(sim.await(Duration.ofSeconds(60))).isTrue();
      return new Run(events, sim.federation().globalModel().sha256(), sim.federation().state());
    }
  }

  static LearningOptions opts(String divergence, String drift) {
    return new LearningOptions(List.of(), divergence, null, drift, 0);
  }

  @Test
  void theDivergenceAlarmFiresOnATooHighLearningRateAndNotOnAHealthyRun() throws Exception {
    Run wild = run(ten().learningRate(5f).build(), opts("on", "none"));
    assertThat(wild.of(FederationEvent.DivergenceAlarm.class)).isNotEmpty().first()
        .satisfies(a -> assertThat(a.kind()).isEqualTo("loss-rising"));
    Run healthy = run(ten().build(), opts("on", "none"));
    assertThat(healthy.state()).isEqualTo(FederationState.FINISHED);
    assertThat(healthy.of(FederationEvent.DivergenceAlarm.class)).isEmpty();
  }

  @Test
  void theReactionLowersTheLearningRateFromTheNextRoundAndTheLossRecovers() throws Exception {
    Run none = run(ten().learningRate(5f).rounds(20).build(), opts("react=none", "none"));
    Run rescued = run(ten().learningRate(5f).rounds(20).build(), opts("react=lr:0.1", "none"));
    long alarmRound = rescued.of(FederationEvent.DivergenceAlarm.class).get(0).roundId();
    assertThat(rescued.of(FederationEvent.ConfigChanged.class)).first()
        .satisfies(c -> assertThat(c.effectiveFromRound()).isEqualTo(alarmRound + 1));
    double lossNone = lastLoss(none);
    double lossRescued = lastLoss(rescued);
    assertThat(lossRescued).isLessThan(lossNone / 2);
  }

  static double lastLoss(Run r) {
    List<FederationEvent.RoundCommitted> c = r.of(FederationEvent.RoundCommitted.class);
    return c.get(c.size() - 1).metrics().get("test_loss");
  }

  @Test
  void labelShiftOfOneParticipantRaisesItsAlarmWithinAFewRoundsAndLeavesTheOthersQuiet() throws Exception {
    Run r = run(ten().build(), opts(null, "p3:5:label-shift"));
    List<FederationEvent.DriftAlarm> alarms = r.of(FederationEvent.DriftAlarm.class);
    assertThat(alarms).extracting(FederationEvent.DriftAlarm::participantId).containsOnly("p3");
    assertThat(alarms.get(0).roundId()).isBetween(5L, 7L);
    List<FederationEvent.DriftIndicators> ind = r.of(FederationEvent.DriftIndicators.class);
    assertThat(ind).hasSize(10);
    assertThat(ind.get(3).participants()).hasSize(10).noneMatch(FederationEvent.ParticipantDrift::alarm);
  }

  @Test
  void featureShiftOfOneParticipantRaisesItsAlarmAndLeavesTheOthersQuiet() throws Exception {
    Run r = run(ten().build(), opts(null, "p7:5:feature-shift"));
    List<FederationEvent.DriftAlarm> alarms = r.of(FederationEvent.DriftAlarm.class);
    assertThat(alarms).extracting(FederationEvent.DriftAlarm::participantId).containsOnly("p7");
    assertThat(alarms.get(0).roundId()).isBetween(5L, 7L);
    assertThat(alarms.get(0).indicator()).isIn("loss-trend", "norm-trend");
  }

  @Test
  void driftInjectionIsDeterministicAndValidated() {
    DriftPlan plan = DriftPlan.parse("2:4:feature-shift;p7:3:label-shift");
    assertThat(plan.assign(10, 5)).isEqualTo(plan.assign(10, 5)).containsKey(7).hasSize(3);
    assertThatThrownBy(() -> DriftPlan.parse("p3:0:label-shift")).hasMessageContaining("ROUND");
    assertThatThrownBy(() -> DriftPlan.parse("p3:4:rotate")).hasMessageContaining("rotate");
    assertThatThrownBy(() -> DriftPlan.parse("p30:4:label-shift").assign(10, 1)).hasMessageContaining("p0 .. p9");
    Dataset own = new Dataset(new float[] {0, 1, 2, 3, 4, 5}, new int[] {0, 0, 1}, 2, 3);
    Dataset pooled = new Dataset(new float[] {9, 9, 8, 8, 7, 7, 6, 6}, new int[] {0, 1, 2, 2}, 2, 3);
    Dataset shifted = DriftPlan.shifted(own, pooled, DriftPlan.Kind.LABEL_SHIFT, 3);
    assertThat(shifted.labelHistogram()).containsExactly(0, 0, 3); // only the class it lacked
    assertThat(DriftPlan.shifted(own, pooled, DriftPlan.Kind.FEATURE_SHIFT, 3).labelHistogram())
        .containsExactly(own.labelHistogram());
  }

  @Test
  void aCalibrationRoundMakesNoVersionAndPublishesThePooledMeanAndVariance() throws Exception {
    try (InProcessSimulation sim = InProcessSimulation.create(ten().rounds(3).build(), LearningOptions.none(),
        Extensions.load(), Clock.systemUTC(), null)) {
      Calibration c = sim.federation().calibrate("test", "before training").get(30, TimeUnit.SECONDS);
      assertThat(sim.federation().globalModel().version()).isZero();
      assertThat(c.answered()).hasSize(10);
      Dataset pooled = Dataset.concat(sim.participants().stream().map(SimulatedParticipant::data).toList());
      int f = pooled.features();
      double[] mean = new double[f];
      float[] x = pooled.x();
      for (int i = 0; i < x.length; i++) {
        mean[i % f] += x[i];
      }
      for (int j = 0; j < f; j++) {
        mean[j] /= pooled.size();
      }
      double[] var = new double[f];
      for (int i = 0; i < x.length; i++) {
        double d = x[i] - mean[i % f];
        var[i % f] += d * d;
      }
      for (int j = 0; j < f; j++) {
        assertThat(c.featureMean()[j]).isCloseTo(mean[j], within(1e-6));
        assertThat(c.featureVariance()[j]).isCloseTo(var[j] / pooled.size(), within(1e-6));
      }
      // participants apply the normalization: training goes on and finishes
      sim.start();
      assertThat(sim.await(Duration.ofSeconds(60))).isTrue();
      assertThat(sim.federation().state()).isEqualTo(FederationState.FINISHED);
    }
  }

  @Test
  void calibrateEveryKeepsRunsDeterministic() throws Exception {
    LearningOptions lo = new LearningOptions(List.of(), null, null, "none", 2);
    Run a = run(ten().rounds(5).build(), lo);
    Run b = run(ten().rounds(5).build(), lo);
    assertThat(a.of(FederationEvent.CalibrationCompleted.class)).hasSize(2);
    assertThat(a.sha()).isEqualTo(b.sha());
  }

  @Test
  void aStoppingRuleEndsTheSimulationEarly() throws Exception {
    LearningOptions lo = new LearningOptions(List.of("target:metric=test_accuracy,value=0.45"), null, null, "none", 0);
    Run r = run(ten().rounds(40).build(), lo);
    assertThat(r.state()).isEqualTo(FederationState.FINISHED);
    List<FederationEvent.RoundCommitted> c = r.of(FederationEvent.RoundCommitted.class);
    assertThat(c.get(c.size() - 1).metrics().get("test_accuracy")).isGreaterThanOrEqualTo(0.45);
    assertThat(c.get(c.size() - 2).metrics().get("test_accuracy")).isLessThan(0.45);
    assertThat(c.size()).isLessThan(40);
  }

  @Test
  void anAbRunIsDeterministicUnderASeed() throws Exception {
    SimulationConfig cfg = ten().rounds(6).build();
    AbRun.Result a = AbRun.run(cfg, LearningOptions.none(), "fedavg", "fedadam:eta=0.05", AbRun.Split.RANDOM,
        Extensions.load(), Clock.systemUTC(), Duration.ofSeconds(60));
    AbRun.Result b = AbRun.run(cfg, LearningOptions.none(), "fedavg", "fedadam:eta=0.05", AbRun.Split.RANDOM,
        Extensions.load(), Clock.systemUTC(), Duration.ofSeconds(60));
    assertThat(a.a().modelSha256()).isEqualTo(b.a().modelSha256());
    assertThat(a.b().modelSha256()).isEqualTo(b.b().modelSha256());
    assertThat(a.wilcoxon().pValue()).isEqualTo(b.wilcoxon().pValue());
    assertThat(a.a().participants()).hasSize(5).doesNotContainAnyElementsOf(a.b().participants());
    assertThat(a.a().curve()).hasSize(6);
    assertThat(a.evaluatedOn()).hasSize(10);
    assertThat(AbRun.split(10, AbRun.Split.RANDOM, 2)).isNotEqualTo(AbRun.split(10, AbRun.Split.RANDOM, 3));
    assertThat(AbRun.parseStrategies("fedavg,fedadam:eta=0.1,tau=0.01")).containsExactly("fedavg",
        "fedadam:eta=0.1,tau=0.01");
    assertThatThrownBy(() -> AbRun.parseStrategies("fedavg")).hasMessageContaining("STRATEGY_A,STRATEGY_B");
  }
}
