package io.flotilla.console.app.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.console.app.scenario.JoinCommand;
import io.flotilla.console.cli.FlotillaCommand;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationState;
import io.flotilla.sim.inprocess.InProcessSimulation;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The console serving its embedded federation to participant processes over real loopback sockets. */
class EmbeddedServerTest {
  private static final SimulationConfig SMALL = SimulationConfig.builder()
      .dataset("synthetic:0,0").participants(4).perRound(4).rounds(2).seed(5).build();

  @Test
  void aParticipantStartedWithThePrintedCommandJoinsTheConsolesFederation() throws Exception {
    EmbeddedSession session = EmbeddedSession.open(SMALL, new ServeSpec("127.0.0.1", 0));
    ExecutorService process = Executors.newSingleThreadExecutor();
    try {
      EmbeddedSession.Ready ready = session.loaded().get(60, TimeUnit.SECONDS);
      Federation federation = ready.simulation().federation();
      EmbeddedServer server = ready.server();
      assertThat(server.port()).isPositive();
      assertThat(server.sessions()).isZero();

      // `flotilla participant ...` exactly as the console prints it, playing participant 1, in this JVM
      List<String> args = new ArrayList<>(JoinCommand.args(SMALL, server.dialAddress()));
      args.remove(0); // "flotilla"
      args.addAll(List.of("--index", "1"));
      StringWriter out = new StringWriter();
      CommandLine cl = FlotillaCommand.commandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(new StringWriter(), true));
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args.toArray(String[]::new)),
          process);

      List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
      federation.subscribe(e -> events.add(e.toString()));
      // the process takes over participant p1's place: its join replaces the simulated p1's link
      await().atMost(Duration.ofSeconds(30)).until(() -> server.sessions() == 1
          && events.stream().anyMatch(e -> e.startsWith("ParticipantJoined") && e.contains("participantId=p1,")));
      federation.start();
      assertThat(federation.awaitTermination(Duration.ofSeconds(60))).isTrue();
      assertThat(federation.state()).isEqualTo(FederationState.FINISHED);
      // the remote process trained in both rounds and the console's coordinator accepted its updates
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(out.toString()).as(events::toString)
          .contains("connected").contains("round 1: update accepted").contains("round 2: update accepted"));

      session.closeAsync().get(30, TimeUnit.SECONDS);
      assertThat(exit.get(30, TimeUnit.SECONDS)).isZero(); // told that the coordinator went away, it exits
    } finally {
      session.close();
      process.shutdownNow();
    }
  }

  @Test
  void anAddressInUseFailsTheLoadNamingItAndLeavesNothingRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AtomicReference<InProcessSimulation> built = new AtomicReference<>();
      EmbeddedSession session = EmbeddedSession.open(SMALL, c -> {
        InProcessSimulation sim = InProcessSimulation.create(c);
        built.set(sim);
        return sim;
      }, new ServeSpec("127.0.0.1", taken.getLocalPort()), EmbeddedServer::plaintext);
      await().atMost(Duration.ofSeconds(60)).until(() -> session.loaded().isDone());
      assertThat(session.loaded()).isCompletedExceptionally();
      String why = session.loaded().handle((r, e) -> e.getCause().getMessage()).join();
      assertThat(why).contains("cannot serve participants on 127.0.0.1:" + taken.getLocalPort());
      assertThat(built.get().federation().state().isTerminal()).isTrue();
      session.close();
    }
  }
}
