package io.flotilla.engine.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.engine.aggregate.FedAvg;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.RoundPhase;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoordinatorLoopTest {
  static final ParameterLayout LAYOUT = ParameterLayout.of(new TensorSpec("w", 2));
  final List<FederationEvent> events = new CopyOnWriteArrayList<>();
  Federation fed;

  /** A participant whose answers the test scripts. */
  static final class Scripted implements ParticipantLink {
    final String id;
    final BlockingQueue<TrainingTask> tasks = new LinkedBlockingQueue<>();

    Scripted(String id) {
      this.id = id;
    }

    @Override
    public void instruct(TrainingTask task) {
      tasks.add(task);
    }

    TrainingTask next() throws InterruptedException {
      TrainingTask t = tasks.poll(5, TimeUnit.SECONDS);
      assertThat(t).as("task for " + id).isNotNull();
      return t;
    }

    Update answer(TrainingTask t, long samples, float... delta) {
      return new Update(id, t.roundId(), t.baseVersion(), t.nonce(), delta, samples, t.localEpochs(),
          t.localEpochs(), Map.of(), new Provenance("test", 5, samples, null));
    }
  }

  Federation build(FederationConfig cfg) {
    fed = new FederationBuilder().config(cfg).initialModel(ModelState.of(LAYOUT, new float[] {0, 0}, 0))
        .strategy(new FedAvg(FedAvg.Weighting.SAMPLES)).evaluator(m -> Map.of("norm", (double) m.get(0))).build();
    fed.subscribe(events::add);
    return fed;
  }

  List<Scripted> join(int n) {
    List<Scripted> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Scripted s = new Scripted("p" + i);
      fed.join(new ParticipantInfo(s.id, "test", 10, null), s).join();
      ps.add(s);
    }
    return ps;
  }

  <T extends FederationEvent> List<T> eventsOf(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @AfterEach
  void close() {
    if (fed != null) {
      fed.close();
    }
  }

  @Test
  void roundCommitsSampleWeightedAverage() throws Exception {
    build(FederationConfig.builder().rounds(1).perRound(2).minUpdates(2).build());
    List<Scripted> ps = join(2);
    fed.start();
    TrainingTask t0 = ps.get(0).next();
    TrainingTask t1 = ps.get(1).next();
    fed.submitUpdate(ps.get(1).answer(t1, 30, 4f, 0f));
    fed.submitUpdate(ps.get(0).answer(t0, 10, 0f, 8f));
    assertThat(fed.awaitTermination(Duration.ofSeconds(5))).isTrue();
    assertThat(fed.state()).isEqualTo(FederationState.FINISHED);
    assertThat(fed.globalModel().copyParameters()).containsExactly(3f, 2f);
    assertThat(fed.globalModel().version()).isEqualTo(1);
    FederationEvent.RoundCommitted c = eventsOf(FederationEvent.RoundCommitted.class).get(0);
    assertThat(c.contributors()).isEqualTo(2);
    assertThat(c.metrics()).containsEntry("norm", 3.0);
    assertThat(eventsOf(FederationEvent.RoundPhaseChanged.class)).extracting(FederationEvent.RoundPhaseChanged::to)
        .containsExactly(RoundPhase.SELECTING, RoundPhase.BROADCAST, RoundPhase.COLLECTING, RoundPhase.AGGREGATING,
            RoundPhase.EVALUATING, RoundPhase.COMMITTED);
    long prev = 0;
    for (FederationEvent e : events) {
      assertThat(e.seq()).isEqualTo(prev + 1);
      prev = e.seq();
    }
  }

  @Test
  void quorumFailureAbortsTheRoundAndKeepsTheModel() throws Exception {
    build(FederationConfig.builder().rounds(1).perRound(3).minUpdates(2).maxConsecutiveAborts(1).build());
    List<Scripted> ps = join(3);
    fed.start();
    TrainingTask t = ps.get(0).next();
    fed.submitUpdate(ps.get(0).answer(t, 10, 1f, 1f));
    fed.reportFailure("p1", t.roundId(), "dropped out");
    fed.reportFailure("p2", t.roundId(), "dropped out");
    assertThat(fed.awaitTermination(Duration.ofSeconds(5))).isTrue();
    assertThat(eventsOf(FederationEvent.RoundAborted.class)).singleElement()
        .satisfies(a -> assertThat(a.reason()).contains("quorum not met").contains("1 accepted").contains("2 required"));
    assertThat(fed.state()).isEqualTo(FederationState.FAILED);
    assertThat(fed.globalModel().version()).isZero();
    assertThat(fed.globalModel().copyParameters()).containsExactly(0f, 0f);
  }

  @Test
  void deadlineClosesTheRoundWithWhatArrived() throws Exception {
    build(FederationConfig.builder().rounds(1).perRound(2).minUpdates(1).roundDeadline(Duration.ofMillis(300)).build());
    List<Scripted> ps = join(2);
    fed.start();
    TrainingTask t = ps.get(0).next();
    fed.submitUpdate(ps.get(0).answer(t, 10, 2f, 2f));
    TrainingTask late = ps.get(1).next();
    assertThat(fed.awaitTermination(Duration.ofSeconds(5))).isTrue();
    assertThat(eventsOf(FederationEvent.ParticipantFailed.class)).singleElement()
        .satisfies(f -> assertThat(f.reason()).isEqualTo("deadline passed"));
    assertThat(fed.globalModel().copyParameters()).containsExactly(2f, 2f);
    fed.submitUpdate(ps.get(1).answer(late, 10, 9f, 9f));
    await().until(() -> !eventsOf(FederationEvent.UpdateRejected.class).isEmpty());
    assertThat(eventsOf(FederationEvent.UpdateRejected.class).get(0).reason())
        .isIn(RejectReason.LATE, RejectReason.WRONG_ROUND);
    assertThat(fed.globalModel().copyParameters()).containsExactly(2f, 2f);
  }

  @Test
  void badUpdatesAreRefusedWithReasonsAndChangeNothing() throws Exception {
    build(FederationConfig.builder().rounds(1).perRound(2).minUpdates(1).maxConsecutiveAborts(1).build());
    List<Scripted> ps = join(2);
    fed.start();
    TrainingTask t0 = ps.get(0).next();
    TrainingTask t1 = ps.get(1).next();
    Scripted a = ps.get(0);
    fed.submitUpdate(new Update("ghost", t0.roundId(), 0, t0.nonce(), new float[] {1, 1}, 1, 1, 1, Map.of(),
        new Provenance("x", 0, 1, null)));
    fed.submitUpdate(new Update("p0", t0.roundId(), 0, t0.nonce() + 1, new float[] {1, 1}, 1, 1, 1, Map.of(),
        new Provenance("x", 0, 1, null)));
    fed.submitUpdate(new Update("p0", t0.roundId() + 5, 0, t0.nonce(), new float[] {1, 1}, 1, 1, 1, Map.of(),
        new Provenance("x", 0, 1, null)));
    fed.submitUpdate(a.answer(t0, 10, Float.NaN, 1f)); // consumes p0's slot as REJECTED
    fed.submitUpdate(a.answer(t0, 10, 1f, 1f)); // duplicate now
    fed.submitUpdate(ps.get(1).answer(t1, 10, 1f)); // wrong shape
    assertThat(fed.awaitTermination(Duration.ofSeconds(5))).isTrue();
    assertThat(eventsOf(FederationEvent.UpdateRejected.class)).extracting(FederationEvent.UpdateRejected::reason)
        .containsExactly(RejectReason.UNKNOWN_PARTICIPANT, RejectReason.BAD_NONCE, RejectReason.WRONG_ROUND,
            RejectReason.NON_FINITE, RejectReason.DUPLICATE, RejectReason.SHAPE_MISMATCH);
    // quorum 1 not met: nothing accepted, so the round aborts and the model is untouched
    assertThat(eventsOf(FederationEvent.UpdateAccepted.class)).isEmpty();
    assertThat(fed.globalModel().version()).isZero();
  }

  @Test
  void partialWorkIsDroppedByFedAvg() throws Exception {
    build(FederationConfig.builder().rounds(1).perRound(2).minUpdates(1).localEpochs(5).build());
    List<Scripted> ps = join(2);
    fed.start();
    TrainingTask t0 = ps.get(0).next();
    TrainingTask t1 = ps.get(1).next();
    fed.submitUpdate(new Update("p0", t0.roundId(), 0, t0.nonce(), new float[] {5, 5}, 10, 2, 5, Map.of(),
        new Provenance("x", 0, 10, null)));
    fed.submitUpdate(ps.get(1).answer(t1, 10, 1f, 1f));
    assertThat(fed.awaitTermination(Duration.ofSeconds(5))).isTrue();
    assertThat(eventsOf(FederationEvent.UpdateRejected.class)).singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo(RejectReason.PARTIAL_WORK_DROPPED));
    assertThat(fed.globalModel().copyParameters()).containsExactly(1f, 1f);
  }

  @Test
  void pauseLetsTheRoundFinishAndStartsNoNewOne() throws Exception {
    build(FederationConfig.builder().rounds(5).perRound(1).minUpdates(1).build());
    Scripted p = join(1).get(0);
    fed.start();
    TrainingTask t = p.next();
    fed.pause();
    fed.submitUpdate(p.answer(t, 1, 1f, 1f));
    await().until(() -> eventsOf(FederationEvent.RoundCommitted.class).size() == 1);
    assertThat(p.tasks.poll(300, TimeUnit.MILLISECONDS)).isNull();
    assertThat(fed.state()).isEqualTo(FederationState.PAUSED);
    fed.resume();
    TrainingTask t2 = p.next();
    assertThat(t2.roundId()).isEqualTo(2);
    assertThat(t2.baseVersion()).isEqualTo(1);
    fed.stop();
    assertThat(fed.awaitTermination(Duration.ofSeconds(5))).isTrue();
    assertThat(fed.state()).isEqualTo(FederationState.STOPPED);
    assertThat(eventsOf(FederationEvent.RoundAborted.class)).singleElement()
        .satisfies(a -> assertThat(a.reason()).contains("stopped"));
  }

  @Test
  void aFailingListenerDoesNotHurtTheFederation() throws Exception {
    build(FederationConfig.builder().rounds(1).perRound(1).build());
    fed.subscribe(e -> {
      throw new IllegalStateException("boom");
    });
    Scripted p = join(1).get(0);
    fed.start();
    TrainingTask t = p.next();
    fed.submitUpdate(p.answer(t, 1, 1f, 1f));
    assertThat(fed.awaitTermination(Duration.ofSeconds(5))).isTrue();
    assertThat(fed.state()).isEqualTo(FederationState.FINISHED);
  }
}
