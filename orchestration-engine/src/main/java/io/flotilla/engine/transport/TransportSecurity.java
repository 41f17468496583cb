package io.flotilla.engine.transport;

import io.flotilla.engine.transport.proto.Error;
import io.flotilla.engine.transport.proto.ErrorCode;
import io.flotilla.engine.transport.proto.RenewRequest;
import io.flotilla.engine.transport.proto.RenewResponse;
import io.flotilla.engine.transport.proto.UpdateHeader;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import javax.net.ssl.SSLSession;

/**
 * The hooks through which a trust layer (issue 4: {@code io.flotilla.engine.security.TrustedTransport})
 * guards a {@link CoordinatorServer}: who a session is, whether an upload may proceed (certificate still
 * valid, signature, replay), auditing refusals the transport finds itself, certificate renewal and
 * consent withdrawal on the {@code Coordinator} service, and extra services (enrollment, admin) served on
 * the same port. Methods that answer an {@link Error} return null to let the call proceed. Implementations
 * must be thread-safe.
 */
public interface TransportSecurity {
  /** Decides the identity of a new session from its TLS session. */
  SessionAuthenticator authenticator();

  /**
   * An upload header arrived (before any other check, before any payload is buffered).
   *
   * @param sessionParticipant the participant of the header's session token, or null when unknown
   */
  Error admitUpload(SSLSession tls, String sessionParticipant, String federation, UpdateHeader header);

  /** The transport refused an upload on its own (checksum mismatch, malformed): audit it. */
  void uploadRefused(String participantId, UpdateHeader header, ErrorCode code, String detail);

  /** Last check before the decoded update goes to the federation (replay, standing changed meanwhile). */
  Error beforeSubmit(String participantId, String federation, UpdateHeader header);

  /** Certificate rotation; throws a {@code StatusRuntimeException} carrying a flotilla Error when refused. */
  RenewResponse renew(SSLSession tls, RenewRequest request);

  /** The caller withdraws its consent; throws a {@code StatusRuntimeException} when refused. */
  void withdrawConsent(SSLSession tls, String reason);

  /** Services served beside {@code Coordinator} (each sees the caller's TLS session). */
  List<ServerServiceDefinition> services();

  /** Called once the server is built, so the trust layer can close sessions (revocation). */
  void bind(CoordinatorServer server);
}
