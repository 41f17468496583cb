package io.flotilla.engine.security;

/**
 * A refusal by the trust layer, with a stable {@link Reason} for callers to map onto protocol errors and
 * a message that names the problem for the person who has to fix it. Thrown only after the refusal was
 * audited (where there is a store) and with nothing else changed.
 */
public final class TrustException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a request was refused. */
  public enum Reason {
    NO_CERTIFICATE, UNKNOWN_CA, EXPIRED, REVOKED, SUSPENDED, WRONG_ROLE, TOKEN_INVALID, CSR_INVALID, POLICY,
    BAD_SIGNATURE, TAMPERED, REPLAYED, PERMISSION_DENIED, NOT_FOUND, INVALID
  }

  private final Reason reason;

  public TrustException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
