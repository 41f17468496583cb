package io.flotilla.console.app.session;

import java.util.Locale;
import java.util.Objects;

/**
 * Where the console's embedded coordinator server listens ({@code flotilla console --serve HOST:PORT}), so
 * that participant processes ({@code flotilla participant --coordinator HOST:PORT}) join the federation the
 * console runs. Immutable.
 *
 * @param host the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the TCP port, 0 for any free one
 */
public record ServeSpec(String host, int port) {
  public ServeSpec {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("the address to serve on has no host");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is not in 0..65535");
    }
  }

  /**
   * Parses {@code HOST:PORT} (IPv6 hosts in brackets: {@code [::1]:7070}).
   *
   * @throws IllegalArgumentException naming what is wrong with {@code text}
   */
  public static ServeSpec parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("expected HOST:PORT, got nothing");
    }
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("expected HOST:PORT (e.g. 0.0.0.0:7070), got '" + text + "'");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected HOST:PORT with a numeric port, got '" + text + "'");
    }
    return new ServeSpec(host, port);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** {@code host:port} as a participant on this machine would dial a server bound to {@code boundPort}. */
  public String dialAddress(int boundPort) {
    String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    return String.format(Locale.ROOT, "%s:%d", h.indexOf(':') >= 0 ? "[" + h + "]" : h, boundPort);
  }
}
