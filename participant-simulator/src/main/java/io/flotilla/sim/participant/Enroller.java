package io.flotilla.sim.participant;

import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.OnboardingBundle;
import io.flotilla.engine.security.Pem;
import io.flotilla.engine.transport.ProtoMapping;
import io.flotilla.engine.transport.proto.CoordinatorGrpc;
import io.flotilla.engine.transport.proto.DeviceMetadata;
import io.flotilla.engine.transport.proto.EnrollRequest;
import io.flotilla.engine.transport.proto.EnrollResponse;
import io.flotilla.engine.transport.proto.EnrollmentGrpc;
import io.flotilla.engine.transport.proto.EnrollmentState;
import io.flotilla.engine.transport.proto.EnrollmentStatusRequest;
import io.flotilla.engine.transport.proto.RenewRequest;
import io.flotilla.engine.transport.proto.RenewResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The participant side of enrollment and rotation. {@link #enroll} generates a key pair on this machine,
 * sends a CSR with the bundle's token and the device metadata over server-authenticated TLS (the
 * coordinator is checked against the bundle's CA), then polls until an operator decides; the private key
 * never leaves the machine. {@link #renewWhenDue} keeps a certificate fresh over mutual TLS. Stateless
 * apart from its arguments; thread-safe.
 */
public final class Enroller {
  private static final Logger log = LoggerFactory.getLogger(Enroller.class);

  /** Why enrollment did not produce an identity (refused, rejected, timed out). */
  public static final class EnrollmentFailed extends Exception {
    private static final long serialVersionUID = 1L;

    public EnrollmentFailed(String message) {
      super(message);
    }
  }

  /** Device metadata declared at enrollment (checked against the governance policy). */
  public record Device(String deviceClass, String region, boolean consent, String name) {}

  private Enroller() {}

  /**
   * Enrolls with {@code bundle} and saves the identity to {@code dir}.
   *
   * @param progress told the enrollment id and state while waiting
   */
  public static ParticipantIdentity enroll(OnboardingBundle bundle, Device device, Path dir, Duration pollEvery,
      Duration timeout, SecureRandom random, Consumer<String> progress) throws EnrollmentFailed, IOException,
      InterruptedException {
    X509Certificate ca = Pem.certificate(bundle.caPem());
    KeyPair keys = CertificateAuthority.generateKeyPair(random);
    String csr = CertificateAuthority.csr(keys, device.name() == null ? "participant" : device.name());
    ManagedChannel ch = Channels.open(bundle.coordinator(), TlsChannelCredentials.newBuilder()
        .trustManager(new ByteArrayInputStream(bundle.caPem().getBytes(StandardCharsets.US_ASCII))).build());
    try {
      EnrollmentGrpc.EnrollmentBlockingStub stub = EnrollmentGrpc.newBlockingStub(ch);
      DeviceMetadata.Builder md = DeviceMetadata.newBuilder().setConsent(device.consent());
      if (device.deviceClass() != null) {
        md.setDeviceClass(device.deviceClass());
      }
      if (device.region() != null) {
        md.setRegion(device.region());
      }
      if (device.name() != null) {
        md.setParticipantName(device.name());
      }
      EnrollResponse r;
      try {
        r = stub.withDeadlineAfter(30, TimeUnit.SECONDS).enroll(EnrollRequest.newBuilder().setToken(bundle.token())
            .setCsrPem(csr).setDevice(md).build());
      } catch (StatusRuntimeException e) {
        throw new EnrollmentFailed("enrollment refused: " + ProtoMapping.errorOf(e).getDetail());
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      progress.accept("enrollment " + r.getEnrollmentId() + " as '" + r.getParticipantId() + "': "
          + describe(r.getState()) + (r.getState() == EnrollmentState.ENROLLMENT_PENDING ? " (waiting for an operator)" : ""));
      while (r.getState() == EnrollmentState.ENROLLMENT_PENDING) {
        if (System.nanoTime() > deadline) {
          throw new EnrollmentFailed("enrollment " + r.getEnrollmentId() + " still pending after " + timeout.toSeconds()
              + " s; poll again later or ask the operator to approve it");
        }
        Thread.sleep(pollEvery.toMillis());
        try {
          r = stub.withDeadlineAfter(30, TimeUnit.SECONDS).enrollmentStatus(EnrollmentStatusRequest.newBuilder()
              .setEnrollmentId(r.getEnrollmentId()).setToken(bundle.token()).build());
        } catch (StatusRuntimeException e) {
          log.debug("enrollment status call failed: {}", e.toString());
        }
      }
      if (r.getState() != EnrollmentState.ENROLLMENT_APPROVED) {
        throw new EnrollmentFailed("enrollment " + r.getEnrollmentId() + " " + describe(r.getState())
            + (r.getReason().isEmpty() ? "" : ": " + r.getReason()));
      }
      progress.accept("enrollment " + r.getEnrollmentId() + " approved");
      X509Certificate cert = Pem.certificate(r.getCertificatePem());
      if (!cert.getPublicKey().equals(keys.getPublic())) {
        throw new EnrollmentFailed("the issued certificate is not for this machine's key");
      }
      ParticipantIdentity id = new ParticipantIdentity(keys.getPrivate(), cert, ca, bundle.coordinator(), dir);
      id.save();
      return id;
    } finally {
      ch.shutdownNow();
    }
  }

  private static String describe(EnrollmentState s) {
    return s.name().replace("ENROLLMENT_", "").toLowerCase(java.util.Locale.ROOT);
  }

  /** Renews now: a fresh key, a CSR, the coordinator's new certificate for the same identity. */
  public static X509Certificate renew(ParticipantIdentity id, ManagedChannel mtls, SecureRandom random)
      throws IOException {
    KeyPair keys = CertificateAuthority.generateKeyPair(random);
    RenewResponse r = CoordinatorGrpc.newBlockingStub(mtls).withDeadlineAfter(30, TimeUnit.SECONDS)
        .renewCertificate(RenewRequest.newBuilder().setCsrPem(CertificateAuthority.csr(keys, id.id())).build());
    X509Certificate c = Pem.certificate(r.getCertificatePem());
    id.replace(keys, c);
    return c;
  }

  /**
   * Checks every {@code every} (by {@code clock}) whether two thirds of the certificate's lifetime have
   * passed and renews it then; failures are logged and retried at the next check.
   */
  public static ScheduledFuture<?> renewWhenDue(ParticipantIdentity id, ManagedChannel mtls, Clock clock,
      ScheduledExecutorService scheduler, Duration every, SecureRandom random, Consumer<X509Certificate> renewed) {
    return scheduler.scheduleWithFixedDelay(() -> {
      if (clock.instant().isBefore(id.renewalDue())) {
        return;
      }
      try {
        renewed.accept(renew(id, mtls, random));
      } catch (IOException | RuntimeException e) {
        log.warn("certificate renewal of {} failed; will retry: {}", id.id(), e.toString());
      }
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }
}
