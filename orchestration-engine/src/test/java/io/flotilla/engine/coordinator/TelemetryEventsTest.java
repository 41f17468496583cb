package io.flotilla.engine.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.AsyncConfig;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.ParticipantHeartbeat;
import io.flotilla.engine.api.FederationEvent.UpdatePhases;
import io.flotilla.engine.api.Health;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.PhaseTimings;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.Safeguards;
import io.flotilla.engine.api.StalenessFunction;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.store.JdbcFederationStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeats and phase timings reach the event stream as ParticipantHeartbeat / UpdatePhases, and stay
 * telemetry: the same final model, the same audit chain, nothing stored.
 */
class TelemetryEventsTest {
  @TempDir Path dir;
  final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  /** Answers every task at once (as DurableCoordinatorTest's), optionally with a heartbeat and its phases. */
  static final class Participant implements ParticipantLink {
    final String id;
    final boolean telemetry;
    volatile Federation fed;

    Participant(String id, boolean telemetry) {
      this.id = id;
      this.telemetry = telemetry;
    }

    @Override
    public void instruct(TrainingTask t) {
      if (telemetry) {
        fed.reportHeartbeat(id, new Health(0.5, false, 0.25, 1L << 30), t.roundId(), "train");
      }
      float[] base = t.model().copyParameters();
      float[] d = new float[base.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = 0.25f - 0.5f * base[i];
      }
      fed.submitUpdate(new Update(id, t.roundId(), t.baseVersion(), t.nonce(), d, 10, t.localEpochs(),
          t.localEpochs(), Map.of(), new Provenance("test", 1, 10, null)));
      if (telemetry) {
        fed.reportPhases(id, t.roundId(), new PhaseTimings(10, 20 * t.roundId(), 5));
      }
    }
  }

  private record Run(String sha, List<FederationEvent> events, List<AuditEntry> audit, long updateRows) {}

  private Run run(String sub, boolean telemetry) throws Exception {
    JdbcFederationStore store = JdbcFederationStore.openDirectory(dir.resolve(sub));
    toClose.add(store);
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    Federation f = new FederationBuilder()
        .config(FederationConfig.builder().name("tele").rounds(3).perRound(1).minUpdates(1).seed(5).build())
        .initialModel(DurableCoordinatorTest.INITIAL).strategy(new DurableCoordinatorTest.Momentum())
        .safeguards(Safeguards.NONE).store(store).build();
    toClose.add(f);
    f.subscribe(events::add);
    Participant p = new Participant("p0", telemetry);
    p.fed = f;
    f.join(new ParticipantInfo("p0", "test", 10, null), p).get(5, TimeUnit.SECONDS);
    f.start();
    assertThat(f.awaitTermination(Duration.ofSeconds(20))).isTrue();
    f.close();
    return new Run(f.globalModel().sha256(), events, store.audit(10_000), store.updateMetadataCount("tele"));
  }

  @Test
  void heartbeatsAndPhasesBecomeEventsButChangeNeitherTheModelNorTheStoreNorTheAuditLog() throws Exception {
    Run plain = run("plain", false);
    Run tele = run("tele", true);

    assertThat(tele.events()).filteredOn(ParticipantHeartbeat.class::isInstance).hasSize(3)
        .map(ParticipantHeartbeat.class::cast)
        .allSatisfy(h -> {
          assertThat(h.participantId()).isEqualTo("p0");
          assertThat(h.phase()).isEqualTo("train");
          assertThat(h.health().battery()).isEqualTo(0.5);
        })
        .extracting(ParticipantHeartbeat::roundId).containsExactly(1L, 2L, 3L);
    assertThat(tele.events()).filteredOn(UpdatePhases.class::isInstance).map(UpdatePhases.class::cast)
        .extracting(u -> u.roundId() + ":" + u.timings().trainMillis())
        .containsExactly("1:20", "2:40", "3:60");
    // sequence numbers stay gap-free and monotonic with the new events in between
    for (int i = 1; i < tele.events().size(); i++) {
      assertThat(tele.events().get(i).seq()).isEqualTo(tele.events().get(i - 1).seq() + 1);
    }

    assertThat(tele.sha()).isEqualTo(plain.sha());
    assertThat(tele.audit()).extracting(AuditEntry::action)
        .containsExactlyElementsOf(plain.audit().stream().map(AuditEntry::action).toList());
    assertThat(tele.audit()).extracting(AuditEntry::toString)
        .noneMatch(s -> s.toLowerCase(java.util.Locale.ROOT).contains("heartbeat")
            || s.toLowerCase(java.util.Locale.ROOT).contains("phase"));
    assertThat(tele.updateRows()).isEqualTo(plain.updateRows());
  }

  @Test
  void badTelemetryIsRefusedNamingTheProblemAndUnknownParticipantsAreIgnored() throws Exception {
    assertThatThrownBy(() -> new PhaseTimings(10, -1, 5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("train=-1");
    Federation f = new FederationBuilder()
        .config(FederationConfig.builder().name("t").rounds(1).perRound(1).build())
        .initialModel(DurableCoordinatorTest.INITIAL).safeguards(Safeguards.NONE).build();
    toClose.add(f);
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    f.subscribe(events::add);
    f.join(new ParticipantInfo("p0", "test", 10, null), t -> { }).get(5, TimeUnit.SECONDS);
    events.clear();
    assertThatThrownBy(() -> f.reportHeartbeat("p0", null, 0, "idle")).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("health");
    f.reportHeartbeat("stranger", Health.mains(0.1), 0, "idle");
    f.reportPhases("stranger", 1, new PhaseTimings(1, 2, 3));
    f.snapshot().get(5, TimeUnit.SECONDS); // everything queued before it has run
    assertThat(events).isEmpty();
    assertThat(f.snapshot().get(5, TimeUnit.SECONDS).participants()).hasSize(1);
  }

  /**
   * The rate the console must survive: a thousand participants each sending a heartbeat. One command and one
   * event each; the loop gets through them in a few milliseconds (the bound here is loose: shared machine).
   */
  @Test
  void aThousandHeartbeatsAreAThousandCheapEvents() throws Exception {
    Federation f = new FederationBuilder()
        .config(FederationConfig.builder().name("rate").rounds(1).perRound(1).build())
        .initialModel(DurableCoordinatorTest.INITIAL).safeguards(Safeguards.NONE).build();
    toClose.add(f);
    int n = 1_000;
    for (int i = 0; i < n; i++) {
      f.join(new ParticipantInfo("p" + i, "test", 10, null), t -> { });
    }
    f.snapshot().get(10, TimeUnit.SECONDS);
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    f.subscribe(events::add);
    long best = Long.MAX_VALUE;
    for (int rep = 0; rep < 5; rep++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        f.reportHeartbeat("p" + i, Health.mains(0.3), 0, "idle");
      }
      f.snapshot().get(10, TimeUnit.SECONDS);
      best = Math.min(best, System.nanoTime() - t0);
    }
    System.out.printf("1000 heartbeats through the coordinator loop: best of 5 %.2f ms%n", best / 1e6);
    assertThat(events).filteredOn(ParticipantHeartbeat.class::isInstance).hasSize(5 * n);
    assertThat(best).isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
  }

  @Test
  void theAsynchronousCoordinatorPublishesThemToo() throws Exception {
    Federation f = new FederationBuilder()
        .config(FederationConfig.builder().name("async").rounds(1).perRound(1).build())
        .initialModel(DurableCoordinatorTest.INITIAL).safeguards(Safeguards.NONE)
        .async(new AsyncConfig(1, 1, new StalenessFunction.Constant(), 1.0, 0)).build();
    toClose.add(f);
    assertThat(f).isInstanceOf(BufferedAsyncCoordinator.class);
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    f.subscribe(events::add);
    f.join(new ParticipantInfo("p0", "test", 10, null), t -> { }).get(5, TimeUnit.SECONDS);
    f.reportHeartbeat("p0", Health.mains(0.2), 4, "upload");
    f.reportPhases("p0", 4, new PhaseTimings(1, 2, 3));
    f.reportPhases("stranger", 4, new PhaseTimings(1, 2, 3));
    f.snapshot().get(5, TimeUnit.SECONDS);
    assertThat(events).filteredOn(ParticipantHeartbeat.class::isInstance).singleElement()
        .satisfies(e -> assertThat(((ParticipantHeartbeat) e).phase()).isEqualTo("upload"));
    assertThat(events).filteredOn(UpdatePhases.class::isInstance).singleElement()
        .satisfies(e -> assertThat(((UpdatePhases) e).timings()).isEqualTo(new PhaseTimings(1, 2, 3)));
  }
}
