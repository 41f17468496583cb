package io.flotilla.engine.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.aggregate.FedAvg;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.Safeguards;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.api.UpdateOutcome;
import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.coordinator.CoordinatorLoopTest.Scripted;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.store.JdbcFederationStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** suspend / reinstate / revoke / withdrawConsent through the facade, with and without a store. */
class OperatorCommandsTest {
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

  List<Scripted> start(int n, int perRound, boolean durable) {
    FederationBuilder b = new FederationBuilder()
        .config(FederationConfig.builder().name("ops").rounds(50).perRound(perRound).minUpdates(1)
            .roundDeadline(Duration.ofSeconds(30)).build())
        .initialModel(ModelState.of(CoordinatorLoopTest.LAYOUT, new float[] {0, 0}, 0))
        .strategy(new FedAvg(FedAvg.Weighting.SAMPLES)).safeguards(Safeguards.NONE);
    if (durable) {
      store = JdbcFederationStore.openDirectory(dir);
      b.store(store);
    }
    fed = b.build();
    fed.subscribe(events::add);
    List<Scripted> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Scripted s = new Scripted("p" + i);
      fed.join(new ParticipantInfo(s.id, "test", 10, null), s).join();
      ps.add(s);
    }
    return ps;
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS);
  }

  <T extends FederationEvent> List<T> eventsOf(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void suspendingAPendingParticipantRefusesItsUpdateAndTheRoundGoesOnWithoutIt() throws Exception {
    List<Scripted> ps = start(2, 2, true);
    fed.start();
    TrainingTask t0 = ps.get(0).next();
    TrainingTask t1 = ps.get(1).next();
    fed.submitUpdate(ps.get(0).answer(t0, 10, 1f, 1f));
    get(fed.suspend("p1", "alice", "flaky device"));
    // the round closed without waiting for p1, and p1's late answer is refused
    UpdateOutcome late = get(fed.submit(ps.get(1).answer(t1, 10, 5f, 5f)));
    assertThat(late.accepted()).isFalse();
    assertThat(late.reason()).isEqualTo(RejectReason.NOT_SELECTED);
    assertThat(eventsOf(FederationEvent.ParticipantFailed.class)).anySatisfy(f -> {
      assertThat(f.participantId()).isEqualTo("p1");
      assertThat(f.reason()).contains("suspended by alice: flaky device");
    });
    // later rounds select p0 only
    TrainingTask next = ps.get(0).next();
    assertThat(next.roundId()).isEqualTo(t0.roundId() + 1);
    assertThat(ps.get(1).tasks.poll(200, TimeUnit.MILLISECONDS)).isNull();
    assertThat(eventsOf(FederationEvent.ParticipantStateChanged.class)).singleElement().satisfies(e -> {
      assertThat(e.from()).isEqualTo("ACTIVE");
      assertThat(e.to()).isEqualTo("SUSPENDED");
      assertThat(e.actor()).isEqualTo("alice");
    });
    assertThat(eventsOf(FederationEvent.ParticipantSuspended.class)).extracting(e -> e.participantId())
        .containsExactly("p1");
    // reinstated: selectable again
    get(fed.reinstate("p1", "alice", "fixed"));
    fed.submitUpdate(ps.get(0).answer(next, 10, 1f, 1f));
    TrainingTask again = ps.get(1).next();
    assertThat(again.roundId()).isGreaterThan(next.roundId());
    fed.close();
    List<AuditEntry> audit = store.audit(0);
    assertThat(audit).filteredOn(a -> a.action().equals("participant.suspended")).singleElement().satisfies(a -> {
      assertThat(a.actor()).isEqualTo("alice");
      assertThat(a.subject()).isEqualTo("p1");
      assertThat(a.detail()).contains("flaky device");
    });
    assertThat(audit).extracting(AuditEntry::action).contains("participant.reinstated");
    assertThat(store.verifyAudit().isOk()).isTrue();
  }

  @Test
  void revokeIsForGoodAndWithdrawalIsAuditedWithTheParticipantAsActor() throws Exception {
    List<Scripted> ps = start(3, 1, true);
    get(fed.revoke("p1", "bob", "compromised key"));
    get(fed.withdrawConsent("p2", "no longer consents"));
    assertThatThrownBy(() -> get(fed.reinstate("p1", "bob", "oops"))).hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REVOKED, not SUSPENDED");
    assertThatThrownBy(() -> get(fed.revoke("p1", "bob", "again"))).hasMessageContaining("it already is");
    assertThatThrownBy(() -> get(fed.suspend("p2", "bob", "x"))).hasMessageContaining("not a legal transition");
    fed.start();
    for (int i = 0; i < 3; i++) { // only p0 is ever selected
      TrainingTask t = ps.get(0).next();
      fed.submitUpdate(ps.get(0).answer(t, 10, 1f, 0f));
    }
    assertThat(ps.get(1).tasks).isEmpty();
    assertThat(ps.get(2).tasks).isEmpty();
    var snap = get(fed.snapshot());
    assertThat(snap.participants()).filteredOn(p -> !p.id().equals("p0")).extracting(p -> p.state())
        .containsOnly("REVOKED");
    fed.close();
    assertThat(store.audit(0)).filteredOn(a -> a.action().equals("participant.consent_withdrawn")).singleElement()
        .satisfies(a -> assertThat(a.actor()).isEqualTo("p2"));
    assertThat(store.audit(0)).filteredOn(a -> a.action().equals("participant.revoked")).singleElement()
        .satisfies(a -> assertThat(a.actor()).isEqualTo("bob"));
  }

  @Test
  void unknownParticipantOrMissingReasonFailsAndChangesNothing() throws Exception {
    start(2, 1, true);
    assertThatThrownBy(() -> get(fed.suspend("nobody", "alice", "why"))).isInstanceOf(ExecutionException.class)
        .hasMessageContaining("no participant 'nobody'");
    assertThatThrownBy(() -> get(fed.suspend("p0", "alice", " "))).hasMessageContaining("needs an actor and a reason");
    assertThat(get(fed.snapshot()).participants()).extracting(p -> p.state()).containsOnly("ACTIVE");
    assertThat(eventsOf(FederationEvent.ParticipantStateChanged.class)).isEmpty();
    fed.close();
    assertThat(store.audit(0)).extracting(AuditEntry::action).filteredOn(a -> a.startsWith("participant."))
        .containsOnly("participant.registered");
  }

  @Test
  void commandsWorkWithoutAStore() throws Exception {
    List<Scripted> ps = start(2, 2, false);
    get(fed.suspend("p0", "op", "test"));
    fed.start();
    TrainingTask t = ps.get(1).next();
    assertThat(ps.get(0).tasks.poll(200, TimeUnit.MILLISECONDS)).isNull();
    assertThat(t.roundId()).isEqualTo(1);
    get(fed.revoke("p0", "op", "test"));
    assertThat(eventsOf(FederationEvent.ParticipantStateChanged.class)).extracting(e -> e.to())
        .containsExactly("SUSPENDED", "REVOKED");
  }
}
