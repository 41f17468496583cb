package io.flotilla.console.cli;

import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.FederationTrust;
import io.flotilla.engine.security.TrustStore;
import io.flotilla.engine.store.JdbcFederationStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * Where a state directory keeps its trust material ({@code <state-dir>/ca/}: the encrypted root keystore,
 * {@code ca.pem}, the coordinator's TLS key and certificate, the local admin's identity in {@code admin/},
 * and {@code coordinator}, the address a running coordinator advertises) and opening it: the store, the
 * CA (which needs the passphrase) and the {@link FederationTrust} over both. One command invocation; not
 * thread-safe.
 */
final class TrustHome implements AutoCloseable {
  static final String PASSPHRASE_ENV = "FLOTILLA_CA_PASSPHRASE";
  static final String FEDERATION = "network";

  final Path stateDir;
  final Path caDir;
  final JdbcFederationStore store;
  final CertificateAuthority ca;
  final FederationTrust trust;

  private TrustHome(Path stateDir, JdbcFederationStore store, CertificateAuthority ca, FederationTrust trust) {
    this.stateDir = stateDir;
    this.caDir = caDir(stateDir);
    this.store = store;
    this.ca = ca;
    this.trust = trust;
  }

  static Path caDir(Path stateDir) {
    return stateDir.resolve("ca");
  }

  static Path adminIdentity(Path stateDir) {
    return caDir(stateDir).resolve("admin");
  }

  static Path coordinatorFile(Path stateDir) {
    return caDir(stateDir).resolve("coordinator");
  }

  /** The passphrase from {@code file} (first line) or the environment; never echoed. */
  static char[] passphrase(Path file) {
    String p;
    if (file != null) {
      try {
        p = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
      } catch (IOException e) {
        throw new IllegalArgumentException("--passphrase-file " + file + ": " + e.getMessage());
      }
    } else {
      p = System.getenv(PASSPHRASE_ENV);
      if (p == null) {
        throw new IllegalArgumentException("the CA passphrase is needed: give --passphrase-file FILE or set "
            + PASSPHRASE_ENV);
      }
    }
    return p.toCharArray();
  }

  /** Opens the trust material of an initialized state directory. */
  static TrustHome open(Path stateDir, Path passphraseFile, Duration participantLifetime, Clock clock)
      throws IOException {
    if (!Files.isRegularFile(caDir(stateDir).resolve(CertificateAuthority.ROOT_FILE))) {
      throw new IllegalArgumentException("--state-dir " + stateDir + ": no certificate authority there; run "
          + "'flotilla ca init --state-dir " + stateDir + "' first");
    }
    SecureRandom random = new SecureRandom();
    JdbcFederationStore store = JdbcFederationStore.openDirectory(stateDir, clock); // fails first when a coordinator holds it
    try {
      CertificateAuthority ca = CertificateAuthority.load(caDir(stateDir), passphrase(passphraseFile), clock, random);
      return new TrustHome(stateDir, store, ca, new FederationTrust(ca, new TrustStore(store, FEDERATION), clock, random,
          participantLifetime, Duration.ofDays(30)));
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Whether {@code e} says a coordinator holds the state directory's database (H2 is single-process). */
  static boolean inUse(RuntimeException e) {
    return e instanceof io.flotilla.engine.store.StoreException && String.valueOf(e.getMessage()).contains("in use");
  }

  /** Parses 90s, 30m, 24h or 7d. */
  static Duration parseDuration(String text, String option) {
    String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.matches("[0-9]+[smhd]")) {
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      Duration d = switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      if (!d.isZero()) {
        return d;
      }
    }
    throw new IllegalArgumentException(option + ": invalid duration '" + text + "': use a positive number with s, m, h or d (e.g. 24h)");
  }

  @Override
  public void close() {
    store.close();
  }
}
