package io.flotilla.console.cli;

import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.FederationTrust;
import io.flotilla.engine.security.OnboardingBundle;
import io.flotilla.engine.security.Role;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import io.flotilla.engine.transport.ProtoMapping;
import io.flotilla.engine.transport.proto.AdminAck;
import io.flotilla.engine.transport.proto.AdminGrpc;
import io.flotilla.engine.transport.proto.ChangeStandingRequest;
import io.flotilla.engine.transport.proto.CreateTokenRequest;
import io.flotilla.engine.transport.proto.CreateTokenResponse;
import io.flotilla.engine.transport.proto.DecideEnrollmentRequest;
import io.flotilla.engine.transport.proto.EnrollmentInfo;
import io.flotilla.engine.transport.proto.EnrollmentState;
import io.flotilla.engine.transport.proto.ListEnrollmentsRequest;
import io.flotilla.sim.participant.Channels;
import io.flotilla.sim.participant.ParticipantIdentity;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One operator's access to a federation's trust decisions, the same calls either way: {@link Remote}
 * through a running coordinator's {@code Admin} service (the coordinator checks the role in the operator's
 * certificate), or {@link Local} directly on a stopped federation's state directory (as the local admin;
 * the role check and audit happen here). Not thread-safe (one command).
 */
abstract class AdminAccess implements AutoCloseable {
  abstract List<EnrollmentInfo> list(EnrollmentState state);

  abstract String decide(long id, boolean approve, String reason);

  abstract CreateTokenResponse createToken(CreateTokenRequest request, String bundleAddress);

  abstract String changeStanding(ChangeStandingRequest request);

  /** Where the call went, for messages. */
  abstract String where();

  @Override
  public abstract void close();

  static AdminAccess open(AdminOptions o) throws IOException {
    String target = o.coordinator;
    if (target == null) {
      if (o.stateDir == null) {
        throw new IllegalArgumentException("give --state-dir DIR (or --coordinator HOST:PORT with --as DIR)");
      }
      try {
        return new Local(TrustHome.open(o.stateDir, o.passphraseFile, Duration.ofHours(24), Clock.systemUTC()));
      } catch (RuntimeException e) {
        if (!TrustHome.inUse(e)) {
          throw e;
        }
      }
      Path f = TrustHome.coordinatorFile(o.stateDir);
      if (!Files.isRegularFile(f)) {
        throw new IllegalArgumentException("--state-dir " + o.stateDir + " is in use but names no running coordinator ("
            + f + " missing); give --coordinator HOST:PORT");
      }
      target = Files.readString(f).trim();
    }
    Path id = o.identity != null ? o.identity : o.stateDir != null ? TrustHome.adminIdentity(o.stateDir) : null;
    if (id == null) {
      throw new IllegalArgumentException("--coordinator needs an operator identity: --as DIR (or --state-dir)");
    }
    return new Remote(target, ParticipantIdentity.load(id));
  }

  /** Through the running coordinator's admin service. */
  static final class Remote extends AdminAccess {
    private final String target;
    private final ManagedChannel channel;
    private final AdminGrpc.AdminBlockingStub stub;

    Remote(String target, ParticipantIdentity identity) throws IOException {
      this.target = target;
      this.channel = Channels.open(target, identity.channelCredentials());
      this.stub = AdminGrpc.newBlockingStub(channel);
    }

    private AdminGrpc.AdminBlockingStub call() {
      return stub.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static RuntimeException refused(StatusRuntimeException e) {
      return new IllegalStateException(ProtoMapping.errorOf(e).getDetail().isEmpty() ? e.getMessage()
          : ProtoMapping.errorOf(e).getDetail());
    }

    @Override
    List<EnrollmentInfo> list(EnrollmentState state) {
      try {
        return call().listEnrollments(ListEnrollmentsRequest.newBuilder().setState(state).build()).getEnrollmentsList();
      } catch (StatusRuntimeException e) {
        throw refused(e);
      }
    }

    @Override
    String decide(long id, boolean approve, String reason) {
      try {
        return call().decideEnrollment(DecideEnrollmentRequest.newBuilder().setEnrollmentId(id).setApprove(approve)
            .setReason(reason == null ? "" : reason).build()).getDetail();
      } catch (StatusRuntimeException e) {
        throw refused(e);
      }
    }

    @Override
    CreateTokenResponse createToken(CreateTokenRequest request, String bundleAddress) {
      try {
        return call().createToken(request);
      } catch (StatusRuntimeException e) {
        throw refused(e);
      }
    }

    @Override
    String changeStanding(ChangeStandingRequest request) {
      try {
        AdminAck a = call().changeStanding(request);
        return a.getDetail();
      } catch (StatusRuntimeException e) {
        throw refused(e);
      }
    }

    @Override
    String where() {
      return "coordinator " + target;
    }

    @Override
    public void close() {
      channel.shutdownNow();
    }
  }

  /** Directly on a state directory no coordinator holds, as the local admin. */
  static final class Local extends AdminAccess {
    private final TrustHome home;
    private final String actor;

    Local(TrustHome home) throws IOException {
      this.home = home;
      Path admin = TrustHome.adminIdentity(home.stateDir);
      this.actor = Files.isRegularFile(admin.resolve("cert.pem")) ? ParticipantIdentity.load(admin).id() : "admin";
    }

    private FederationTrust trust() {
      return home.trust;
    }

    String actorName() {
      return actor;
    }

    @Override
    List<EnrollmentInfo> list(EnrollmentState state) {
      trust().authorize(actor, Role.ADMIN, Role.Action.VIEW, "enrollments");
      String filter = state == EnrollmentState.ENROLLMENT_STATE_UNSPECIFIED ? null
          : state.name().replace("ENROLLMENT_", "");
      return trust().enrollments(filter).stream().map(Local::info).toList();
    }

    private static EnrollmentInfo info(EnrollmentRecord r) {
      return io.flotilla.engine.security.TrustedTransport.info(r);
    }

    @Override
    String decide(long id, boolean approve, String reason) {
      trust().authorize(actor, Role.ADMIN, Role.Action.APPROVE_ENROLLMENT, "enrollment " + id);
      EnrollmentRecord r = approve ? trust().approve(id, actor) : trust().reject(id, actor, reason);
      return "enrollment " + r.id() + " of " + r.participantId() + ": " + r.status().toLowerCase(Locale.ROOT);
    }

    @Override
    CreateTokenResponse createToken(CreateTokenRequest req, String bundleAddress) {
      if (bundleAddress == null) {
        throw new IllegalArgumentException("--address HOST:PORT is needed: the coordinator address participants will dial");
      }
      trust().authorize(actor, Role.ADMIN, Role.Action.ISSUE_TOKEN, req.getParticipantName());
      FederationTrust.IssuedToken t = trust().createToken(Role.parse(req.getRole()), req.getParticipantName(),
          Duration.ofSeconds(req.getTtlSeconds()), actor);
      OnboardingBundle b = new OnboardingBundle(OnboardingBundle.FORMAT, bundleAddress, TrustHome.FEDERATION,
          home.ca.certificatePem(), t.token(), t.role().label(), t.participantName(), t.expiresAt().toString());
      return CreateTokenResponse.newBuilder().setToken(t.token()).setExpiresUnixMillis(t.expiresAt().toEpochMilli())
          .setBundleJson(b.toJson()).build();
    }

    @Override
    String changeStanding(ChangeStandingRequest req) {
      String pid = req.getParticipantId();
      String reason = req.getReason().isBlank() ? "operator decision" : req.getReason();
      switch (req.getChange()) {
        case SUSPEND -> {
          trust().authorize(actor, Role.ADMIN, Role.Action.SUSPEND, pid);
          trust().suspend(pid, actor, reason);
        }
        case REINSTATE -> {
          trust().authorize(actor, Role.ADMIN, Role.Action.SUSPEND, pid);
          trust().reinstate(pid, actor, reason);
        }
        case REVOKE -> {
          trust().authorize(actor, Role.ADMIN, Role.Action.REVOKE, pid);
          trust().revoke(pid, actor, reason);
        }
        default -> throw new IllegalArgumentException("unknown change " + req.getChange());
      }
      return pid + ": " + req.getChange().name().toLowerCase(Locale.ROOT) + "d";
    }

    @Override
    String where() {
      return "state directory " + home.stateDir;
    }

    @Override
    public void close() {
      home.close();
    }
  }

  static String checkedName(String name) {
    if (name != null && !name.isBlank()) {
      CertificateAuthority.checkName(name);
    }
    return name;
  }
}
