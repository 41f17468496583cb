package io.flotilla.engine.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationSnapshot.ParticipantSnapshot;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.Health;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.PrivacyConfig;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.Safeguards;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Screening, trust, suspension and central DP through the coordinator, with scripted participants. */
class RobustnessTest {
  static final int P = 64;
  static final Extensions EXT = Extensions.load();
  final List<FederationEvent> events = new CopyOnWriteArrayList<>();
  final BlockingQueue<TrainingTask> tasks = new LinkedBlockingQueue<>();
  final Map<Long, String> taskOwner = new HashMap<>();
  Federation fed;

  @AfterEach
  void close() {
    if (fed != null) {
      fed.close();
    }
  }

  Federation start(FederationConfig cfg, String strategy, Safeguards safeguards, int participants, String selection) {
    fed = new FederationBuilder().config(cfg).initialModel(ModelState.of(ParameterLayout.of(new TensorSpec("w", P)),
            new float[P], 0)).strategy(EXT.strategy(strategy)).selection(EXT.selection(selection))
        .safeguards(safeguards).evaluator(m -> Map.of()).build();
    fed.subscribe(events::add);
    for (int i = 0; i < participants; i++) {
      String id = "p" + i;
      fed.join(new ParticipantInfo(id, "test", 10, null), new ParticipantLink() {
        @Override
        public void instruct(TrainingTask task) {
          synchronized (taskOwner) {
            taskOwner.put(task.nonce(), id);
          }
          tasks.add(task);
        }
      }).join();
    }
    fed.start();
    return fed;
  }

  /** Honest deltas share a trend; attackers (ids in {@code attackers}) send it negated and boosted ×4. */
  static float[] delta(String id, long round, Set<String> attackers) {
    SplittableRandom r = new SplittableRandom(round * 1000 + id.hashCode());
    float[] d = new float[P];
    for (int i = 0; i < P; i++) {
      d[i] = (float) (Math.sin(i + 0.1 * round) + 0.3 * r.nextGaussian());
    }
    if (attackers.contains(id)) {
      for (int i = 0; i < P; i++) {
        d[i] *= -4;
      }
    }
    return d;
  }

  /** Answers every task of each round in {@code reversed} or cohort order until the federation ends. */
  void play(Set<String> attackers, boolean reversed) throws InterruptedException {
    while (!fed.state().isTerminal()) {
      TrainingTask first = tasks.poll(200, TimeUnit.MILLISECONDS);
      if (first == null) {
        continue;
      }
      List<TrainingTask> round = new ArrayList<>(List.of(first));
      TrainingTask t;
      while ((t = tasks.poll(100, TimeUnit.MILLISECONDS)) != null) {
        round.add(t);
      }
      if (reversed) {
        Collections.reverse(round);
      }
      for (TrainingTask task : round) {
        String id;
        synchronized (taskOwner) {
          id = taskOwner.get(task.nonce());
        }
        fed.submitUpdate(new Update(id, task.roundId(), task.baseVersion(), task.nonce(),
            delta(id, task.roundId(), attackers), 10, 1, 1, Map.of("train_loss", 1.0),
            new Provenance("test", 1, 10, null)));
      }
    }
  }

  <T extends FederationEvent> List<T> eventsOf(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void attackersAreRejectedSuspendedAndTheVerdictsDoNotDependOnArrivalOrder() throws Exception {
    Set<String> attackers = Set.of("p1", "p4", "p7");
    String[] sha = new String[2];
    List<List<String>> rejectedRuns = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      events.clear();
      start(FederationConfig.builder().rounds(5).perRound(10).minUpdates(1).seed(3).build(), "fedavg",
          Safeguards.defaults(), 10, "uniform");
      play(attackers, run == 1);
      assertThat(fed.state()).isEqualTo(FederationState.FINISHED);
      sha[run] = fed.globalModel().sha256();
      List<FederationEvent.UpdateRejected> rejected = eventsOf(FederationEvent.UpdateRejected.class);
      assertThat(rejected).isNotEmpty().allSatisfy(r -> {
        assertThat(attackers).contains(r.participantId());
        assertThat(r.reason().isSuspicious()).isTrue();
      });
      rejectedRuns.add(rejected.stream().map(r -> r.roundId() + ":" + r.participantId() + ":" + r.reason()).toList());
      // three strikes: every attacker is suspended after its third suspicious update, and only attackers
      assertThat(eventsOf(FederationEvent.ParticipantSuspended.class))
          .extracting(FederationEvent.ParticipantSuspended::participantId).containsExactlyInAnyOrderElementsOf(attackers);
      List<ParticipantSnapshot> ps = fed.snapshot().get(5, TimeUnit.SECONDS).participants();
      assertThat(ps).filteredOn(p -> attackers.contains(p.id())).allSatisfy(p -> {
        assertThat(p.state()).isEqualTo("SUSPENDED");
        assertThat(p.trust()).isLessThan(0.2);
        assertThat(p.strikes()).isEqualTo(3);
      });
      assertThat(ps).filteredOn(p -> !attackers.contains(p.id())).allSatisfy(p -> assertThat(p.trust()).isEqualTo(1.0));
      // rounds 4 and 5 select only the seven honest participants
      assertThat(eventsOf(FederationEvent.RoundStarted.class)).filteredOn(r -> r.roundId() >= 4)
          .allSatisfy(r -> assertThat(r.selected()).hasSize(7).doesNotContainAnyElementsOf(attackers));
      fed.close();
    }
    assertThat(sha[1]).isEqualTo(sha[0]);
    assertThat(rejectedRuns.get(1)).containsExactlyInAnyOrderElementsOf(rejectedRuns.get(0));
  }

  @Test
  void withoutScreeningTheSameAttackIsAccepted() throws Exception {
    start(FederationConfig.builder().rounds(2).perRound(10).minUpdates(1).seed(3).build(), "fedavg",
        Safeguards.NONE, 10, "uniform");
    play(Set.of("p1", "p4", "p7"), false);
    assertThat(eventsOf(FederationEvent.UpdateRejected.class)).isEmpty();
    assertThat(eventsOf(FederationEvent.UpdateAccepted.class)).hasSize(20);
  }

  @Test
  void krumNeedsEnoughUpdatesPerRound() throws Exception {
    assertThatThrownBy(() -> start(FederationConfig.builder().rounds(1).perRound(5).build(), "krum:f=2",
        Safeguards.NONE, 5, "uniform")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("krum").hasMessageContaining("at least 7");
    // enough selected, too few delivered: the round aborts, naming the rule
    start(FederationConfig.builder().rounds(1).perRound(7).minUpdates(1).maxConsecutiveAborts(1).build(),
        "krum:f=2", Safeguards.NONE, 7, "uniform");
    for (int k = 0; k < 7; k++) {
      TrainingTask t = tasks.poll(5, TimeUnit.SECONDS);
      String id;
      synchronized (taskOwner) {
        id = taskOwner.get(t.nonce());
      }
      if (k < 5) {
        fed.submitUpdate(new Update(id, t.roundId(), t.baseVersion(), t.nonce(), delta(id, 1, Set.of()), 10, 1, 1,
            Map.of(), new Provenance("test", 1, 10, null)));
      } else {
        fed.reportFailure(id, t.roundId(), "dropped");
      }
    }
    assertThat(fed.awaitTermination(Duration.ofSeconds(5))).isTrue();
    assertThat(eventsOf(FederationEvent.RoundAborted.class)).singleElement()
        .satisfies(a -> assertThat(a.reason()).contains("2f+3 = 7").contains("has 5"));
  }

  @Test
  void centralDpReportsEpsilonAndStopsAtTheBudget() throws Exception {
    PrivacyConfig dp = new PrivacyConfig(1.0, 1.0, 1e-5, 12.0, 1L);
    start(FederationConfig.builder().rounds(50).perRound(5).minUpdates(1).build(), "fedavg",
        Safeguards.NONE.withPrivacy(dp), 10, "uniform");
    play(Set.of(), false);
    assertThat(fed.state()).isEqualTo(FederationState.FINISHED);
    List<FederationEvent.RoundCommitted> commits = eventsOf(FederationEvent.RoundCommitted.class);
    assertThat(commits).isNotEmpty().hasSizeLessThan(50);
    double prev = 0;
    for (FederationEvent.RoundCommitted c : commits) {
      double eps = c.metrics().get("dp_epsilon");
      assertThat(eps).isGreaterThan(prev).isLessThanOrEqualTo(12.0);
      prev = eps;
    }
    assertThat(eventsOf(FederationEvent.StateChanged.class)).last()
        .satisfies(s -> assertThat(s.reason()).contains("privacy budget spent"));
  }

  @Test
  void heartbeatsSteerEnergyAwareSelection() throws Exception {
    start(FederationConfig.builder().rounds(1).perRound(4).minUpdates(1).build(), "fedavg", Safeguards.NONE, 0,
        "energy-aware");
    fed.pause();
    for (int i = 0; i < 6; i++) {
      String id = "p" + i;
      fed.join(new ParticipantInfo(id, "phone", 10, null), new ParticipantLink() {
        @Override
        public void instruct(TrainingTask task) {
          synchronized (taskOwner) {
            taskOwner.put(task.nonce(), id);
          }
          tasks.add(task);
        }
      }).join();
      fed.reportHealth(id, new Health(i < 3 ? 0.05 : 0.9, false, 0.1, -1));
    }
    fed.resume();
    play(Set.of(), false);
    assertThat(eventsOf(FederationEvent.RoundStarted.class)).singleElement()
        .satisfies(r -> assertThat(r.selected()).containsExactlyInAnyOrder("p3", "p4", "p5"));
  }
}
