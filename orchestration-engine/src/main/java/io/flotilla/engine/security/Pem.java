package io.flotilla.engine.security;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * PEM reading and writing of certificates, PKCS#8 private keys (the form gRPC accepts) and PKCS#10
 * requests, through BouncyCastle. Stateless.
 */
public final class Pem {
  private Pem() {}

  public static String write(Object o) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      if (o instanceof PrivateKey k) {
        w.writeObject(new JcaPKCS8Generator(k, null));
      } else {
        w.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }

  private static List<Object> objects(String pem) {
    List<Object> out = new ArrayList<>();
    try (PEMParser p = new PEMParser(new StringReader(pem == null ? "" : pem))) {
      Object o;
      while ((o = p.readObject()) != null) {
        out.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not valid PEM: " + e.getMessage(), e);
    }
    return out;
  }

  /** All certificates in {@code pem}, in order. */
  public static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
    for (Object o : objects(pem)) {
      if (o instanceof X509CertificateHolder h) {
        try {
          out.add(conv.getCertificate(h));
        } catch (CertificateException e) {
          throw new IllegalArgumentException("not a valid certificate: " + e.getMessage(), e);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no certificate in the PEM text");
    }
    return out;
  }

  public static X509Certificate certificate(String pem) {
    return certificates(pem).get(0);
  }

  public static PrivateKey privateKey(String pem) {
    for (Object o : objects(pem)) {
      try {
        if (o instanceof PrivateKeyInfo pki) {
          return new JcaPEMKeyConverter().getPrivateKey(pki);
        }
        if (o instanceof org.bouncycastle.openssl.PEMKeyPair kp) {
          return new JcaPEMKeyConverter().getKeyPair(kp).getPrivate();
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("not a valid private key: " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException("no private key in the PEM text");
  }

  public static PKCS10CertificationRequest csr(String pem) {
    for (Object o : objects(pem)) {
      if (o instanceof PKCS10CertificationRequest r) {
        return r;
      }
    }
    throw new IllegalArgumentException("no certificate request (PKCS#10) in the PEM text");
  }
}
