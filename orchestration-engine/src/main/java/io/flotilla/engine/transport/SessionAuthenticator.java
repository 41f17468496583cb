package io.flotilla.engine.transport;

import io.flotilla.engine.transport.proto.Hello;
import javax.net.ssl.SSLSession;

/**
 * Decides who a new session belongs to. The identity it returns is bound to the session: every download
 * and upload made with the session's token acts as that participant, whatever the messages claim. Today
 * only {@link #insecure()} exists (plaintext on loopback, the claimed id is trusted); mutual TLS (issue 4)
 * plugs in an authenticator that reads the participant id from the client certificate in {@code tls}.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface SessionAuthenticator {
  /**
   * @param tls the TLS session of the connection, or null on a plaintext connection
   * @return the participant id the session acts as
   * @throws SecurityException with a message for the peer when the session is refused
   */
  String authenticate(Hello hello, SSLSession tls);

  /** Trusts the participant id the hello claims. For plaintext loopback federations only. */
  static SessionAuthenticator insecure() {
    return (hello, tls) -> {
      String id = hello.getParticipantId().trim();
      if (id.isEmpty() || id.length() > 256) {
        throw new SecurityException("participant id must be 1..256 characters");
      }
      return id;
    };
  }
}
