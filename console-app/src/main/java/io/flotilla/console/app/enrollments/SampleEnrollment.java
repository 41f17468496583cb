package io.flotilla.console.app.enrollments;

import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.FederationTrust;
import io.flotilla.engine.security.Role;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Queues one real enrollment request on the Enrollments page, made the way {@code flotilla participant
 * --enroll} makes it: the page creates a one-time token (role-checked and audited as the operator's), then the
 * "participant" generates its own key pair and sends a CSR with that token. The request waits PENDING for an
 * operator like any other (unless the policy auto-approves). The screenshot tour uses it so the page shows a
 * queue; nothing here bypasses the trust layer.
 *
 * <p>Thread-safety: stateless. Call {@link #request} on the UI thread (it reads the page's state); the key
 * generation and the request run on {@code io}.
 */
public final class SampleEnrollment {
  private SampleEnrollment() {}

  /**
   * Asks for a token for {@code name} and enrolls with it; completes with the request's id, or exceptionally
   * with the reason (no trust store, a refused token, a policy refusal, a name already taken).
   */
  public static CompletableFuture<Long> request(EnrollmentsViewModel page, String name, String deviceClass,
      String region, Executor io) {
    Objects.requireNonNull(page, "page");
    Objects.requireNonNull(io, "io");
    FederationTrust trust = page.trust();
    if (trust == null) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "this federation has no trust store (start the console with history)"));
    }
    return page.createToken(Duration.ofHours(1), Role.PARTICIPANT, name).thenApplyAsync(token -> {
      KeyPair keys = CertificateAuthority.generateKeyPair(new SecureRandom());
      return trust.enroll(token.token(), CertificateAuthority.csr(keys, name), deviceClass, region, true, name).id();
    }, io);
  }
}
