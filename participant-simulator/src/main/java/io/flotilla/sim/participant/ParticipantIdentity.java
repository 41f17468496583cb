package io.flotilla.sim.participant;

import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.Pem;
import io.flotilla.engine.security.UpdateSignature;
import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A participant's (or operator's) identity: its own private key, the certificate the federation's CA
 * issued for it, and the CA certificate that authenticates the coordinator. Stored in a directory
 * ({@code key.pem} owner-readable only, {@code cert.pem}, {@code ca.pem}, {@code coordinator}). The key
 * manager it hands to TLS always presents the current certificate, so a renewal takes effect on the next
 * connection without rebuilding anything. Thread-safe (the key and certificate are replaced together).
 */
public final class ParticipantIdentity {
  private record Material(PrivateKey key, X509Certificate certificate) {
    /** Names this key and certificate pair, so TLS gets both from the same generation. */
    String alias() {
      return certificate.getSerialNumber().toString(16);
    }
  }

  private final X509Certificate ca;
  private final String coordinator;
  private final Path dir;
  private volatile Material material;
  /** The material in use before the last renewal (a handshake may have chosen its alias just before). */
  private volatile Material previous;

  public ParticipantIdentity(PrivateKey key, X509Certificate certificate, X509Certificate ca, String coordinator,
      Path dir) {
    this.material = new Material(key, certificate);
    this.ca = ca;
    this.coordinator = coordinator;
    this.dir = dir;
  }

  /** Loads an identity saved by enrollment. */
  public static ParticipantIdentity load(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve("cert.pem"))) {
      throw new IllegalArgumentException("no identity in " + dir + " (cert.pem missing): enroll first with --enroll BUNDLE");
    }
    String coordinator = Files.isRegularFile(dir.resolve("coordinator"))
        ? Files.readString(dir.resolve("coordinator")).trim() : null;
    return new ParticipantIdentity(Pem.privateKey(Files.readString(dir.resolve("key.pem"))),
        Pem.certificate(Files.readString(dir.resolve("cert.pem"))), Pem.certificate(Files.readString(dir.resolve("ca.pem"))),
        coordinator, dir);
  }

  /** Writes the identity into {@code dir} (the key readable by its owner only). */
  public void save() throws IOException {
    if (dir == null) {
      return;
    }
    Files.createDirectories(dir);
    Material m = material;
    Path key = dir.resolve("key.pem");
    Files.writeString(key, Pem.write(m.key()), StandardCharsets.US_ASCII);
    CertificateAuthority.restrict(key);
    Files.writeString(dir.resolve("cert.pem"), Pem.write(m.certificate()), StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("ca.pem"), Pem.write(ca), StandardCharsets.US_ASCII);
    if (coordinator != null) {
      Files.writeString(dir.resolve("coordinator"), coordinator + "\n");
    }
  }

  public String id() {
    return CertificateAuthority.commonName(material.certificate().getSubjectX500Principal());
  }

  public X509Certificate certificate() {
    return material.certificate();
  }

  public X509Certificate ca() {
    return ca;
  }

  public String coordinator() {
    return coordinator;
  }

  public Path directory() {
    return dir;
  }

  /** Replaces key and certificate (after a renewal) and saves them when the identity has a directory. */
  public void replace(KeyPair keys, X509Certificate certificate) throws IOException {
    if (!certificate.getPublicKey().equals(keys.getPublic())) {
      throw new IllegalArgumentException("the renewed certificate is not for the new key");
    }
    previous = material;
    material = new Material(keys.getPrivate(), certificate);
    save();
  }

  /** When a renewal is due: after two thirds of the current certificate's lifetime. */
  public Instant renewalDue() {
    X509Certificate c = material.certificate();
    Instant from = c.getNotBefore().toInstant();
    Instant to = c.getNotAfter().toInstant();
    return from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
  }

  /** Signs with the current key (update signatures). */
  public byte[] sign(byte[] message) {
    return UpdateSignature.sign(material.key(), message);
  }

  /** Mutual TLS channel credentials: this identity's key manager, the federation's CA as the only trust anchor. */
  public ChannelCredentials channelCredentials() throws IOException {
    return TlsChannelCredentials.newBuilder().keyManager(new CurrentKeyManager())
        .trustManager(new ByteArrayInputStream(Pem.write(ca).getBytes(StandardCharsets.US_ASCII))).build();
  }

  /** Presents whatever certificate is current at handshake time (key and certificate of one generation). */
  private final class CurrentKeyManager extends X509ExtendedKeyManager {
    private Material of(String alias) {
      Material m = material;
      if (m.alias().equals(alias)) {
        return m;
      }
      Material p = previous;
      return p != null && p.alias().equals(alias) ? p : m;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {material.alias()};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return material.alias();
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return material.alias();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {of(alias).certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return of(alias).key();
    }
  }
}
