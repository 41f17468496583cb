package io.flotilla.sim.participant;

import io.flotilla.engine.transport.proto.Error;

/**
 * What happens to a {@link ParticipantClient}, for logs, the command line and tests. Published on the
 * client's threads; listeners must not block. Immutable.
 */
public sealed interface ClientEvent {
  /** A session was welcomed. */
  record Connected(String sessionToken, int protocolVersion) implements ClientEvent {}

  /** The session ended; the client reconnects unless {@code final}. */
  record Disconnected(String reason, boolean last) implements ClientEvent {}

  /** An instruction arrived. */
  record TaskReceived(long roundId, long baseVersion) implements ClientEvent {}

  /** The coordinator answered an upload: accepted, or refused with a typed error. */
  record UpdateAnswered(long roundId, boolean accepted, Error error) implements ClientEvent {}

  /** The participant gave up on a round and told the coordinator (or could not). */
  record TaskFailed(long roundId, String reason) implements ClientEvent {}

  /** The participant answered an evaluation request. */
  record Evaluated(long requestId, long modelVersion) implements ClientEvent {}
}
