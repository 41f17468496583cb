package io.flotilla.engine.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flotilla.engine.aggregate.FedAvg;
import io.flotilla.engine.api.Calibration;
import io.flotilla.engine.api.CalibrationReport;
import io.flotilla.engine.api.CalibrationTask;
import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.LearningControl;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.Safeguards;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.api.Tuning;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.converge.FeatureStatistics;
import io.flotilla.engine.coordinator.CoordinatorLoopTest.Scripted;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.ModelEvaluator;
import io.flotilla.engine.store.JdbcFederationStore;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping rules, runtime tuning, calibration rounds and the divergence reaction through the coordinator. */
class LearningControlLoopTest {
  @TempDir Path dir;
  final List<FederationEvent> events = new CopyOnWriteArrayList<>();
  Federation fed;
  JdbcFederationStore store;

  @AfterEach
  void close() {
    if (fed != null) {
      fed.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /** Answers every task at once with delta (1, 1) and a fixed training loss; calibrates on its own data. */
  static final class Auto implements ParticipantLink {
    final String id;
    final float[] data; // rows x 2 features
    volatile Federation fed;

    Auto(String id, float[] data) {
      this.id = id;
      this.data = data;
    }

    @Override
    public void instruct(TrainingTask t) {
      fed.submitUpdate(new Update(id, t.roundId(), t.baseVersion(), t.nonce(), new float[] {1f, 1f}, 10,
          t.localEpochs(), t.localEpochs(), Map.of("train_loss", 1.0), new Provenance("test", 1, 10, new long[] {5, 5})));
    }

    @Override
    public boolean calibrate(CalibrationTask task) {
      if (data == null) {
        return false;
      }
      int rows = data.length / 2;
      double[][] st = FeatureStatistics.local(data, rows, 2);
      new Thread(() -> fed.submitCalibration(new CalibrationReport(id, task.calibrationId(), task.nonce(), rows,
          0.5, 0.75, st[0], st[1], new long[] {rows, 0}))).start();
      return true;
    }
  }

  Federation build(int rounds, int perRound, LearningControl lc, ModelEvaluator evaluator, boolean durable) {
    FederationBuilder b = new FederationBuilder()
        .config(FederationConfig.builder().name("learn").rounds(rounds).perRound(perRound).minUpdates(1)
            .learningRate(0.05f).roundDeadline(Duration.ofSeconds(30)).build())
        .initialModel(ModelState.of(CoordinatorLoopTest.LAYOUT, new float[] {0, 0}, 0))
        .strategy(new FedAvg(FedAvg.Weighting.SAMPLES)).safeguards(Safeguards.NONE).evaluator(evaluator)
        .learningControl(lc);
    if (durable) {
      store = JdbcFederationStore.openDirectory(dir);
      b.store(store);
    }
    fed = b.build();
    fed.subscribe(events::add);
    return fed;
  }

  List<Auto> joinAuto(int n, Random rnd) {
    List<Auto> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] data = null;
      if (rnd != null) {
        int rows = 5 + rnd.nextInt(40);
        data = new float[rows * 2];
        for (int k = 0; k < data.length; k++) {
          data[k] = (float) (1000 * i + 50 * rnd.nextGaussian());
        }
      }
      Auto a = new Auto("p" + i, data);
      a.fed = fed;
      fed.join(new ParticipantInfo(a.id, "test", 10, new long[] {5, 5}), a).join();
      out.add(a);
    }
    return out;
  }

  <T extends FederationEvent> List<T> eventsOf(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void aStoppingRuleFinishesTheFederationAfterTheRoundThatMetIt() throws Exception {
    LearningControl lc = LearningControl.none().withStoppingRules(
        List.of(Extensions.load().stoppingRule("target:metric=test_accuracy,value=0.45")));
    build(50, 1, lc, m -> Map.of("test_accuracy", 0.1 * m.version()), true);
    joinAuto(1, null);
    fed.start();
    assertThat(fed.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(fed.state()).isEqualTo(FederationState.FINISHED);
    assertThat(eventsOf(FederationEvent.RoundCommitted.class)).hasSize(5); // 0.5 >= 0.45 after round 5, not 4
    assertThat(eventsOf(FederationEvent.StoppingRuleFired.class)).singleElement().satisfies(s -> {
      assertThat(s.roundId()).isEqualTo(5);
      assertThat(s.rule()).startsWith("target");
    });
    assertThat(eventsOf(FederationEvent.StateChanged.class)).last()
        .satisfies(s -> assertThat(s.reason()).startsWith("stopping rule target"));
    fed.close();
    assertThat(store.audit(0)).extracting(a -> a.action()).contains("federation.stopping_rule");
  }

  @Test
  void tuningAppliesFromTheNextRoundNeverTheCurrentAndIsAudited() throws Exception {
    build(3, 1, LearningControl.none(), ModelEvaluator.NONE, true);
    Scripted p = new Scripted("p0");
    fed.join(new ParticipantInfo("p0", "test", 10, null), p).join();
    fed.start();
    TrainingTask t1 = p.next();
    assertThat(t1.learningRate()).isEqualTo(0.05f);
    long from = fed.tune(Tuning.none().withLearningRate(0.5f).withServerLearningRate(0.5).withMu(0.1), "carol",
        "too slow").get(5, TimeUnit.SECONDS);
    assertThat(from).isEqualTo(2);
    assertThat(fed.config().learningRate()).as("not before round 2").isEqualTo(0.05f);
    fed.submitUpdate(p.answer(t1, 10, 1f, 1f));
    TrainingTask t2 = p.next();
    assertThat(t2.roundId()).isEqualTo(2);
    assertThat(t2.learningRate()).isEqualTo(0.5f);
    assertThat(t2.config()).containsEntry("mu", 0.1);
    // round 1 took the full step, round 2 half of it (server learning rate 0.5)
    assertThat(fed.globalModel().copyParameters()).containsExactly(1f, 1f);
    fed.submitUpdate(p.answer(t2, 10, 1f, 1f));
    TrainingTask t3 = p.next();
    assertThat(fed.globalModel().copyParameters()).containsExactly(1.5f, 1.5f);
    fed.submitUpdate(p.answer(t3, 10, 1f, 1f));
    assertThat(fed.awaitTermination(Duration.ofSeconds(5))).isTrue();
    FederationEvent.ConfigChanged c = eventsOf(FederationEvent.ConfigChanged.class).get(0);
    assertThat(c.effectiveFromRound()).isEqualTo(2);
    assertThat(c.oldValues()).containsEntry("learning_rate", "0.05").containsEntry("server_lr", "1.0");
    assertThat(c.newValues()).containsEntry("learning_rate", "0.5").containsEntry("mu", "0.1");
    assertThat(c.actor()).isEqualTo("carol");
    // announced before round 2 started
    long started2 = eventsOf(FederationEvent.RoundStarted.class).get(1).seq();
    assertThat(c.seq()).isLessThan(started2);
    fed.close();
    assertThat(store.audit(0)).filteredOn(a -> a.action().equals("config.tuned")).singleElement()
        .satisfies(a -> assertThat(a.actor()).isEqualTo("carol"));
    try (Statement st = store.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT field, old_value, new_value, actor FROM config_changes "
            + "WHERE actor = 'carol' ORDER BY field")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1) + ":" + rs.getString(2) + "->" + rs.getString(3));
      }
      assertThat(rows).containsExactly("learning_rate:0.05->0.5", "mu:0.0->0.1", "server_lr:1.0->0.5");
    }
  }

  @Test
  void invalidTuningIsRefusedAndChangesNothing() throws Exception {
    build(3, 2, LearningControl.none(), ModelEvaluator.NONE, false);
    assertThatThrownBy(() -> fed.tune(Tuning.none(), "op", "x").get(5, TimeUnit.SECONDS))
        .hasMessageContaining("at least one setting");
    assertThatThrownBy(() -> fed.tune(Tuning.none().withLearningRate(1f), "op", "").get(5, TimeUnit.SECONDS))
        .hasMessageContaining("actor and a reason");
    assertThatThrownBy(() -> Tuning.none().withPerRound(0)).hasMessageContaining("per-round must be positive");
    assertThatThrownBy(() -> fed.tune(Tuning.none().withStrategy(Extensions.load().strategy("krum:f=1")), "op",
        "robust").get(5, TimeUnit.SECONDS)).hasMessageContaining("needs at least 5 updates per round");
    assertThat(eventsOf(FederationEvent.ConfigChanged.class)).isEmpty();
    assertThat(fed.config().perRound()).isEqualTo(2);
  }

  @Test
  void aCalibrationRoundMakesNoVersionAndItsStatisticsMatchThePooledData() throws Exception {
    build(2, 3, LearningControl.none(), ModelEvaluator.NONE, true);
    List<Auto> ps = joinAuto(3, new Random(5));
    Scripted legacy = new Scripted("legacy"); // a participant that cannot calibrate
    fed.join(new ParticipantInfo("legacy", "test", 10, new long[] {5, 5}), legacy).join();
    Calibration c = fed.calibrate("dave", "check normalization").get(10, TimeUnit.SECONDS);
    assertThat(c.modelVersion()).isZero();
    assertThat(fed.globalModel().version()).isZero();
    assertThat(eventsOf(FederationEvent.RoundStarted.class)).isEmpty();
    assertThat(c.answered()).containsExactly("p0", "p1", "p2");
    assertThat(c.unsupported()).containsExactly("legacy");
    // pooled statistics of every participant's rows
    double[] sum = new double[2];
    int n = 0;
    for (Auto a : ps) {
      for (int i = 0; i < a.data.length; i++) {
        sum[i % 2] += a.data[i];
      }
      n += a.data.length / 2;
    }
    double[] ss = new double[2];
    for (Auto a : ps) {
      for (int i = 0; i < a.data.length; i++) {
        double d = a.data[i] - sum[i % 2] / n;
        ss[i % 2] += d * d;
      }
    }
    for (int j = 0; j < 2; j++) {
      assertThat(c.featureMean()[j]).isCloseTo(sum[j] / n, within(1e-6));
      assertThat(c.featureVariance()[j]).isCloseTo(ss[j] / n, within(1e-6));
    }
    assertThat(c.evaluation().get("p1")).containsEntry("accuracy", 0.75);
    assertThat(eventsOf(FederationEvent.CalibrationCompleted.class)).singleElement()
        .satisfies(e -> assertThat(e.actor()).isEqualTo("dave"));
    fed.close();
    assertThat(store.audit(0)).extracting(a -> a.action()).contains("federation.calibrated")
        .doesNotContain("round.committed");
    try (Statement st = store.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(CASE WHEN answered THEN 1 ELSE 0 END) "
            + "FROM calibration_participants")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(4);
      assertThat(rs.getInt(2)).isEqualTo(3);
    }
    assertThat(store.versions("learn")).hasSize(1); // only the initial version
  }

  @Test
  void calibrateEveryRunsBetweenRounds() throws Exception {
    build(4, 2, LearningControl.none().withCalibrateEvery(2), ModelEvaluator.NONE, false);
    joinAuto(2, new Random(1));
    fed.start();
    assertThat(fed.awaitTermination(Duration.ofSeconds(10))).isTrue();
    List<String> order = events.stream().filter(e -> e instanceof FederationEvent.RoundCommitted
        || e instanceof FederationEvent.CalibrationCompleted).map(e -> e instanceof FederationEvent.RoundCommitted rc
            ? "r" + rc.roundId() : "c@v" + ((FederationEvent.CalibrationCompleted) e).modelVersion()).toList();
    assertThat(order).containsExactly("r1", "r2", "c@v2", "r3", "r4");
  }

  @Test
  void theDivergenceReactionLowersTheServerLearningRateFromTheNextRound() throws Exception {
    // the evaluation loss rises from round 3 on: the alarm fires after round 5 (k = 3) and halves the step
    LearningControl lc = LearningControl.none().withDivergence(
        LearningControl.Divergence.parse("k=3,rise=0.05,react=server-lr:0.5"));
    build(7, 1, lc, m -> Map.of("test_loss", m.version() <= 2 ? 1.0 - 0.1 * m.version() : 0.8 + 0.2 * m.version()),
        false);
    joinAuto(1, null);
    fed.start();
    assertThat(fed.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(eventsOf(FederationEvent.DivergenceAlarm.class)).singleElement().satisfies(a -> {
      assertThat(a.roundId()).isEqualTo(5);
      assertThat(a.kind()).isEqualTo("loss-rising");
      assertThat(a.reaction()).contains("server learning rate x0.5").contains("from round 6");
    });
    assertThat(eventsOf(FederationEvent.ConfigChanged.class)).singleElement()
        .satisfies(c -> assertThat(c.actor()).isEqualTo("divergence-alarm"));
    // five full steps, then two half steps
    assertThat(fed.globalModel().copyParameters()).containsExactly(6f, 6f);
  }

  @Test
  void aCalibrationNobodyAnswersFailsWhenTheFederationStops() throws Exception {
    build(2, 1, LearningControl.none(), ModelEvaluator.NONE, false);
    fed.join(new ParticipantInfo("silent", "test", 10, null), new ParticipantLink() {
      @Override
      public void instruct(TrainingTask task) {}

      @Override
      public boolean calibrate(CalibrationTask task) {
        return true; // says yes, never answers
      }
    }).join();
    var pending = fed.calibrate("op", "check");
    assertThat(pending).isNotDone();
    fed.stop();
    assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS)).hasMessageContaining("ended (STOPPED)");
    assertThatThrownBy(() -> fed.calibrate("op", "again").get(5, TimeUnit.SECONDS)).hasMessageContaining("has ended");
  }
}
