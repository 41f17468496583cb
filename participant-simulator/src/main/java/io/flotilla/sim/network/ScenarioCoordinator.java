package io.flotilla.sim.network;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationSnapshot;
import io.flotilla.engine.transport.CoordinatorServer;
import io.flotilla.engine.transport.TransportConfig;
import io.flotilla.sim.inprocess.Scenario;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * The coordinator side of a simulated network federation: the {@link Scenario}'s federation (same
 * settings, initial model, strategy, selection and central evaluation as the in-process simulation)
 * behind a {@link CoordinatorServer}, with the scenario's stragglers marked in their instructions. Used
 * by {@code flotilla serve} and the network tests. {@link #close()} is idempotent.
 */
public final class ScenarioCoordinator implements AutoCloseable {
  private final Scenario scenario;
  private final Federation federation;
  private final CoordinatorServer server;
  private final Map<Long, Set<String>> stragglers = new ConcurrentHashMap<>();

  private ScenarioCoordinator(Scenario scenario, Federation federation, TransportConfig transport, String mode,
      Clock clock) throws IOException {
    this.scenario = scenario;
    this.federation = federation;
    federation.subscribe(e -> {
      if (e instanceof FederationEvent.RoundStarted rs) {
        stragglers.put(rs.roundId(), scenario.stragglers(rs.roundId(), rs.selected()));
        stragglers.remove(rs.roundId() - 2);
      }
    });
    try {
      this.server = CoordinatorServer.builder(federation)
          .config(transport)
          .clock(clock)
          .mode(mode)
          .taskDecorator((pid, task) -> stragglers.getOrDefault(task.roundId(), Set.of()).contains(pid)
              ? Map.of(Scenario.STRAGGLER_KEY, 1.0) : Map.of())
          .start();
    } catch (IOException | RuntimeException e) {
      federation.close();
      throw e;
    }
  }

  /**
   * Builds the scenario's federation, lets {@code customize} adjust the builder (async mode, quotas),
   * and starts serving it. Rounds start with {@link #startRounds()}.
   */
  public static ScenarioCoordinator start(Scenario scenario, TransportConfig transport, String mode,
      Extensions extensions, Clock clock, UnaryOperator<FederationBuilder> customize) throws IOException {
    FederationBuilder b = customize.apply(scenario.federationBuilder("network", extensions, clock));
    return new ScenarioCoordinator(scenario, b.build(), transport, mode, clock);
  }

  public Scenario scenario() {
    return scenario;
  }

  public Federation federation() {
    return federation;
  }

  public CoordinatorServer server() {
    return server;
  }

  /** Waits until {@code n} participants have joined; false on timeout. */
  public boolean awaitParticipants(int n, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      try {
        FederationSnapshot s = federation.snapshot().get(5, TimeUnit.SECONDS);
        if (s.participants().size() >= n) {
          return true;
        }
      } catch (ExecutionException | TimeoutException e) {
        return false;
      }
      Thread.sleep(20);
    }
    return false;
  }

  public void startRounds() {
    federation.start();
  }

  /** Waits for the federation to finish, stop or fail. */
  public boolean await(Duration timeout) throws InterruptedException {
    return federation.awaitTermination(timeout);
  }

  /** Shuts the server down (finishing the current round within {@code grace} if asked) and closes. */
  public void shutdown(Duration grace, boolean finishRound) {
    server.shutdown(grace, finishRound);
    federation.close();
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(2), false);
  }
}
