package io.flotilla.console.app.enrollments;

import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.FederationTrust;
import io.flotilla.engine.security.TrustStore;
import io.flotilla.engine.security.TrustedTransport;
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
 * made by {@code flotilla ca init}) when it has one and its passphrase is given (a file, or {@code FLOTILLA_CA_PASSPHRASE});
 * otherwise an in-memory demo CA that lives as long as the console session (certificates it issues are
 * useless elsewhere). Immutable; thread-safe as {@link FederationTrust}.
 *
 * @param origin where the CA comes from, for the page header
 * @param federationCa true when the CA is the state directory's (the console's server then uses mutual TLS)
 */
public record ConsoleTrust(FederationTrust trust, String origin, boolean federationCa) {
  private static final Logger log = LoggerFactory.getLogger(ConsoleTrust.class);
  static final String PASSPHRASE_ENV = "FLOTILLA_CA_PASSPHRASE";

  public ConsoleTrust {
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(origin, "origin");
  }

  /** A trust layer over a session's own demo CA. */
  public ConsoleTrust(FederationTrust trust, String origin) {
    this(trust, origin, false);
  }

  /**
   * Opens the trust layer over {@code store} (not on the FX thread: it may generate a key pair).
   *
   * @param stateDir the console's state directory, or null for a temporary one
   */
  public static ConsoleTrust open(JdbcFederationStore store, String federation, Path stateDir, Clock clock) {
    return open(store, federation, stateDir, null, clock);
  }

  /**
   * As above, reading the CA's passphrase from {@code passphraseFile} (its first line) when given, else from
   * {@code FLOTILLA_CA_PASSPHRASE}.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read
   */
  public static ConsoleTrust open(JdbcFederationStore store, String federation, Path stateDir, Path passphraseFile,
      Clock clock) {
    SecureRandom random = new SecureRandom();
    CertificateAuthority ca = null;
    String origin;
    Path caDir = stateDir == null ? null : stateDir.resolve("ca");
    String pass = System.getenv(PASSPHRASE_ENV);
    if (passphraseFile != null) {
      try {
        pass = Files.readAllLines(passphraseFile).stream().findFirst().orElse("");
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the CA passphrase file " + passphraseFile + ": " + e, e);
      }
    }
    if (caDir != null && Files.isRegularFile(caDir.resolve(CertificateAuthority.ROOT_FILE)) && pass != null) {
      try {
        ca = CertificateAuthority.load(caDir, pass.toCharArray(), clock, random);
      } catch (IOException | RuntimeException e) {
        log.warn("cannot open the CA in {}: {}", caDir, e.getMessage());
      }
    }
    if (ca != null) {
      origin = "CA of " + caDir;
    } else {
      log.info("using an in-memory demo CA for this console session");
      ca = CertificateAuthority.create("Flotilla console demo CA", clock, random);
      origin = "demo CA (this console session only)";
    }
    FederationTrust trust = new FederationTrust(ca, new TrustStore(store, federation), clock, random,
        Duration.ofHours(24), Duration.ofDays(30));
    return new ConsoleTrust(trust, origin, origin.startsWith("CA of "));
  }

  /**
   * True when {@code stateDir} holds a federation CA ({@code flotilla ca init}): the console then serves its
   * federation over mutual TLS only, and needs the CA's passphrase.
   */
  public static boolean hasCa(Path stateDir) {
    return stateDir != null && Files.isRegularFile(stateDir.resolve("ca").resolve(CertificateAuthority.ROOT_FILE));
  }

  /**
   * Credentials of the console's coordinator server: a server certificate this CA issues now for
   * {@code hosts} (30 days, kept in memory only), presented with the CA certificate that client certificates
   * must chain to.
   */
  public io.grpc.ServerCredentials serverCredentials(java.util.List<String> hosts) {
    CertificateAuthority ca = trust.ca();
    try {
      return TrustedTransport.serverCredentials(ca.issueServer(hosts, Duration.ofDays(30)), ca.certificate());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot build the server's TLS credentials: " + e.getMessage(), e);
    }
  }

  /**
   * The server's security layer: every call authenticated by this federation's certificates (the participant
   * is its certificate's name), signed updates, and the enrollment and admin services on the same port, all
   * over this console's trust store, so the Enrollments page sees the requests that arrive.
   *
   * @param advertise the address participants are told to use, or null
   */
  public io.flotilla.engine.transport.TransportSecurity security(String advertise) {
    return new TrustedTransport(trust, advertise);
  }
}
