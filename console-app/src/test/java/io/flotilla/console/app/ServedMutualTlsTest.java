package io.flotilla.console.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.console.app.enrollments.ConsoleTrust;
import io.flotilla.console.app.scenario.JoinCommand;
import io.flotilla.console.app.session.EmbeddedServer;
import io.flotilla.console.app.session.EmbeddedSession;
import io.flotilla.console.app.session.ServeSpec;
import io.flotilla.console.cli.FlotillaCommand;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.FederationTrust;
import io.flotilla.engine.security.OnboardingBundle;
import io.flotilla.engine.security.Role;
import io.flotilla.engine.security.TrustStore;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A console serving a state directory that has a federation CA: mutual TLS only, and a participant process
 * enrolls with a bundle from the console's trust layer, is approved there and trains over its certificate.
 */
class ServedMutualTlsTest {
  private static final SimulationConfig SMALL = SimulationConfig.builder()
      .dataset("synthetic:0,0").participants(4).perRound(4).rounds(2).seed(5).build();
  private static final String PASSPHRASE = "correct horse battery staple";

  @TempDir Path dir;

  private Path stateDirWithCa() throws Exception {
    Path state = dir.resolve("state");
    CertificateAuthority.init(state.resolve("ca"), PASSPHRASE.toCharArray(), "Console Test CA", Clock.systemUTC(),
        new SecureRandom());
    return state;
  }

  @Test
  @Timeout(150)
  void aParticipantEnrollsThroughTheConsolesServerIsApprovedAndTrainsOverMutualTls() throws Exception {
    Path state = stateDirWithCa();
    Path pass = Files.writeString(dir.resolve("pass"), PASSPHRASE + "\n");
    AtomicReference<ConsoleTrust> built = new AtomicReference<>();
    EmbeddedSession session = EmbeddedSession.openServed(SMALL, state, new ServeSpec("127.0.0.1", 0),
        FlotillaConsoleApp.mutualTls(state, pass, built));
    ExecutorService process = Executors.newSingleThreadExecutor();
    try {
      EmbeddedSession.Ready ready = session.loaded().get(60, TimeUnit.SECONDS);
      Federation federation = ready.simulation().federation();
      EmbeddedServer server = ready.server();
      FederationTrust trust = built.get().trust();
      assertThat(built.get().federationCa()).isTrue();

      // the operator makes a bundle for participant p1 (what the Enrollments page exports)
      FederationTrust.IssuedToken t = trust.createToken(Role.PARTICIPANT, "p1", Duration.ofHours(1), "ops");
      OnboardingBundle bundle = new OnboardingBundle(OnboardingBundle.FORMAT, server.dialAddress(),
          trust.store().federation(), trust.ca().certificatePem(), t.token(), t.role().label(), "p1",
          t.expiresAt().toString());
      Path bundleFile = Files.writeString(dir.resolve("p1.bundle.json"), bundle.toJson());

      // `flotilla participant ...` as the console prints it for a TLS federation, playing participant 1
      String printed = JoinCommand.enrolled(SMALL).replace("BUNDLE", bundleFile.toString())
          .replace("DIR", dir.resolve("p1-identity").toString()).replace("--index I", "--index 1");
      List<String> args = new ArrayList<>(Arrays.asList(printed.split(" ")));
      args.remove(0); // "flotilla"
      StringWriter out = new StringWriter();
      CommandLine cl = FlotillaCommand.commandLine();
      cl.setOut(new PrintWriter(out, true));
      StringWriter err = new StringWriter();
      cl.setErr(new PrintWriter(err, true));
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args.toArray(String[]::new)),
          process);

      // its request waits in the console's queue until approved there
      await().atMost(Duration.ofSeconds(30)).failFast("the participant gave up: " + err, exit::isDone)
          .until(() -> !trust.enrollments("PENDING").isEmpty());
      TrustStore.EnrollmentRecord request = trust.enrollments("PENDING").get(0);
      trust.approve(request.id(), "ops");

      List<String> events = new CopyOnWriteArrayList<>();
      federation.subscribe(e -> events.add(e.toString()));
      await().atMost(Duration.ofSeconds(30)).until(() -> server.sessions() == 1
          && events.stream().anyMatch(e -> e.startsWith("ParticipantJoined") && e.contains("participantId=p1,")));
      federation.start();
      assertThat(federation.awaitTermination(Duration.ofSeconds(60))).isTrue();
      assertThat(federation.state()).isEqualTo(FederationState.FINISHED);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(out.toString()).as(events::toString)
          .contains("round 1: update accepted").contains("round 2: update accepted"));

      session.closeAsync().get(30, TimeUnit.SECONDS);
      assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    } finally {
      session.close();
      process.shutdownNow();
    }
  }

  @Test
  void withoutTheCaPassphraseTheLoadFailsNamingWhatIsMissing() throws Exception {
    Path state = stateDirWithCa();
    Path wrong = Files.writeString(dir.resolve("wrong"), "not the passphrase\n");
    EmbeddedSession session = EmbeddedSession.openServed(SMALL, state, new ServeSpec("127.0.0.1", 0),
        FlotillaConsoleApp.mutualTls(state, wrong, new AtomicReference<>()));
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> session.loaded().isDone());
      assertThat(session.loaded()).isCompletedExceptionally();
      String why = session.loaded().handle((r, e) -> e.getCause().getMessage()).join();
      assertThat(why).contains("needs its CA").contains("--passphrase-file");
    } finally {
      session.close();
    }
  }
}
