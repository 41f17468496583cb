package io.flotilla.sim.participant;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.FederationTrust;
import io.flotilla.engine.security.GovernedFederation;
import io.flotilla.engine.security.OnboardingBundle;
import io.flotilla.engine.security.Role;
import io.flotilla.engine.security.TrustStore;
import io.flotilla.engine.security.TrustedTransport;
import io.flotilla.engine.store.JdbcFederationStore;
import io.flotilla.engine.transport.TransportConfig;
import io.flotilla.sim.inprocess.InProcessSimulation;
import io.flotilla.sim.inprocess.Scenario;
import io.flotilla.sim.inprocess.SimulationConfig;
import io.flotilla.sim.network.ScenarioCoordinator;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.threeten.extra.MutableClock;

/**
 * End to end over loopback: CA → token and bundle → participants enroll with their own keys → an operator
 * approves → mutual TLS sessions with signed updates → rounds commit, with the same model as the
 * in-process simulation. And rotation: a certificate renews itself before expiry, by an injected clock.
 */
class TrustedFederationTest {
  static final SecureRandom RANDOM = new SecureRandom();


  @TempDir Path dir;
  final MutableClock clock = MutableClock.of(Instant.now(), ZoneOffset.UTC);
  final List<AutoCloseable> closeables = new ArrayList<>();
  ScheduledExecutorService scheduler;
  ExecutorService workers;
  JdbcFederationStore store;
  FederationTrust trust;
  CertificateAuthority ca;

  @BeforeEach
  void setUp() {
    scheduler = Executors.newScheduledThreadPool(2);
    workers = Executors.newFixedThreadPool(4);
    store = JdbcFederationStore.open("jdbc:h2:mem:e2e" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "",
        dir.resolve("models"), clock);
    ca = CertificateAuthority.create("E2E CA", clock, RANDOM);
    trust = new FederationTrust(ca, new TrustStore(store, "network"), clock, RANDOM, Duration.ofHours(1),
        Duration.ofDays(1));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    workers.shutdownNow();
    scheduler.shutdownNow();
    store.close();
  }

  static SimulationConfig config() {
    return SimulationConfig.builder().dataset("synthetic:1,1").participants(3).perRound(3).minUpdates(3).rounds(3)
        .localEpochs(1).batchSize(10).learningRate(0.01f).seed(5).roundDeadline(Duration.ofSeconds(60)).build();
  }

  ScenarioCoordinator serve(Scenario scenario) throws Exception {
    CertificateAuthority.ServerIdentity server = ca.issueServer(List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
    TransportConfig transport = TransportConfig.builder()
        .credentials(TrustedTransport.serverCredentials(server, ca.certificate()))
        .security(new TrustedTransport(trust, null)).build();
    ScenarioCoordinator c = ScenarioCoordinator.start(scenario, transport, "sync", Extensions.load(), Clock.systemUTC(),
        UnaryOperator.identity());
    closeables.add(c);
    return c;
  }

  OnboardingBundle bundle(String address, String name) {
    FederationTrust.IssuedToken t = trust.createToken(Role.PARTICIPANT, name, Duration.ofHours(1), "ops");
    return new OnboardingBundle(OnboardingBundle.FORMAT, address, "network", ca.certificatePem(), t.token(),
        t.role().label(), name, t.expiresAt().toString());
  }

  @Test
  @Timeout(120)
  void participantsEnrollGetApprovedAndTrainOverMutualTlsWithSignedUpdates() throws Exception {
    SimulationConfig cfg = config();
    Scenario scenario = Scenario.of(cfg);
    ScenarioCoordinator coordinator = serve(scenario);
    String address = "127.0.0.1:" + coordinator.server().port();
    List<FederationEvent> events = new CopyOnWriteArrayList<>();
    coordinator.federation().subscribe(events::add);

    // each participant enrolls from its own "machine" (directory) with a bundle; all wait for approval
    List<CompletableFuture<ParticipantIdentity>> enrolling = new ArrayList<>();
    for (int i = 0; i < scenario.participants(); i++) {
      OnboardingBundle b = OnboardingBundle.fromJson(bundle(address, scenario.participantId(i)).toJson());
      Path home = dir.resolve("machine-" + i);
      enrolling.add(CompletableFuture.supplyAsync(() -> {
        try {
          return Enroller.enroll(b, new Enroller.Device("phone", "eu", true, null), home, Duration.ofMillis(50),
              Duration.ofSeconds(30), RANDOM, s -> { });
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      }));
    }
    GovernedFederation operator = new GovernedFederation(coordinator.federation(), trust, "oscar", Role.OPERATOR);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int approved = 0;
    while (approved < scenario.participants() && System.nanoTime() < deadline) {
      for (TrustStore.EnrollmentRecord r : trust.enrollments("PENDING")) {
        operator.approveEnrollment(r.id());
        approved++;
      }
      Thread.sleep(20);
    }
    assertThat(approved).isEqualTo(scenario.participants());

    for (int i = 0; i < scenario.participants(); i++) {
      ParticipantIdentity id = enrolling.get(i).get(30, TimeUnit.SECONDS);
      // the identity survives a restart of the participant: it is read back from its directory
      ParticipantIdentity loaded = ParticipantIdentity.load(dir.resolve("machine-" + i));
      assertThat(loaded.id()).isEqualTo(scenario.participantId(i)).isEqualTo(id.id());
      assertThat(loaded.coordinator()).isEqualTo(address);
      ParticipantClient client = new ParticipantClient(loaded.id(), SimulatedTrainer.forScenario(scenario, i),
          Channels.open(address, loaded.channelCredentials()), true, scheduler, workers, Clock.systemUTC(),
          ParticipantClient.Options.defaults(5 + i)).signUpdates(loaded::sign);
      closeables.add(client);
      client.start();
    }
    assertThat(coordinator.awaitParticipants(scenario.participants(), Duration.ofSeconds(30))).isTrue();
    operator.start();
    assertThat(coordinator.await(Duration.ofSeconds(60))).isTrue();
    assertThat(coordinator.federation().state()).isEqualTo(FederationState.FINISHED);
    assertThat(events).filteredOn(FederationEvent.RoundCommitted.class::isInstance).hasSize(3);
    assertThat(events).noneMatch(FederationEvent.UpdateRejected.class::isInstance);
    String networkSha = coordinator.federation().globalModel().sha256();

    // mutual TLS and signatures change nothing about the learning: same model as in-process
    try (InProcessSimulation sim = InProcessSimulation.create(cfg)) {
      sim.start();
      assertThat(sim.await(Duration.ofSeconds(60))).isTrue();
      assertThat(networkSha).isEqualTo(sim.federation().globalModel().sha256());
    }
    List<String> actions = store.audit(0).stream().map(AuditEntry::action).toList();
    assertThat(actions).contains("enrollment.token_created", "enrollment.requested", "operator.allowed",
        "enrollment.approved");
    assertThat(actions).doesNotContain("session.refused", "update.refused");
    assertThat(store.verifyAudit().isOk()).isTrue();
  }

  @Test
  @Timeout(60)
  void aCertificateRenewsItselfAfterTwoThirdsOfItsLifetimeWithoutAnOperator() throws Exception {
    Scenario scenario = Scenario.of(config());
    ScenarioCoordinator coordinator = serve(scenario);
    String address = "127.0.0.1:" + coordinator.server().port();
    trust.setPolicy(new io.flotilla.engine.security.GovernancePolicy(java.util.Set.of(), java.util.Set.of(), true, true),
        "ops"); // auto-approval, so this test needs no operator at all
    ParticipantIdentity id = Enroller.enroll(bundle(address, "p-rotating"), new Enroller.Device("phone", "eu", true,
        null), dir.resolve("rot"), Duration.ofMillis(50), Duration.ofSeconds(10), RANDOM, s -> { });
    X509Certificate first = id.certificate();
    ManagedChannel mtls = Channels.open(address, id.channelCredentials());
    closeables.add(mtls::shutdownNow);
    List<X509Certificate> renewed = new CopyOnWriteArrayList<>();
    Enroller.renewWhenDue(id, mtls, clock, scheduler, Duration.ofMillis(20), RANDOM, renewed::add);

    Thread.sleep(200);
    assertThat(renewed).as("not due before two thirds of the lifetime").isEmpty();
    clock.add(Duration.ofMinutes(41)); // 41 of 60 minutes
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (renewed.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(renewed).isNotEmpty();
    X509Certificate second = id.certificate();
    assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    assertThat(second.getPublicKey()).isNotEqualTo(first.getPublicKey());
    assertThat(ParticipantIdentity.load(dir.resolve("rot")).certificate()).isEqualTo(second);

    // past the first certificate's expiry a new connection presents the renewed one and is admitted
    clock.add(Duration.ofMinutes(25));
    ManagedChannel fresh = Channels.open(address, id.channelCredentials());
    closeables.add(fresh::shutdownNow);
    ParticipantClient client = new ParticipantClient(id.id(), SimulatedTrainer.forScenario(scenario, 0), fresh, false,
        scheduler, workers, Clock.systemUTC(), ParticipantClient.Options.defaults(1)).signUpdates(id::sign);
    closeables.add(client);
    client.start();
    assertThat(coordinator.awaitParticipants(1, Duration.ofSeconds(20))).isTrue();
    assertThat(store.audit(0)).extracting(AuditEntry::action).contains("certificate.renewed")
        .doesNotContain("session.refused");
  }
}
