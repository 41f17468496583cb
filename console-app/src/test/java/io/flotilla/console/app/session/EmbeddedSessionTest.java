package io.flotilla.console.app.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.engine.api.FederationState;
import io.flotilla.sim.inprocess.InProcessSimulation;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EmbeddedSessionTest {
  private static final SimulationConfig TINY = SimulationConfig.builder()
      .dataset("synthetic:0,0").participants(4).perRound(2).rounds(3).build();

  @Test
  void aSimulationThatFinishesLoadingAfterCloseIsClosedAtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<InProcessSimulation> built = new AtomicReference<>();
    EmbeddedSession session = EmbeddedSession.open(TINY, c -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      InProcessSimulation sim = InProcessSimulation.create(c);
      built.set(sim);
      return sim;
    });

    session.close(); // still loading: must not wait
    release.countDown();

    await().atMost(Duration.ofSeconds(20)).until(() -> built.get() != null
        && built.get().federation().state() == FederationState.STOPPED);
    session.close(); // idempotent
  }

  @Test
  void aFailedLoadCompletesReadyExceptionallyWithTheReason() {
    EmbeddedSession session = EmbeddedSession.open(TINY, c -> {
      throw new IllegalArgumentException("no such data set");
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> session.ready().isDone());
    assertThat(session.ready()).isCompletedExceptionally();
    assertThat(session.ready().handle((s, e) -> e.getCause().getMessage()).join()).isEqualTo("no such data set");
    session.close();
  }

  @Test
  void plannedInfoDescribesTheConfiguration() {
    SessionInfo info = SessionInfo.planned(TINY);
    assertThat(info.dataName()).isEqualTo("Synthetic(0, 0)");
    assertThat(info.summary()).isEqualTo("4 participants · 2 per round · logreg · fedavg");
    assertThat(info.rounds()).isEqualTo(3);
  }
}
