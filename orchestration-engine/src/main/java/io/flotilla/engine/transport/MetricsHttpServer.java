package io.flotilla.engine.transport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.flotilla.engine.transport.proto.HealthResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A tiny HTTP endpoint beside the gRPC server (JDK {@code com.sun.net.httpserver}): {@code GET /metrics}
 * answers the Prometheus text exposition of the coordinator's meters, {@code GET /health} a JSON summary
 * (HTTP 200 while serving, 503 otherwise). Thread-safe; {@link #close()} is idempotent.
 */
public final class MetricsHttpServer implements AutoCloseable {
  private final HttpServer http;
  private final ExecutorService executor;

  private MetricsHttpServer(HttpServer http, ExecutorService executor) {
    this.http = http;
    this.executor = executor;
  }

  /** Starts serving on {@code host:port} (0 for an ephemeral port). */
  public static MetricsHttpServer start(String host, int port, PrometheusMeterRegistry registry,
      Supplier<HealthResponse> health) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 16);
    http.createContext("/metrics", ex -> {
      try (ex) {
        if (!"GET".equals(ex.getRequestMethod())) {
          reply(ex, 405, "text/plain", "GET only\n");
          return;
        }
        reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
      }
    });
    http.createContext("/health", ex -> {
      try (ex) {
        HealthResponse h = health.get();
        String json = String.format(Locale.ROOT,
            "{\"status\":\"%s\",\"federation\":\"%s\",\"state\":\"%s\",\"model_version\":%d,"
                + "\"model_sha256\":\"%s\",\"sessions\":%d,\"mode\":\"%s\",\"protocol\":[%d,%d]}\n",
            h.getStatus().name(), escape(h.getFederation()), h.getFederationState(), h.getModelVersion(),
            h.getModelSha256(), h.getSessions(), escape(h.getMode()), h.getMinProtocolVersion(),
            h.getMaxProtocolVersion());
        reply(ex, h.getStatus() == HealthResponse.Status.SERVING ? 200 : 503, "application/json", json);
      }
    });
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "flotilla-metrics-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    http.start();
    return new MetricsHttpServer(http, executor);
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static void reply(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
