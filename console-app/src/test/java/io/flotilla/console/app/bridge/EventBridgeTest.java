package io.flotilla.console.app.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.RoundAborted;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventBridgeTest {
  private static FederationEvent event(long seq) {
    return new RoundAborted(seq, Instant.EPOCH, seq, "test");
  }

  @Test
  void manyEventsBeforeTheDrainRunsPostOneDrainAndArriveAsOneOrderedBatch() {
    ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();
    List<List<FederationEvent>> batches = new ArrayList<>();
    try (EventBridge bridge = new EventBridge(posted::add, Duration.ZERO, batches::add)) {
      for (long i = 1; i <= 1000; i++) {
        bridge.accept(event(i));
      }
      assertThat(posted).hasSize(1);

      posted.poll().run();

      assertThat(batches).hasSize(1);
      assertThat(batches.get(0)).extracting(FederationEvent::seq)
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 1000).boxed().toList());

      bridge.accept(event(1001)); // the flag was cleared: the next event posts the next drain
      assertThat(posted).hasSize(1);
    }
  }

  @Test
  void heartbeatsOfOneParticipantInABatchCollapseToTheNewestAndEverythingElseStaysInOrder() {
    ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();
    List<List<FederationEvent>> batches = new ArrayList<>();
    try (EventBridge bridge = new EventBridge(posted::add, Duration.ZERO, batches::add)) {
      long seq = 0;
      for (int beat = 0; beat < 5; beat++) {
        for (int p = 0; p < 1000; p++) {
          bridge.accept(new FederationEvent.ParticipantHeartbeat(++seq, Instant.EPOCH, "p" + p,
              io.flotilla.engine.api.Health.mains(beat / 10.0), 0, "idle"));
        }
        bridge.accept(event(++seq));
      }
      posted.poll().run();
      List<FederationEvent> batch = batches.get(0);
      assertThat(batch).hasSize(1000 + 5);
      assertThat(batch).filteredOn(FederationEvent.ParticipantHeartbeat.class::isInstance)
          .allSatisfy(e -> assertThat(((FederationEvent.ParticipantHeartbeat) e).health().cpuLoad()).isEqualTo(0.4));
      assertThat(batch).filteredOn(RoundAborted.class::isInstance).extracting(FederationEvent::seq)
          .containsExactly(1001L, 2002L, 3003L, 4004L, 5005L);
      assertThat(batch).extracting(FederationEvent::seq).isSorted();
    }
  }

  @Test
  void withADirectExecutorEveryEventIsDeliveredAtOnce() {
    List<FederationEvent> seen = new ArrayList<>();
    try (EventBridge bridge = new EventBridge(Runnable::run, Duration.ZERO, seen::addAll)) {
      bridge.accept(event(1));
      bridge.accept(event(2));
      assertThat(seen).extracting(FederationEvent::seq).containsExactly(1L, 2L);
    }
  }

  @Test
  void drainsAreCappedAtOnePerIntervalAndNothingIsLostOrReordered() throws Exception {
    ExecutorService ui = Executors.newSingleThreadExecutor();
    List<List<FederationEvent>> batches = new CopyOnWriteArrayList<>();
    AtomicLong delivered = new AtomicLong();
    int total = 50_000;
    long started = System.nanoTime();
    try (EventBridge bridge = new EventBridge(ui, Duration.ofMillis(50), b -> {
      batches.add(b);
      delivered.addAndGet(b.size());
    })) {
      Thread producer = new Thread(() -> {
        for (long i = 1; i <= total; i++) {
          bridge.accept(event(i));
          if (i % 500 == 0) {
            try {
              Thread.sleep(4);
            } catch (InterruptedException e) {
              return;
            }
          }
        }
      });
      producer.start();
      producer.join();
      await().atMost(Duration.ofSeconds(5)).until(() -> delivered.get() == total);
    } finally {
      ui.shutdown();
      ui.awaitTermination(5, TimeUnit.SECONDS);
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(batches.size()).isLessThanOrEqualTo((int) (elapsedMs / 50) + 2);
    long expected = 1;
    for (List<FederationEvent> b : batches) {
      for (FederationEvent e : b) {
        assertThat(e.seq()).isEqualTo(expected++);
      }
    }
  }

  @Test
  void afterCloseEventsAreDropped() {
    List<FederationEvent> seen = new ArrayList<>();
    EventBridge bridge = new EventBridge(Runnable::run, Duration.ZERO, seen::addAll);
    bridge.close();
    bridge.close();
    bridge.accept(event(1));
    assertThat(seen).isEmpty();
  }
}
