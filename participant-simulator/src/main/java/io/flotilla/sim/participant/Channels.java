package io.flotilla.sim.participant;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/**
 * Opens channels to a coordinator with the protocol's limits (message size for 1 MiB chunks, keepalive).
 * Credentials are pluggable: plaintext ({@link #insecure()}) for loopback demos, or mutual TLS with an
 * enrolled {@link ParticipantIdentity#channelCredentials()}.
 * Stateless.
 */
public final class Channels {
  private Channels() {}

  /** Plaintext credentials, for loopback federations started with {@code --insecure}. */
  public static ChannelCredentials insecure() {
    return InsecureChannelCredentials.create();
  }

  /** A channel to {@code host:port}. */
  public static ManagedChannel open(String target, ChannelCredentials credentials) {
    return Grpc.newChannelBuilder(target, credentials)
        .maxInboundMessageSize((1 << 20) + (256 << 10))
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .build();
  }
}
