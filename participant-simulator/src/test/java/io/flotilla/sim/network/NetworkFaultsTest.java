package io.flotilla.sim.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.transport.CoordinatorServer;
import io.flotilla.engine.transport.TelemetryEvent;
import io.flotilla.engine.transport.TransportConfig;
import io.flotilla.engine.transport.proto.CoordinatorMessage;
import io.flotilla.engine.transport.proto.Encoding;
import io.flotilla.sim.inprocess.Scenario;
import io.flotilla.sim.inprocess.SimulationConfig;
import io.flotilla.sim.participant.Channels;
import io.flotilla.sim.participant.ClientEvent;
import io.flotilla.sim.participant.ParticipantClient;
import io.flotilla.sim.participant.SimulatedTrainer;
import io.flotilla.sim.participant.Swarm;
import io.flotilla.sim.participant.Trainer;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Participants that crash, drop and come back, newer peers, lossy encodings and telemetry, over loopback. */
@Timeout(60)
class NetworkFaultsTest {
  final List<FederationEvent> events = new CopyOnWriteArrayList<>();
  final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  final ExecutorService workers = Executors.newFixedThreadPool(2);

  static SimulationConfig small(int rounds) {
    return SimulationConfig.builder().dataset("synthetic:0,0").participants(6).perRound(6).minUpdates(4)
        .rounds(rounds).localEpochs(1).batchSize(10).learningRate(0.01f).seed(5)
        .roundDeadline(Duration.ofSeconds(20)).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    workers.shutdownNow();
    scheduler.shutdownNow();
  }

  ScenarioCoordinator coordinator(Scenario s, TransportConfig t) throws IOException {
    ScenarioCoordinator c = ScenarioCoordinator.start(s, t, "sync", Extensions.load(), Clock.systemUTC(),
        UnaryOperator.identity());
    c.federation().subscribe(events::add);
    closeables.add(c);
    return c;
  }

  Swarm swarm(ScenarioCoordinator c, int first, int count) {
    Scenario s = c.scenario();
    Swarm w = new Swarm(c.server().address(), Channels.insecure(), s, first, count, 2, 2,
        ParticipantClient.Options.defaults(3), Clock.systemUTC(), i -> SimulatedTrainer.forScenario(s, i));
    closeables.add(w);
    return w.start();
  }

  /** Trains like participant 0, but only once released (or gives up when the round is cancelled). */
  static final class HeldTrainer implements Trainer {
    final Trainer real;
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    HeldTrainer(Trainer real) {
      this.real = real;
    }

    @Override
    public Profile profile() {
      return real.profile();
    }

    @Override
    public Result train(Task task) throws Exception {
      started.countDown();
      while (!release.await(20, TimeUnit.MILLISECONDS)) {
        if (Thread.currentThread().isInterrupted()) {
          return Result.failed("interrupted");
        }
      }
      return real.train(task);
    }
  }

  ParticipantClient ownClient(ScenarioCoordinator c, Trainer trainer, ParticipantClient.Options o) {
    ParticipantClient p = new ParticipantClient(c.scenario().participantId(0), trainer,
        Channels.open(c.server().address(), Channels.insecure()), true, scheduler, workers, Clock.systemUTC(), o);
    closeables.add(p);
    return p;
  }

  @Test
  void aParticipantKilledMidRoundIsAStragglerAndTheRoundCommitsOnQuorum() throws Exception {
    Scenario s = Scenario.of(small(1));
    ScenarioCoordinator c = coordinator(s, TransportConfig.builder().build());
    HeldTrainer held = new HeldTrainer(SimulatedTrainer.forScenario(s, 0));
    ParticipantClient victim = ownClient(c, held, ParticipantClient.Options.defaults(1));
    victim.start();
    swarm(c, 1, 5);
    assertThat(c.awaitParticipants(6, Duration.ofSeconds(20))).isTrue();
    c.startRounds();
    assertThat(held.started.await(20, TimeUnit.SECONDS)).isTrue();
    victim.kill(); // the process dies while training: its socket closes without a goodbye

    assertThat(c.await(Duration.ofSeconds(30))).isTrue();
    assertThat(c.federation().state()).isEqualTo(FederationState.FINISHED);
    assertThat(events).filteredOn(FederationEvent.ParticipantFailed.class::isInstance)
        .singleElement().satisfies(e -> {
          FederationEvent.ParticipantFailed f = (FederationEvent.ParticipantFailed) e;
          assertThat(f.participantId()).isEqualTo("p0");
          assertThat(f.reason()).startsWith("straggler");
        });
    assertThat(events).filteredOn(FederationEvent.RoundCommitted.class::isInstance).singleElement()
        .satisfies(e -> {
          assertThat(((FederationEvent.RoundCommitted) e).contributors()).isEqualTo(5);
          assertThat(((FederationEvent.RoundCommitted) e).selected()).isEqualTo(6);
        });
    assertThat(c.server().meterRegistry().find("flotilla.participant.failures").tag("kind", "straggler")
        .counter().count()).isEqualTo(1.0);
  }

  @Test
  void aParticipantThatDropsAndReconnectsMidRoundIsNeverCountedTwice() throws Exception {
    Scenario s = Scenario.of(small(1));
    ScenarioCoordinator c = coordinator(s, TransportConfig.builder().build());
    HeldTrainer held = new HeldTrainer(SimulatedTrainer.forScenario(s, 0));
    ParticipantClient p0 = ownClient(c, held, ParticipantClient.Options.defaults(1)
        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)));
    List<ClientEvent> seen = new CopyOnWriteArrayList<>();
    p0.onEvent(seen::add);
    p0.start();
    swarm(c, 1, 5);
    assertThat(c.awaitParticipants(6, Duration.ofSeconds(20))).isTrue();
    c.startRounds();
    assertThat(held.started.await(20, TimeUnit.SECONDS)).isTrue();
    p0.dropSession(); // the network fails under it; it reconnects with backoff and resumes
    await().atMost(Duration.ofSeconds(10)).until(() -> p0.sessionsOpened() == 2);
    held.release.countDown(); // its training finishes after the reconnect: the update goes out on the new session

    assertThat(c.await(Duration.ofSeconds(30))).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(ClientEvent.UpdateAnswered.class::isInstance));
    ClientEvent.UpdateAnswered answer = seen.stream().filter(ClientEvent.UpdateAnswered.class::isInstance)
        .map(ClientEvent.UpdateAnswered.class::cast).findFirst().orElseThrow();
    long p0Accepted = events.stream().filter(e -> e instanceof FederationEvent.UpdateAccepted a
        && a.participantId().equals("p0")).count();
    boolean reportedLost = events.stream().anyMatch(e -> e instanceof FederationEvent.ParticipantFailed f
        && f.participantId().equals("p0"));
    FederationEvent.RoundCommitted commit = events.stream().filter(FederationEvent.RoundCommitted.class::isInstance)
        .map(FederationEvent.RoundCommitted.class::cast).findFirst().orElseThrow();
    if (reportedLost) {
      // the old session's loss was recorded first: the resumed update is refused by the federation's rule
      assertThat(answer.accepted()).isFalse();
      assertThat(answer.error().getRejectReason()).isIn("DUPLICATE", "LATE");
      assertThat(p0Accepted).isZero();
      assertThat(commit.contributors()).isEqualTo(5);
    } else {
      // the new session took the task over before the loss was noticed: folded in exactly once
      assertThat(answer.accepted()).isTrue();
      assertThat(p0Accepted).isEqualTo(1);
      assertThat(commit.contributors()).isEqualTo(6);
    }
    assertThat(seen.stream().filter(ClientEvent.UpdateAnswered.class::isInstance)).hasSize(1);
  }

  @Test
  void aV1ParticipantKeepsWorkingAgainstANewerCoordinator() throws Exception {
    Scenario s = Scenario.of(small(2));
    UnknownFieldSet extra = UnknownFieldSet.newBuilder().addField(777, UnknownFieldSet.Field.newBuilder()
        .addLengthDelimited(ByteString.copyFromUtf8("added in v1.x")).addVarint(42).build()).build();
    // a coordinator whose protocol grew: extra fields in every message, and a message kind v1 never saw
    ServerInterceptor newer = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          @SuppressWarnings("unchecked")
          public void sendMessage(R message) {
            if (message instanceof CoordinatorMessage m) {
              super.sendMessage((R) CoordinatorMessage.newBuilder().setUnknownFields(extra).build());
              CoordinatorMessage.Builder b = m.toBuilder().mergeUnknownFields(extra);
              if (m.hasInstruction()) {
                b.setInstruction(m.getInstruction().toBuilder().mergeUnknownFields(extra));
              }
              if (m.hasWelcome()) {
                b.setWelcome(m.getWelcome().toBuilder().mergeUnknownFields(extra));
              }
              super.sendMessage((R) b.build());
            } else {
              super.sendMessage(message);
            }
          }
        }, headers);
      }
    };
    Scenario sc = s;
    io.flotilla.engine.api.Federation f = sc.federationBuilder("newer", Extensions.load(), Clock.systemUTC()).build();
    f.subscribe(events::add);
    closeables.add(f);
    CoordinatorServer server = CoordinatorServer.builder(f).interceptor(newer).start();
    closeables.add(server);
    Swarm w = new Swarm(server.address(), Channels.insecure(), sc, 0, 6, 2, 2, ParticipantClient.Options.defaults(4),
        Clock.systemUTC(), i -> SimulatedTrainer.forScenario(sc, i));
    closeables.add(w);
    w.start();
    assertThat(w.awaitConnected(Duration.ofSeconds(20))).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.snapshot().get().participants().size() == 6);
    f.start();
    assertThat(f.awaitTermination(Duration.ofSeconds(30))).isTrue();
    assertThat(f.state()).isEqualTo(FederationState.FINISHED);
    assertThat(events).filteredOn(FederationEvent.UpdateAccepted.class::isInstance).isNotEmpty();
  }

  @Test
  void quantizedUpdatesTravelSmallerAndTheFederationStillLearns() throws Exception {
    Scenario s = Scenario.of(small(3));
    ScenarioCoordinator c = coordinator(s, TransportConfig.builder().updateEncoding(Encoding.QUANT8)
        .heartbeatInterval(Duration.ofMillis(200)).build());
    List<TelemetryEvent> telemetry = new CopyOnWriteArrayList<>();
    c.server().onTelemetry(telemetry::add);
    swarm(c, 0, 6);
    assertThat(c.awaitParticipants(6, Duration.ofSeconds(20))).isTrue();
    c.startRounds();
    assertThat(c.await(Duration.ofSeconds(30))).isTrue();
    assertThat(c.federation().state()).isEqualTo(FederationState.FINISHED);
    long accepted = events.stream().filter(FederationEvent.UpdateAccepted.class::isInstance).count();
    long rawBytes = 4L * s.layout().size();
    assertThat(accepted).isGreaterThanOrEqualTo(12);
    // 8-bit codes plus 8 bytes a block: about a quarter of float32 on the wire
    assertThat(c.server().metrics().updateBytesReceived()).isLessThan(accepted * rawBytes / 3.0);
    // every accepted update came with its phase timings; heartbeats carried health
    await().atMost(Duration.ofSeconds(5)).until(() -> telemetry.stream()
        .filter(TelemetryEvent.PhasesReported.class::isInstance).count() >= accepted);
    assertThat(telemetry).filteredOn(TelemetryEvent.PhasesReported.class::isInstance)
        .allSatisfy(e -> assertThat(((TelemetryEvent.PhasesReported) e).trainMillis()).isNotNegative());
    await().atMost(Duration.ofSeconds(5)).until(() -> telemetry.stream()
        .anyMatch(TelemetryEvent.HeartbeatReceived.class::isInstance));
    // participants evaluate the final model on their own data when asked
    List<TelemetryEvent.EvaluationReported> evals = c.server().evaluate(c.federation().globalModel(),
        Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
    assertThat(evals).hasSize(6).allSatisfy(e -> {
      assertThat(e.error()).isEmpty();
      assertThat(e.accuracy()).isBetween(0.0, 1.0);
      assertThat(e.modelVersion()).isEqualTo(3);
    });
  }
}
