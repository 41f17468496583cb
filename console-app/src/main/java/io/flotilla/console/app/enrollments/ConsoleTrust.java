package io.flotilla.console.app.enrollments;

import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.FederationTrust;
import io.flotilla.engine.security.TrustStore;
import io.flotilla.engine.store.JdbcFederationStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's trust layer over its federation's store: enrollment queue, tokens, governance policy, role
 * checks (all audited in the store's hash chain). The CA is the state directory's ({@code <state-dir>/ca},
 * made by {@code flotilla ca init}) when it has one and the passphrase is in {@code FLOTILLA_CA_PASSPHRASE};
 * otherwise an in-memory demo CA that lives as long as the console session (certificates it issues are
 * useless elsewhere). Immutable; thread-safe as {@link FederationTrust}.
 *
 * @param origin where the CA comes from, for the page header
 */
public record ConsoleTrust(FederationTrust trust, String origin) {
  private static final Logger log = LoggerFactory.getLogger(ConsoleTrust.class);
  static final String PASSPHRASE_ENV = "FLOTILLA_CA_PASSPHRASE";

  public ConsoleTrust {
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(origin, "origin");
  }

  /**
   * Opens the trust layer over {@code store} (not on the FX thread: it may generate a key pair).
   *
   * @param stateDir the console's state directory, or null for a temporary one
   */
  public static ConsoleTrust open(JdbcFederationStore store, String federation, Path stateDir, Clock clock) {
    SecureRandom random = new SecureRandom();
    CertificateAuthority ca = null;
    String origin;
    Path caDir = stateDir == null ? null : stateDir.resolve("ca");
    String pass = System.getenv(PASSPHRASE_ENV);
    if (caDir != null && Files.isRegularFile(caDir.resolve(CertificateAuthority.ROOT_FILE)) && pass != null) {
      try {
        ca = CertificateAuthority.load(caDir, pass.toCharArray(), clock, random);
      } catch (IOException | RuntimeException e) {
        log.warn("cannot open the CA in {} ({}); using a demo CA for this session", caDir, e.getMessage());
      }
    }
    if (ca != null) {
      origin = "CA of " + caDir;
    } else {
      ca = CertificateAuthority.create("Flotilla console demo CA", clock, random);
      origin = "demo CA (this console session only)";
    }
    FederationTrust trust = new FederationTrust(ca, new TrustStore(store, federation), clock, random,
        Duration.ofHours(24), Duration.ofDays(30));
    return new ConsoleTrust(trust, origin);
  }
}
