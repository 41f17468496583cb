package io.flotilla.console.app.session;

import io.flotilla.engine.api.Federation;
import io.flotilla.engine.transport.CoordinatorServer;
import io.flotilla.engine.transport.TransportConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;

/**
 * The gRPC coordinator server that the console starts for the federation it runs embedded, so participant
 * processes on this or other machines ({@code flotilla participant --coordinator HOST:PORT}) join that
 * federation next to its simulated participants. It is the same {@link CoordinatorServer} that
 * {@code flotilla serve} runs; the console owns the federation, so stopping the server leaves the
 * federation running (and closing the console stops both).
 *
 * <p>The transport (plaintext or TLS) is whatever the {@link TransportConfig} says: the credentials slot in
 * there. Thread-safety: all methods may be called from any thread; {@link #close()} is idempotent and waits
 * at most about two seconds (call it off the FX thread).
 */
public final class EmbeddedServer implements AutoCloseable {
  private final CoordinatorServer server;
  private final ServeSpec spec;

  private EmbeddedServer(CoordinatorServer server, ServeSpec spec) {
    this.server = server;
    this.spec = spec;
  }

  /**
   * Mutual TLS on {@code spec}'s address with the engine's default limits: {@code credentials} (the server's
   * certificate and the CA client certificates must chain to) and the trust layer {@code security} that
   * authenticates every call.
   */
  public static TransportConfig mutualTls(ServeSpec spec, io.grpc.ServerCredentials credentials,
      io.flotilla.engine.transport.TransportSecurity security) {
    return TransportConfig.builder().host(spec.host()).port(spec.port()).credentials(credentials).security(security)
        .build();
  }

  /** Plaintext transport on {@code spec}'s address with the engine's default limits. */
  public static TransportConfig plaintext(ServeSpec spec) {
    return TransportConfig.builder().host(spec.host()).port(spec.port()).build();
  }

  /**
   * Binds and starts serving {@code federation}.
   *
   * @throws UncheckedIOException naming the address when it cannot be bound (in use, not local)
   */
  public static EmbeddedServer start(Federation federation, ServeSpec spec, TransportConfig transport) {
    Objects.requireNonNull(federation, "federation");
    Objects.requireNonNull(spec, "spec");
    try {
      CoordinatorServer s = CoordinatorServer.builder(federation)
          .config(Objects.requireNonNull(transport, "transport"))
          .mode("sync")
          .stopFederationOnShutdown(false)
          .start();
      return new EmbeddedServer(s, spec);
    } catch (IOException e) {
      String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
          : e.getMessage();
      throw new UncheckedIOException("cannot serve participants on " + spec + ": " + why, e);
    }
  }

  /** The port bound (the free one chosen when asked for port 0). */
  public int port() {
    return server.port();
  }

  /** {@code host:port} for {@code flotilla participant --coordinator} on this machine. */
  public String dialAddress() {
    return spec.dialAddress(port());
  }

  /** Participant sessions open now. */
  public int sessions() {
    return server.sessions();
  }

  /** Tells connected participants the coordinator is going away and stops listening; the federation lives on. */
  @Override
  public void close() {
    server.shutdown(Duration.ofSeconds(2), false);
  }
}
