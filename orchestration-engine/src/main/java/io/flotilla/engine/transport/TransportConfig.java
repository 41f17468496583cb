package io.flotilla.engine.transport;

import io.flotilla.engine.transport.proto.Encoding;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the coordinator's gRPC server: where it listens, with which credentials, and the limits
 * that keep one participant from hurting the others (message and payload sizes, concurrent uploads,
 * sessions, call deadlines, keepalive). Immutable; use {@link #builder()}.
 *
 * @param host address to bind; {@code 127.0.0.1} keeps the server on loopback
 * @param port 0 for an ephemeral port
 * @param credentials server credentials; plaintext ({@link InsecureServerCredentials}) until mutual TLS
 *     (issue 4) supplies TLS credentials here
 * @param chunkBytes size of the data chunks the server sends, and the largest it expects
 * @param maxMessageBytes largest single gRPC message accepted (a chunk plus its framing)
 * @param maxPayloadBytes largest encoded update or model payload, all chunks together
 * @param maxConcurrentUploads uploads reassembled at once; more are refused with RESOURCE_EXHAUSTED and a
 *     retry hint (bounds the server's memory at about this many payloads)
 * @param maxSessions open participant sessions at once
 * @param updateEncoding how participants must encode updates (chosen per federation)
 * @param modelEncoding how the server sends models (lossless only)
 * @param heartbeatInterval how often participants send heartbeats
 * @param heartbeatTimeout a session that sends nothing for this long is closed (its in-flight round
 *     counts as failed)
 * @param callTimeout deadline the server allows one upload or download call
 * @param retryAfter the retry hint sent with RESOURCE_EXHAUSTED
 * @param keepAliveTime HTTP/2 keepalive ping interval
 * @param security the trust layer (mutual TLS identities, signed updates, enrollment); null for a
 *     plaintext federation whose participants are trusted by their claimed id ({@code --insecure})
 */
public record TransportConfig(
    String host,
    int port,
    ServerCredentials credentials,
    int chunkBytes,
    int maxMessageBytes,
    long maxPayloadBytes,
    int maxConcurrentUploads,
    int maxSessions,
    Encoding updateEncoding,
    Encoding modelEncoding,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    Duration callTimeout,
    Duration retryAfter,
    Duration keepAliveTime,
    TransportSecurity security) {

  public TransportConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(updateEncoding, "updateEncoding");
    Objects.requireNonNull(modelEncoding, "modelEncoding");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, was " + port);
    }
    if (chunkBytes < 1024) {
      throw new IllegalArgumentException("chunkBytes must be at least 1024, was " + chunkBytes);
    }
    if (maxMessageBytes < chunkBytes + 1024) {
      throw new IllegalArgumentException("maxMessageBytes must exceed chunkBytes by at least 1 KiB");
    }
    if (maxPayloadBytes <= 0 || maxConcurrentUploads <= 0 || maxSessions <= 0) {
      throw new IllegalArgumentException("payload, upload and session limits must be positive");
    }
    if (updateEncoding == Encoding.ENCODING_UNSPECIFIED || updateEncoding == Encoding.UNRECOGNIZED) {
      throw new IllegalArgumentException("updateEncoding must be a concrete encoding");
    }
    if (!PayloadCodec.isLossless(modelEncoding)) {
      throw new IllegalArgumentException("models travel lossless (RAW_F32 or GZIP_F32), not " + modelEncoding);
    }
    for (Duration d : new Duration[] {heartbeatInterval, heartbeatTimeout, callTimeout, retryAfter, keepAliveTime}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("durations must be positive");
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().host(host).port(port).credentials(credentials).chunkBytes(chunkBytes)
        .maxMessageBytes(maxMessageBytes).maxPayloadBytes(maxPayloadBytes).maxConcurrentUploads(maxConcurrentUploads)
        .maxSessions(maxSessions).updateEncoding(updateEncoding).modelEncoding(modelEncoding)
        .heartbeatInterval(heartbeatInterval).heartbeatTimeout(heartbeatTimeout).callTimeout(callTimeout)
        .retryAfter(retryAfter).keepAliveTime(keepAliveTime).security(security);
  }

  /** Parses an encoding name as written on the command line: raw, gzip, float16 or q8. */
  public static Encoding parseEncoding(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
    return switch (t) {
      case "raw", "raw_f32", "f32" -> Encoding.RAW_F32;
      case "gzip", "gzip_f32" -> Encoding.GZIP_F32;
      case "float16", "f16", "fp16" -> Encoding.FLOAT16;
      case "q8", "quant8", "int8" -> Encoding.QUANT8;
      default -> throw new IllegalArgumentException(
          "invalid encoding '" + text + "': expected raw, gzip, float16 or q8");
    };
  }

  /** Mutable builder with defaults fit for a loopback federation. Not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 0;
    private ServerCredentials credentials = InsecureServerCredentials.create();
    private int chunkBytes = 1 << 20;
    private int maxMessageBytes = (1 << 20) + (64 << 10);
    private long maxPayloadBytes = 512L << 20;
    private int maxConcurrentUploads = 64;
    private int maxSessions = 10_000;
    private Encoding updateEncoding = Encoding.RAW_F32;
    private Encoding modelEncoding = Encoding.RAW_F32;
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private Duration heartbeatTimeout = Duration.ofSeconds(30);
    private Duration callTimeout = Duration.ofMinutes(5);
    private Duration retryAfter = Duration.ofMillis(500);
    private Duration keepAliveTime = Duration.ofSeconds(30);
    private TransportSecurity security;

    public Builder host(String v) { host = v; return this; }
    public Builder port(int v) { port = v; return this; }
    public Builder credentials(ServerCredentials v) { credentials = v; return this; }
    public Builder chunkBytes(int v) { chunkBytes = v; return this; }
    public Builder maxMessageBytes(int v) { maxMessageBytes = v; return this; }
    public Builder maxPayloadBytes(long v) { maxPayloadBytes = v; return this; }
    public Builder maxConcurrentUploads(int v) { maxConcurrentUploads = v; return this; }
    public Builder maxSessions(int v) { maxSessions = v; return this; }
    public Builder updateEncoding(Encoding v) { updateEncoding = v; return this; }
    public Builder modelEncoding(Encoding v) { modelEncoding = v; return this; }
    public Builder heartbeatInterval(Duration v) { heartbeatInterval = v; return this; }
    public Builder heartbeatTimeout(Duration v) { heartbeatTimeout = v; return this; }
    public Builder callTimeout(Duration v) { callTimeout = v; return this; }
    public Builder retryAfter(Duration v) { retryAfter = v; return this; }
    public Builder keepAliveTime(Duration v) { keepAliveTime = v; return this; }
    public Builder security(TransportSecurity v) { security = v; return this; }

    public TransportConfig build() {
      return new TransportConfig(host, port, credentials, chunkBytes, maxMessageBytes, maxPayloadBytes,
          maxConcurrentUploads, maxSessions, updateEncoding, modelEncoding, heartbeatInterval, heartbeatTimeout,
          callTimeout, retryAfter, keepAliveTime, security);
    }
  }
}
