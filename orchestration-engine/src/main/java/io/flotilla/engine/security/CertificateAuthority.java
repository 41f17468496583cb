package io.flotilla.engine.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The federation's own certificate authority: an ECDSA P-256 root key and self-signed certificate, kept
 * under {@code <state-dir>/ca/} in a PKCS#12 keystore protected by the operator's passphrase
 * ({@code root.p12}), with the certificate also in {@code ca.pem} for bundles. It issues the coordinator's
 * TLS server certificate and the short-lived client certificates of participants and operators; the
 * subject carries the identity (CN) and the {@link Role} (OU). Issuing uses an injected {@link Clock} and
 * {@link SecureRandom}. Thread-safe (immutable key material; issuing is stateless).
 */
public final class CertificateAuthority {
  public static final String ROOT_FILE = "root.p12";
  public static final String CA_PEM = "ca.pem";
  public static final String SERVER_CERT = "server.pem";
  public static final String SERVER_KEY = "server.key";
  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final Duration SKEW = Duration.ofMinutes(1);

  private final PrivateKey key;
  private final X509Certificate certificate;
  private final Clock clock;
  private final SecureRandom random;

  private CertificateAuthority(PrivateKey key, X509Certificate certificate, Clock clock, SecureRandom random) {
    this.key = key;
    this.certificate = certificate;
    this.clock = clock;
    this.random = random;
  }

  /** An in-memory CA (tests, or a caller that stores it itself). */
  public static CertificateAuthority create(String name, Clock clock, SecureRandom random) {
    KeyPair kp = generateKeyPair(random);
    Instant now = clock.instant();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).addRDN(BCStyle.O, "Flotilla")
        .build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(random),
          Date.from(now.minus(SKEW)), Date.from(now.plus(Duration.ofDays(3650))), subject, kp.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      X509Certificate cert = sign(b, kp.getPrivate(), random);
      return new CertificateAuthority(kp.getPrivate(), cert, clock, random);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create the CA certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Creates the CA in {@code caDir} (which must not hold one yet): {@code root.p12} encrypted with
   * {@code passphrase}, {@code ca.pem}.
   */
  public static CertificateAuthority init(Path caDir, char[] passphrase, String name, Clock clock,
      SecureRandom random) throws IOException {
    checkPassphrase(passphrase);
    if (Files.exists(caDir.resolve(ROOT_FILE))) {
      throw new IllegalArgumentException("a CA already exists in " + caDir + " (" + ROOT_FILE + "); refusing to replace it");
    }
    Files.createDirectories(caDir);
    CertificateAuthority ca = create(name, clock, random);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("ca", ca.key, passphrase, new Certificate[] {ca.certificate});
      Path tmp = caDir.resolve(ROOT_FILE + ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        ks.store(out, passphrase);
      }
      restrict(tmp);
      Files.move(tmp, caDir.resolve(ROOT_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the CA keystore: " + e.getMessage(), e);
    }
    Files.writeString(caDir.resolve(CA_PEM), Pem.write(ca.certificate), StandardCharsets.US_ASCII);
    return ca;
  }

  /** Loads the CA from {@code caDir}; a wrong passphrase is refused with a message that says so. */
  public static CertificateAuthority load(Path caDir, char[] passphrase, Clock clock, SecureRandom random)
      throws IOException {
    Path file = caDir.resolve(ROOT_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no CA in " + caDir + ": run 'flotilla ca init' first");
    }
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, passphrase);
      PrivateKey k = (PrivateKey) ks.getKey("ca", passphrase);
      return new CertificateAuthority(k, (X509Certificate) ks.getCertificate("ca"), clock, random);
    } catch (IOException e) {
      if (e.getCause() instanceof java.security.UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
        throw new IllegalArgumentException("wrong CA passphrase for " + file);
      }
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot open the CA keystore " + file + ": " + e.getMessage(), e);
    }
  }

  static void checkPassphrase(char[] passphrase) {
    if (passphrase == null || passphrase.length < 8) {
      throw new IllegalArgumentException("the CA passphrase must have at least 8 characters");
    }
  }

  /** Makes a file readable by its owner only (where the file system supports POSIX permissions). */
  public static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's protection is what there is
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public String certificatePem() {
    return Pem.write(certificate);
  }

  public Clock clock() {
    return clock;
  }

  /**
   * A client certificate for {@code publicKey}: subject {@code CN=id, OU=role, O=Flotilla}, client-auth
   * extended key usage, valid from now (less a minute of clock skew) for {@code lifetime}.
   */
  public X509Certificate issueClient(PublicKey publicKey, String id, Role role, Duration lifetime) {
    return issueClient(publicKey, id, role, clock.instant(), lifetime);
  }

  /** As {@link #issueClient(PublicKey, String, Role, Duration)} from {@code from} (tests make expired ones). */
  public X509Certificate issueClient(PublicKey publicKey, String id, Role role, Instant from, Duration lifetime) {
    checkName(id);
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, id).addRDN(BCStyle.OU, role.label())
        .addRDN(BCStyle.O, "Flotilla").build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(random),
          Date.from(from.minus(SKEW)), Date.from(from.plus(lifetime)), new X500Principal(subject.getEncoded()), publicKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      return sign(b, key, random);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + id + ": " + e.getMessage(), e);
    }
  }

  /** The coordinator's server identity: key and certificate with these DNS names / IP addresses. */
  public record ServerIdentity(PrivateKey key, X509Certificate certificate) {
    public String keyPem() {
      return Pem.write(key);
    }

    public String certificatePem() {
      return Pem.write(certificate);
    }
  }

  /** Issues a TLS server certificate (server-auth EKU) for {@code hosts} (names or IP literals). */
  public ServerIdentity issueServer(List<String> hosts, Duration lifetime) {
    KeyPair kp = generateKeyPair(random);
    Instant now = clock.instant();
    List<GeneralName> names = new ArrayList<>();
    for (String h : hosts) {
      boolean ip = h.matches("[0-9.]+") || h.contains(":");
      names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, h));
    }
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hosts.get(0))
        .addRDN(BCStyle.OU, "coordinator").addRDN(BCStyle.O, "Flotilla").build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(random),
          Date.from(now.minus(SKEW)), Date.from(now.plus(lifetime)), new X500Principal(subject.getEncoded()),
          kp.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      return new ServerIdentity(kp.getPrivate(), sign(b, key, random));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue the server certificate: " + e.getMessage(), e);
    }
  }

  /** Whether {@code cert} was signed by this CA's key. */
  public boolean issued(X509Certificate cert) {
    if (!cert.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
      return false;
    }
    try {
      cert.verify(certificate.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ keys, requests, names

  /** A fresh ECDSA P-256 key pair. */
  public static KeyPair generateKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 unavailable", e);
    }
  }

  /** A PKCS#10 request for {@code keys}, signed with its private key (proof of possession), as PEM. */
  public static String csr(KeyPair keys, String commonName) {
    try {
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(keys.getPrivate());
      return Pem.write(new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic()).build(signer));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a CSR: " + e.getMessage(), e);
    }
  }

  /**
   * The public key of a request whose signature verifies with that same key (proof of possession).
   *
   * @throws TrustException CSR_INVALID naming the problem
   */
  public static PublicKey verifiedKey(String csrPem) {
    PKCS10CertificationRequest req;
    try {
      req = Pem.csr(csrPem);
    } catch (IllegalArgumentException e) {
      throw new TrustException(TrustException.Reason.CSR_INVALID, "the CSR is not a PEM PKCS#10 request: " + e.getMessage());
    }
    try {
      JcaPKCS10CertificationRequest jr = new JcaPKCS10CertificationRequest(req);
      PublicKey k = jr.getPublicKey();
      if (!"EC".equals(k.getAlgorithm()) && !"ECDSA".equals(k.getAlgorithm())) {
        throw new TrustException(TrustException.Reason.CSR_INVALID, "the CSR key must be ECDSA P-256, not " + k.getAlgorithm());
      }
      if (!req.isSignatureValid(new JcaContentVerifierProviderBuilder().build(k))) {
        throw new TrustException(TrustException.Reason.CSR_INVALID,
            "the CSR signature does not verify with the key it contains (no proof of possession of that key)");
      }
      return k;
    } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
      throw new TrustException(TrustException.Reason.CSR_INVALID, "the CSR cannot be verified: " + e.getMessage());
    }
  }

  /** The CN of a subject. */
  public static String commonName(X500Principal p) {
    return rdn(p, BCStyle.CN);
  }

  /** The role a certificate was issued for (its OU), or null when it names none we know. */
  public static Role role(X509Certificate cert) {
    String ou = rdn(cert.getSubjectX500Principal(), BCStyle.OU);
    if (ou == null) {
      return null;
    }
    try {
      return Role.parse(ou);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String rdn(X500Principal p, org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
    RDN[] r = X500Name.getInstance(p.getEncoded()).getRDNs(oid);
    return r.length == 0 ? null : IETFUtils.valueToString(r[0].getFirst().getValue());
  }

  /** Participant and operator names: 1..128 of letters, digits, '.', '_', '-'. */
  public static void checkName(String id) {
    if (id == null || !id.matches("[A-Za-z0-9._-]{1,128}")) {
      throw new IllegalArgumentException("invalid identity name '" + id + "': use 1..128 letters, digits, '.', '_' or '-'");
    }
  }

  public static String serialHex(X509Certificate c) {
    return c.getSerialNumber().toString(16);
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).setBit(126);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key, SecureRandom random)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).setSecureRandom(random).build(key);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  @Override
  public String toString() {
    return "CA " + certificate.getSubjectX500Principal().getName();
  }

}
