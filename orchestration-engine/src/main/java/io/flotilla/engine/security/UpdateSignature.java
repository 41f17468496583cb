package io.flotilla.engine.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HexFormat;

/**
 * The signature a participant puts on each update: ECDSA (SHA-256) with its certificate's key over
 * {@code flotilla.update.v1|federation|round|base version|nonce|hex SHA-256 of the encoded payload}. The
 * payload hash ties the signature to the bytes; round, base version and nonce tie it to one instruction,
 * so it cannot be replayed into another round. Stateless.
 */
public final class UpdateSignature {
  public static final String ALGORITHM = "SHA256withECDSA";

  private UpdateSignature() {}

  /** The signed bytes. */
  public static byte[] message(String federation, long roundId, long baseVersion, long nonce, byte[] payloadSha256) {
    String s = "flotilla.update.v1|" + federation + "|" + roundId + "|" + baseVersion + "|" + nonce + "|"
        + HexFormat.of().formatHex(payloadSha256);
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] sign(PrivateKey key, byte[] message) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign an update: " + e.getMessage(), e);
    }
  }

  /** Whether {@code signature} verifies; malformed signatures are simply false. */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
