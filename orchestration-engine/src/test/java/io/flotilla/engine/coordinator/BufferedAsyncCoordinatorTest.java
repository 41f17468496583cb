package io.flotilla.engine.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.engine.api.AsyncConfig;
import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.StalenessFunction;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.api.UpdateOutcome;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.spi.SelectionPolicy;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BufferedAsyncCoordinatorTest {
  static final int N = 4;

  /** Picks idle participants in id order: makes dispatch predictable. */
  static final SelectionPolicy FIRST = new SelectionPolicy() {
    @Override
    public String name() {
      return "first";
    }

    @Override
    public List<String> select(List<Candidate> candidates, int count, java.util.SplittableRandom random) {
      return candidates.stream().limit(count).map(Candidate::id).toList();
    }
  };

  record Link(String id, BlockingQueue<TrainingTask> tasks) implements ParticipantLink {
    @Override
    public void instruct(TrainingTask task) {
      tasks.add(task);
    }
  }

  static Update update(String id, TrainingTask t, float value) {
    float[] d = new float[N];
    Arrays.fill(d, value);
    return new Update(id, t.roundId(), t.baseVersion(), t.nonce(), d, 10, 1, 1, Map.of(),
        new Provenance("test", 1, 10, null));
  }

  Federation federation(AsyncConfig async, int rounds) {
    return new FederationBuilder()
        .config(FederationConfig.builder().name("async").rounds(rounds).perRound(2).roundDeadline(Duration.ofSeconds(30))
            .build())
        .initialModel(ModelState.of(ParameterLayout.of(new TensorSpec("w", N)), new float[N], 0))
        .strategy(Extensions.load().strategy("fedavg"))
        .selection(FIRST)
        .async(async)
        .build();
  }

  @Test
  void aggregatesEveryKArrivalsWeightingStaleUpdatesByOneOverSqrtOnePlusTau() throws Exception {
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    try (Federation f = federation(new AsyncConfig(2, 2, new StalenessFunction.InverseSqrt(), 1.0, 10), 2)) {
      f.subscribe(events::add);
      Link a = new Link("a", new LinkedBlockingQueue<>());
      Link b = new Link("b", new LinkedBlockingQueue<>());
      Link c = new Link("c", new LinkedBlockingQueue<>());
      for (Link l : List.of(a, b, c)) {
        f.join(new ParticipantInfo(l.id(), "test", 10, null), l).get(5, TimeUnit.SECONDS);
      }
      f.start();
      TrainingTask a1 = a.tasks().poll(5, TimeUnit.SECONDS);
      TrainingTask b1 = b.tasks().poll(5, TimeUnit.SECONDS);
      assertThat(a1.baseVersion()).isZero();
      assertThat(b1.baseVersion()).isZero();
      assertThat(c.tasks()).isEmpty(); // only C = 2 are kept busy

      assertThat(f.submit(update("a", a1, 1f)).get(5, TimeUnit.SECONDS).accepted()).isTrue();
      TrainingTask a2 = a.tasks().poll(5, TimeUnit.SECONDS); // a is free again and first in order: re-dispatched
      assertThat(a2.baseVersion()).isZero();
      assertThat(f.submit(update("b", b1, 3f)).get(5, TimeUnit.SECONDS).accepted()).isTrue();
      // K = 2 arrivals: x1 = x0 + (1/2)(1·1 + 1·3) = 2
      await().atMost(Duration.ofSeconds(5)).until(() -> f.globalModel().version() == 1);
      assertThat(f.globalModel().get(0)).isEqualTo(2f);
      TrainingTask b2 = b.tasks().poll(5, TimeUnit.SECONDS);
      assertThat(b2.baseVersion()).isEqualTo(1);

      // a's second update was trained on version 0 and arrives at version 1: staleness 1, weight 1/√2
      assertThat(f.submit(update("a", a2, 4f)).get(5, TimeUnit.SECONDS).accepted()).isTrue();
      assertThat(f.submit(update("b", b2, 2f)).get(5, TimeUnit.SECONDS).accepted()).isTrue();
      assertThat(f.awaitTermination(Duration.ofSeconds(5))).isTrue();
      assertThat(f.state()).isEqualTo(FederationState.FINISHED);
      float w = (float) (1 / Math.sqrt(2));
      float buffer = 0f + w * 4f;
      buffer += 1f * 2f;
      assertThat(f.globalModel().get(0)).isEqualTo(2f + (float) (1.0 / 2) * buffer);
      assertThat(f.globalModel().version()).isEqualTo(2);
    }
    assertThat(events).filteredOn(FederationEvent.RoundCommitted.class::isInstance).hasSize(2)
        .allSatisfy(e -> assertThat(((FederationEvent.RoundCommitted) e).contributors()).isEqualTo(2));
    assertThat(events).filteredOn(FederationEvent.UpdateAccepted.class::isInstance)
        .anySatisfy(e -> assertThat(((FederationEvent.UpdateAccepted) e).metrics()).containsEntry("staleness", 1.0));
  }

  @Test
  void replaysForgeriesAndTooStaleUpdatesAreRefused() throws Exception {
    try (Federation f = federation(new AsyncConfig(1, 2, new StalenessFunction.Constant(), 1.0, 0), 5)) {
      Link a = new Link("a", new LinkedBlockingQueue<>());
      Link b = new Link("b", new LinkedBlockingQueue<>());
      f.join(new ParticipantInfo("a", "test", 10, null), a).get(5, TimeUnit.SECONDS);
      f.join(new ParticipantInfo("b", "test", 10, null), b).get(5, TimeUnit.SECONDS);
      f.start();
      TrainingTask a1 = a.tasks().poll(5, TimeUnit.SECONDS);
      TrainingTask b1 = b.tasks().poll(5, TimeUnit.SECONDS);
      Update forged = new Update("a", a1.roundId(), a1.baseVersion(), a1.nonce() + 1, new float[N], 10, 1, 1, Map.of(),
          new Provenance("t", 1, 10, null));
      assertThat(f.submit(forged).get(5, TimeUnit.SECONDS).reason()).isEqualTo(RejectReason.BAD_NONCE);
      assertThat(f.submit(update("a", a1, 1f)).get(5, TimeUnit.SECONDS).accepted()).isTrue(); // K = 1: v1
      UpdateOutcome replay = f.submit(update("a", a1, 1f)).get(5, TimeUnit.SECONDS);
      assertThat(replay.reason()).isEqualTo(RejectReason.DUPLICATE);
      // b trained on version 0, the model is at version 1, at most 0 versions of staleness are allowed
      UpdateOutcome stale = f.submit(update("b", b1, 1f)).get(5, TimeUnit.SECONDS);
      assertThat(stale.reason()).isEqualTo(RejectReason.STALE_BASE_VERSION);
      assertThat(f.globalModel().version()).isEqualTo(1);
    }
  }

  @Test
  void stalenessFunctionsFollowTheirPapers() {
    assertThat(StalenessFunction.parse("sqrt").weight(3)).isEqualTo(0.5);
    assertThat(StalenessFunction.parse("fedbuff").weight(0)).isEqualTo(1.0);
    assertThat(StalenessFunction.parse("polynomial:0.5").weight(3)).isEqualTo(0.5);
    StalenessFunction hinge = StalenessFunction.parse("hinge:10,4");
    assertThat(hinge.weight(4)).isEqualTo(1.0);
    assertThat(hinge.weight(5)).isEqualTo(1.0 / 11);
    assertThat(StalenessFunction.parse("constant").weight(99)).isEqualTo(1.0);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StalenessFunction.parse("hinge:x"))
        .hasMessageContaining("--staleness");
  }
}
