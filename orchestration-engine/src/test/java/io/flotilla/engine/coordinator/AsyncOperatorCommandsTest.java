package io.flotilla.engine.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.AsyncConfig;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.StalenessFunction;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.coordinator.BufferedAsyncCoordinatorTest.Link;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The operator commands in asynchronous (FedBuff) mode: a suspended participant's task is cancelled. */
class AsyncOperatorCommandsTest {
  @Test
  void suspendCancelsTheTaskRefusesTheUpdateAndReinstateMakesItSelectableAgain() throws Exception {
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    try (Federation f = new BufferedAsyncCoordinatorTest().federation(
        new AsyncConfig(2, 2, new StalenessFunction.InverseSqrt(), 1.0, 10), 5)) {
      f.subscribe(events::add);
      Link a = new Link("a", new LinkedBlockingQueue<>());
      Link b = new Link("b", new LinkedBlockingQueue<>());
      f.join(new ParticipantInfo("a", "t", 10, null), a).get(5, TimeUnit.SECONDS);
      f.join(new ParticipantInfo("b", "t", 10, null), b).get(5, TimeUnit.SECONDS);
      f.start();
      TrainingTask ta = a.tasks().poll(5, TimeUnit.SECONDS);
      assertThat(b.tasks().poll(5, TimeUnit.SECONDS)).isNotNull();
      f.suspend("a", "op", "maintenance").get(5, TimeUnit.SECONDS);
      var late = f.submit(BufferedAsyncCoordinatorTest.update("a", ta, 1f)).get(5, TimeUnit.SECONDS);
      assertThat(late.accepted()).isFalse();
      assertThat(late.reason()).isEqualTo(RejectReason.NOT_SELECTED);
      assertThat(events).filteredOn(FederationEvent.ParticipantFailed.class::isInstance).isNotEmpty();
      assertThatThrownBy(() -> f.reinstate("b", "op", "x").get(5, TimeUnit.SECONDS))
          .hasMessageContaining("not SUSPENDED");
      f.reinstate("a", "op", "back").get(5, TimeUnit.SECONDS);
      assertThat(a.tasks().poll(5, TimeUnit.SECONDS)).as("dispatched again").isNotNull();
      assertThat(events).filteredOn(FederationEvent.ParticipantStateChanged.class::isInstance)
          .extracting(e -> ((FederationEvent.ParticipantStateChanged) e).to()).containsExactly("SUSPENDED", "ACTIVE");
    }
  }
}
