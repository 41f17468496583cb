package io.flotilla.engine.transport;

import io.flotilla.engine.transport.proto.ErrorCode;

/**
 * A payload or chunk sequence that breaks the protocol (wrong size, bad checksum, unknown encoding, too
 * large), with the typed {@link ErrorCode} the peer is told. Thrown by the codecs, answered as an error
 * message; never changes federation state.
 */
public final class PayloadException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public PayloadException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
