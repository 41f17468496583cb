package io.flotilla.engine.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.Safeguards;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import io.flotilla.engine.store.JdbcFederationStore;
import io.flotilla.engine.store.StoreProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator with a store: atomic commits, restart, rollback, strategy state. */
class DurableCoordinatorTest {
  static final ParameterLayout LAYOUT = ParameterLayout.of(new TensorSpec("w", 3));
  static final ModelState INITIAL = ModelState.of(LAYOUT, new float[] {1, -2, 0.5f}, 0);

  @TempDir Path dir;
  final List<AutoCloseable> toClose = new ArrayList<>();
  final List<FederationEvent> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  /**
   * Server momentum (a stand-in for FedAvgM / FedOpt): {@code v ← ½v + mean Δ; w ← w + v}. Its velocity is
   * state that must survive a restart and be reset when a round aborts. Dyadic inputs keep every float exact.
   */
  static final class Momentum implements AggregationStrategy {
    float[] velocity;

    @Override
    public String name() {
      return "momentum";
    }

    @Override
    public Map<String, float[]> state() {
      return velocity == null ? Map.of() : Map.of("velocity", velocity.clone());
    }

    @Override
    public void restore(Map<String, float[]> state) {
      velocity = state.containsKey("velocity") ? state.get("velocity").clone() : null;
    }

    @Override
    public RoundAggregator begin(ModelState global) {
      return new RoundAggregator() {
        final double[] sum = new double[global.size()];
        int n;

        @Override
        public void accept(Update u) {
          for (int i = 0; i < sum.length; i++) {
            sum[i] += u.delta()[i];
          }
          n++;
        }

        @Override
        public int count() {
          return n;
        }

        @Override
        public Optional<float[]> aggregate() {
          if (velocity == null) {
            velocity = new float[sum.length];
          }
          float[] w = global.copyParameters();
          for (int i = 0; i < w.length; i++) {
            velocity[i] = 0.5f * velocity[i] + (float) (sum[i] / n);
            w[i] += velocity[i];
          }
          return Optional.of(w);
        }
      };
    }
  }

  /** Answers every task at once with a delta that depends only on the base model (exact in float). */
  static final class AutoParticipant implements ParticipantLink {
    final String id;
    volatile Federation fed;

    AutoParticipant(String id) {
      this.id = id;
    }

    @Override
    public void instruct(TrainingTask t) {
      float[] base = t.model().copyParameters();
      float[] d = new float[base.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = 0.25f - 0.5f * base[i];
      }
      fed.submitUpdate(new Update(id, t.roundId(), t.baseVersion(), t.nonce(), d, 10, t.localEpochs(),
          t.localEpochs(), Map.of(), new Provenance("test", 1, 10, null)));
    }
  }

  /** A participant whose answers the test gives by hand. */
  static final class Manual implements ParticipantLink {
    final BlockingQueue<TrainingTask> tasks = new LinkedBlockingQueue<>();

    @Override
    public void instruct(TrainingTask t) {
      tasks.add(t);
    }
  }

  JdbcFederationStore store(String sub) {
    JdbcFederationStore s = JdbcFederationStore.openDirectory(dir.resolve(sub));
    toClose.add(s);
    return s;
  }

  FederationConfig config(int rounds) {
    return FederationConfig.builder().name("durable").rounds(rounds).perRound(1).minUpdates(1).seed(5)
        .maxConsecutiveAborts(3).build();
  }

  Federation build(FederationConfig cfg, AggregationStrategy strategy, JdbcFederationStore store) {
    // no update screening: the scripted deltas are not meant to look like training
    FederationBuilder b = new FederationBuilder().config(cfg).initialModel(INITIAL).strategy(strategy)
        .safeguards(Safeguards.NONE);
    if (store != null) {
      b.store(store);
    }
    Federation f = b.build();
    toClose.add(f);
    f.subscribe(events::add);
    return f;
  }

  Federation runAuto(FederationConfig cfg, AggregationStrategy strategy, JdbcFederationStore store) throws Exception {
    Federation f = build(cfg, strategy, store);
    AutoParticipant p = new AutoParticipant("p0");
    p.fed = f;
    f.join(new ParticipantInfo("p0", "test", 10, null), p).get(5, TimeUnit.SECONDS);
    f.start();
    assertThat(f.awaitTermination(Duration.ofSeconds(20))).isTrue();
    return f;
  }

  <T extends FederationEvent> List<T> eventsOf(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void aRestartResumesFromTheLastCommittedRoundWithTheSameFinalModel() throws Exception {
    Federation straight = runAuto(config(5), new Momentum(), store("straight"));
    String expected = straight.globalModel().sha256();
    assertThat(straight.globalModel().version()).isEqualTo(5);

    JdbcFederationStore s = store("restarted");
    Federation first = runAuto(config(2), new Momentum(), s);
    assertThat(first.globalModel().version()).isEqualTo(2);
    first.close();
    events.clear();
    Federation second = runAuto(config(5), new Momentum(), s); // a fresh strategy instance: state comes from the store
    assertThat(second.state()).isEqualTo(FederationState.FINISHED);
    assertThat(eventsOf(FederationEvent.RoundStarted.class)).extracting(FederationEvent.RoundStarted::roundId)
        .containsExactly(3L, 4L, 5L);
    assertThat(eventsOf(FederationEvent.RoundCommitted.class)).extracting(FederationEvent.RoundCommitted::version)
        .containsExactly(3L, 4L, 5L);
    assertThat(second.globalModel().sha256()).isEqualTo(expected);
    assertThat(s.versions("durable")).hasSize(6);
    assertThat(s.verifyAudit().isOk()).isTrue();
  }

  @Test
  void withoutItsStateTheStrategyWouldDiverge() throws Exception {
    // guards the test above: momentum state matters, so equality there proves it was restored
    String three = runAuto(config(3), new Momentum(), null).globalModel().sha256();
    // two rounds, then one more from that model with a strategy that forgot its velocity
    Federation two = runAuto(config(2), new Momentum(), null);
    Federation one = new FederationBuilder().config(config(1)).initialModel(two.globalModel())
        .strategy(new Momentum()).safeguards(Safeguards.NONE).build();
    toClose.add(one);
    AutoParticipant p = new AutoParticipant("p0");
    p.fed = one;
    one.join(new ParticipantInfo("p0", "test", 10, null), p).get(5, TimeUnit.SECONDS);
    one.start();
    assertThat(one.awaitTermination(Duration.ofSeconds(5))).isTrue();
    assertThat(one.globalModel().sha256()).isNotEqualTo(three);
  }

  @Test
  void aStoreFailureAbortsTheRoundKeepsThePreviousVersionAndResetsTheStrategy() throws Exception {
    String expected = runAuto(config(3), new Momentum(), store("reference")).globalModel().sha256();
    events.clear();
    JdbcFederationStore s = store("failing");
    AtomicBoolean failedOnce = new AtomicBoolean();
    s.setProbe((p, round) -> {
      if (p == StoreProbe.Point.IN_TRANSACTION && round == 2 && failedOnce.compareAndSet(false, true)) {
        throw new IllegalStateException("disk full");
      }
    });
    Federation f = runAuto(config(3), new Momentum(), s);
    assertThat(f.state()).isEqualTo(FederationState.FINISHED);
    FederationEvent.RoundAborted aborted = eventsOf(FederationEvent.RoundAborted.class).get(0);
    assertThat(aborted.roundId()).isEqualTo(2);
    assertThat(aborted.reason()).contains("store failed").contains("disk full").contains("version 1 stays current");
    assertThat(eventsOf(FederationEvent.RoundCommitted.class)).extracting(FederationEvent.RoundCommitted::roundId)
        .containsExactly(1L, 3L, 4L);
    // the failed round left no trace: not in the model, not in the momentum
    assertThat(f.globalModel().sha256()).isEqualTo(expected);
    assertThat(s.currentVersion("durable")).isEqualTo(3);
    assertThat(s.rounds("durable")).containsEntry(2L, "ABORTED");
    assertThat(s.verifyAudit().isOk()).isTrue();
  }

  @Test
  void rollbackThroughTheFacadeWaitsForTheRoundThenMakesANewVersion() throws Exception {
    JdbcFederationStore s = store("rb");
    Federation f = build(config(3), new Momentum(), s);
    Manual p = new Manual();
    f.join(new ParticipantInfo("p0", "test", 10, null), p).get(5, TimeUnit.SECONDS);
    f.start();
    answer(f, p.tasks.poll(5, TimeUnit.SECONDS), 0.5f);
    TrainingTask t2 = p.tasks.poll(5, TimeUnit.SECONDS);
    assertThat(t2.baseVersion()).isEqualTo(1);
    String v1 = f.globalModel().sha256();

    CompletableFuture<Long> rb = f.rollback(0, "round 1 used a poisoned shard");
    Thread.sleep(100);
    assertThat(rb).isNotDone(); // round 2 is still collecting
    answer(f, t2, 0.25f);
    assertThat(rb.get(5, TimeUnit.SECONDS)).isEqualTo(3L);
    assertThat(f.globalModel().version()).isEqualTo(3);
    assertThat(f.globalModel().sha256()).isEqualTo(INITIAL.sha256()).isNotEqualTo(v1);
    FederationEvent.ModelRolledBack e = eventsOf(FederationEvent.ModelRolledBack.class).get(0);
    assertThat(e.fromVersion()).isEqualTo(2);
    assertThat(e.toVersion()).isZero();
    assertThat(e.newVersion()).isEqualTo(3);
    assertThat(e.reason()).contains("poisoned");
    TrainingTask t3 = p.tasks.poll(5, TimeUnit.SECONDS);
    assertThat(t3.roundId()).isEqualTo(3);
    assertThat(t3.baseVersion()).isEqualTo(3);
    answer(f, t3, 0.125f);
    assertThat(f.awaitTermination(Duration.ofSeconds(5))).isTrue();
    assertThat(f.globalModel().version()).isEqualTo(4);
    assertThat(s.version("durable", 3).origin()).isEqualTo("ROLLBACK");
    assertThat(s.audit(0)).extracting(a -> a.action()).contains("model.rolled_back");
  }

  @Test
  void aFailedRollbackChangesNothing() throws Exception {
    JdbcFederationStore s = store("badrb");
    Federation f = runAuto(config(2), new Momentum(), s);
    String before = f.globalModel().sha256();
    assertThatThrownBy(() -> f.rollback(17, "typo").get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("no model version 17");
    assertThatThrownBy(() -> f.rollback(1, "").get(5, TimeUnit.SECONDS)).hasMessageContaining("needs a reason");
    assertThat(f.globalModel().sha256()).isEqualTo(before);
    assertThat(s.currentVersion("durable")).isEqualTo(2);
    // a rollback after the federation finished still works (the operator may want the older model)
    assertThat(f.rollback(1, "prefer version 1").get(5, TimeUnit.SECONDS)).isEqualTo(3L);
  }

  @Test
  void rollbackWithoutAStoreIsRefused() throws Exception {
    Federation f = runAuto(config(1), new Momentum(), null);
    assertThatThrownBy(() -> f.rollback(0, "x").get(5, TimeUnit.SECONDS)).hasMessageContaining("no store");
  }

  @Test
  void restoredParticipantsAreSelectedOnlyAfterTheyRejoin() throws Exception {
    JdbcFederationStore s = store("rejoin");
    Federation f = build(config(1).toBuilder().perRound(2).build(), new Momentum(), s);
    AutoParticipant a = new AutoParticipant("a");
    AutoParticipant b = new AutoParticipant("b");
    a.fed = f;
    b.fed = f;
    f.join(new ParticipantInfo("a", "test", 10, null), a).get(5, TimeUnit.SECONDS);
    f.join(new ParticipantInfo("b", "test", 10, null), b).get(5, TimeUnit.SECONDS);
    f.start();
    assertThat(f.awaitTermination(Duration.ofSeconds(5))).isTrue();
    f.close();

    events.clear();
    Federation again = build(config(2).toBuilder().perRound(2).build(), new Momentum(), s);
    var snap = again.snapshot().get(5, TimeUnit.SECONDS);
    assertThat(snap.modelVersion()).isEqualTo(1);
    assertThat(snap.committedRounds()).isEqualTo(1);
    assertThat(snap.participants()).extracting(x -> x.id() + ":" + x.roundsSelected()).containsExactly("a:1", "b:1");
    AutoParticipant a2 = new AutoParticipant("a");
    a2.fed = again;
    again.join(new ParticipantInfo("a", "test", 10, null), a2).get(5, TimeUnit.SECONDS);
    again.start();
    assertThat(again.awaitTermination(Duration.ofSeconds(5))).isTrue();
    assertThat(eventsOf(FederationEvent.RoundStarted.class)).singleElement()
        .satisfies(r -> assertThat(r.selected()).containsExactly("a"));
  }

  void answer(Federation f, TrainingTask t, float value) {
    assertThat(t).isNotNull();
    float[] d = new float[LAYOUT.size()];
    java.util.Arrays.fill(d, value);
    f.submitUpdate(new Update("p0", t.roundId(), t.baseVersion(), t.nonce(), d, 10, t.localEpochs(),
        t.localEpochs(), Map.of(), new Provenance("test", 1, 10, null)));
  }
}
