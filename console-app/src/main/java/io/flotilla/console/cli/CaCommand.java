package io.flotilla.console.cli;

import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.FederationTrust;
import io.flotilla.engine.security.Pem;
import io.flotilla.engine.security.Role;
import io.flotilla.engine.security.TrustStore;
import io.flotilla.engine.store.JdbcFederationStore;
import io.flotilla.sim.participant.ParticipantIdentity;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flotilla ca init|show}: the federation's certificate authority in a state directory. */
@Command(name = "ca", mixinStandardHelpOptions = true,
    description = "The federation's certificate authority (root key, coordinator certificate, local admin identity).",
    subcommands = {CaCommand.Init.class, CaCommand.Show.class})
public final class CaCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** The DNS names and addresses the coordinator's certificate covers. */
  static List<String> serverNames(List<String> extra, String host) {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
    try {
      names.add(InetAddress.getLocalHost().getHostName());
    } catch (java.io.IOException e) {
      // no resolvable host name: loopback and --san only
    }
    if (host != null && !host.isBlank() && !host.equals("0.0.0.0") && !host.equals("::")) {
      names.add(host);
    }
    for (String s : extra) {
      if (!s.isBlank()) {
        names.add(s.trim());
      }
    }
    return new ArrayList<>(names);
  }

  /** Writes the coordinator's key and certificate into {@code caDir} and records the certificate. */
  static void writeServer(CertificateAuthority ca, FederationTrust trust, Path caDir, List<String> names, String actor)
      throws java.io.IOException {
    CertificateAuthority.ServerIdentity s = ca.issueServer(names, Duration.ofDays(365));
    Path key = caDir.resolve(CertificateAuthority.SERVER_KEY);
    Files.writeString(key, s.keyPem(), StandardCharsets.US_ASCII);
    CertificateAuthority.restrict(key);
    Files.writeString(caDir.resolve(CertificateAuthority.SERVER_CERT), s.certificatePem(), StandardCharsets.US_ASCII);
    trust.store().audit(ca.clock().instant(), actor, "certificate.issued", "coordinator",
        java.util.Map.of("serial", CertificateAuthority.serialHex(s.certificate()), "names", String.join(",", names),
            "role", "coordinator"));
  }

  /** {@code flotilla ca init}. */
  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Create the root key (ECDSA P-256, PKCS#12 encrypted with the passphrase), the coordinator's "
          + "TLS certificate and the local admin identity under <state-dir>/ca/.")
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--state-dir", required = true, paramLabel = "DIR", description = "state directory (created if needed)")
    Path stateDir;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
        description = "file whose first line is the new CA passphrase (default: environment variable FLOTILLA_CA_PASSPHRASE)")
    Path passphraseFile;

    @Option(names = "--name", defaultValue = "Flotilla federation CA", description = "CA name (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--san", paramLabel = "NAME", split = ",",
        description = "extra DNS names or IP addresses of the coordinator (localhost, 127.0.0.1 and this host's name are always included)")
    List<String> sans = new ArrayList<>();

    @Option(names = "--admin-name", defaultValue = "admin", description = "CN of the local admin identity (default: ${DEFAULT-VALUE})")
    String adminName;

    @Override
    public Integer call() throws Exception {
      char[] pass;
      try {
        pass = TrustHome.passphrase(passphraseFile);
        CertificateAuthority.checkName(adminName);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      Clock clock = Clock.systemUTC();
      SecureRandom random = new SecureRandom();
      Path caDir = TrustHome.caDir(stateDir);
      CertificateAuthority ca;
      try {
        ca = CertificateAuthority.init(caDir, pass, name, clock, random);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      try (JdbcFederationStore store = JdbcFederationStore.openDirectory(stateDir, clock)) {
        FederationTrust trust = new FederationTrust(ca, new TrustStore(store, TrustHome.FEDERATION), clock, random,
            Duration.ofHours(24), Duration.ofDays(30));
        trust.store().audit(clock.instant(), adminName, "ca.created", name,
            java.util.Map.of("serial", CertificateAuthority.serialHex(ca.certificate()),
                "fingerprint_sha256", FederationTrust.sha256(ca.certificate().getEncoded())));
        List<String> names = serverNames(sans, null);
        writeServer(ca, trust, caDir, names, adminName);
        KeyPair kp = CertificateAuthority.generateKeyPair(random);
        X509Certificate admin = ca.issueClient(kp.getPublic(), adminName, Role.ADMIN, Duration.ofDays(365));
        trust.recordIssued(admin, adminName);
        new ParticipantIdentity(kp.getPrivate(), admin, ca.certificate(), null, TrustHome.adminIdentity(stateDir)).save();
        out.printf("flotilla ca: created '%s' in %s%n", name, caDir);
        out.printf("  CA certificate   %s (SHA-256 fingerprint %s)%n", caDir.resolve(CertificateAuthority.CA_PEM),
            FederationTrust.sha256(ca.certificate().getEncoded()));
        out.printf("  coordinator      %s for %s%n", caDir.resolve(CertificateAuthority.SERVER_CERT), String.join(", ", names));
        out.printf("  local admin      %s (role admin, CN %s)%n", TrustHome.adminIdentity(stateDir), adminName);
        out.println("  keep the passphrase safe: it protects the root key (root.p12) and is needed to approve enrollments");
        out.flush();
        return 0;
      }
    }
  }

  /** {@code flotilla ca show}. */
  @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the CA certificate and its fingerprint.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--state-dir", required = true, paramLabel = "DIR", description = "state directory")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
      Path pem = TrustHome.caDir(stateDir).resolve(CertificateAuthority.CA_PEM);
      if (!Files.isRegularFile(pem)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--state-dir " + stateDir
            + ": no certificate authority there (run 'flotilla ca init')");
      }
      X509Certificate c = Pem.certificate(Files.readString(pem));
      PrintWriter out = spec.commandLine().getOut();
      out.printf("subject      %s%nvalid until  %s%nfingerprint  SHA-256 %s%n%s", c.getSubjectX500Principal().getName(),
          c.getNotAfter().toInstant(), FederationTrust.sha256(c.getEncoded()), Pem.write(c));
      out.flush();
      return 0;
    }
  }
}
