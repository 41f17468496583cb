package io.flotilla.sim.inprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The observable A/B run (ADR 0017): live events per arm, the offline result, pause/resume/stop. */
class AbRunLiveTest {
  /** Records what a listener is told. */
  static final class Recorder implements AbListener {
    final AtomicReference<AbRun.Plan> plan = new AtomicReference<>();
    final Map<AbRun.Side, List<FederationEvent>> events = new ConcurrentHashMap<>(Map.of(
        AbRun.Side.A, new CopyOnWriteArrayList<>(), AbRun.Side.B, new CopyOnWriteArrayList<>()));
    final AtomicReference<AbRun.Result> finished = new AtomicReference<>();
    final AtomicReference<Throwable> failed = new AtomicReference<>();

    @Override
    public void started(AbRun.Plan p) {
      plan.set(p);
    }

    @Override
    public void event(AbRun.Side arm, FederationEvent event) {
      events.get(arm).add(event);
    }

    @Override
    public void finished(AbRun.Result result) {
      finished.set(result);
    }

    @Override
    public void failed(Throwable error) {
      failed.set(error);
    }

    <T extends FederationEvent> List<T> of(AbRun.Side arm, Class<T> type) {
      List<T> out = new ArrayList<>();
      for (FederationEvent e : events.get(arm)) {
        if (type.isInstance(e)) {
          out.add(type.cast(e));
        }
      }
      return out;
    }

    boolean reached(AbRun.Side arm, FederationState state) {
      return of(arm, FederationEvent.StateChanged.class).stream().anyMatch(s -> s.to() == state);
    }
  }

  @Test
  void theLiveRunFollowsBothArmsAndEndsWithTheOfflineResult() throws Exception {
    SimulationConfig cfg = LearningControlSimulationTest.ten().rounds(5).build();
    AbRun.Result offline = AbRun.run(cfg, LearningOptions.none(), "fedavg", "trimmed-mean:beta=0.2",
        AbRun.Split.ALTERNATE, Extensions.load(), Clock.systemUTC(), Duration.ofSeconds(60));

    Recorder rec = new Recorder();
    AbRun.Experiment x = AbRun.start(cfg, LearningOptions.none(), "fedavg", "trimmed-mean:beta=0.2",
        AbRun.Split.ALTERNATE, Extensions.load(), Clock.systemUTC(), rec);
    AbRun.Result live = x.result().get(60, TimeUnit.SECONDS);

    // bit-identical final models and the same test
    assertThat(live.a().modelSha256()).isEqualTo(offline.a().modelSha256());
    assertThat(live.b().modelSha256()).isEqualTo(offline.b().modelSha256());
    assertThat(live.a().modelSha256()).isNotEqualTo(live.b().modelSha256());
    assertThat(live.wilcoxon()).isEqualTo(offline.wilcoxon());
    assertThat(live.describe().toString()).isEqualTo(offline.describe().toString());
    assertThat(rec.finished.get()).isSameAs(live);
    assertThat(rec.failed.get()).isNull();

    AbRun.Plan plan = rec.plan.get();
    assertThat(plan.strategyA()).isEqualTo("fedavg");
    assertThat(plan.strategyB()).isEqualTo("trimmed-mean:beta=0.2");
    assertThat(plan.participantsA()).isEqualTo(live.a().participants()).hasSize(5);
    assertThat(plan.participantsB()).isEqualTo(live.b().participants()).hasSize(5);
    assertThat(plan.rounds()).isEqualTo(5);

    for (AbRun.Side side : AbRun.Side.values()) {
      List<FederationEvent.RoundCommitted> commits = rec.of(side, FederationEvent.RoundCommitted.class);
      assertThat(commits).extracting(FederationEvent.RoundCommitted::roundId).containsExactly(1L, 2L, 3L, 4L, 5L);
      // the live points are the report's curve
      List<Map<String, Object>> curve = live.arm(side).curve();
      for (int i = 0; i < commits.size(); i++) {
        assertThat(curve.get(i).get("test_accuracy")).isEqualTo(commits.get(i).metrics().get("test_accuracy"));
      }
      List<FederationEvent> all = rec.events.get(side);
      for (int i = 1; i < all.size(); i++) {
        assertThat(all.get(i).seq()).isGreaterThan(all.get(i - 1).seq());
      }
      // updates come only from the arm's own cohort
      assertThat(rec.of(side, FederationEvent.UpdateAccepted.class)).extracting(FederationEvent.UpdateAccepted::participantId)
          .isNotEmpty().allMatch(plan.participants(side)::contains);
    }
    assertThat(x.isDone()).isTrue();
    x.stop(); // a no-op once ended
  }

  @Test
  void pauseResumeAndStopActOnBothArms() throws Exception {
    SimulationConfig cfg = LearningControlSimulationTest.ten().rounds(100_000).build();
    Recorder rec = new Recorder();
    AbRun.Experiment x = AbRun.start(cfg, LearningOptions.none(), "fedavg", "median", AbRun.Split.RANDOM,
        Extensions.load(), Clock.systemUTC(), rec);
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> !rec.of(AbRun.Side.A, FederationEvent.RoundCommitted.class)
          .isEmpty() && !rec.of(AbRun.Side.B, FederationEvent.RoundCommitted.class).isEmpty());
      x.pause();
      await().atMost(Duration.ofSeconds(30)).until(() -> rec.reached(AbRun.Side.A, FederationState.PAUSED)
          && rec.reached(AbRun.Side.B, FederationState.PAUSED));
      assertThat(x.isDone()).isFalse();
      x.resume();
      await().atMost(Duration.ofSeconds(30)).until(() -> rec.of(AbRun.Side.A, FederationEvent.StateChanged.class)
          .stream().anyMatch(s -> s.from() == FederationState.PAUSED && s.to() == FederationState.RUNNING));
      x.stop();
      AbRun.Result r = x.result().get(30, TimeUnit.SECONDS);
      assertThat(r.a().state()).isEqualTo("stopped");
      assertThat(r.b().state()).isEqualTo("stopped");
      assertThat(r.evaluatedOn()).hasSize(10);
      assertThat(rec.finished.get()).isSameAs(r);
    } finally {
      x.stop();
    }
  }

  @Test
  void aBadStrategyIsRefusedBeforeAnythingStarts() {
    Recorder rec = new Recorder();
    SimulationConfig cfg = LearningControlSimulationTest.ten().build();
    assertThatThrownBy(() -> AbRun.start(cfg, LearningOptions.none(), "fedavg", "no-such-strategy",
        AbRun.Split.RANDOM, Extensions.load(), Clock.systemUTC(), rec))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-strategy");
    assertThat(rec.plan.get()).isNull();
    assertThat(rec.events.get(AbRun.Side.A)).isEmpty();
  }
}
