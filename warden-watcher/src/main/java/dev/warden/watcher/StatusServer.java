package dev.warden.watcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.warden.watcher.metrics.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Serves {@code /healthz}, {@code /readyz} and {@code /metrics} over plain HTTP.
 *
 * <p>Plain HTTP because these endpoints carry no secrets and take no input, and because probes and
 * scrapers rarely hold client certificates; bind it to loopback or a management network.
 */
final class StatusServer implements AutoCloseable {

  private final HttpServer server;

  /**
   * @param notReady why the watcher is not ready, or null when it is
   */
  StatusServer(InetSocketAddress listen, Supplier<@Nullable String> notReady, Metrics metrics)
      throws IOException {
    InetSocketAddress bind =
        listen.isUnresolved()
            ? new InetSocketAddress(listen.getHostString(), listen.getPort())
            : listen;
    server = HttpServer.create(bind, 16);
    server.setExecutor(
        Executors.newFixedThreadPool(
            2, Thread.ofPlatform().name("warden-status-", 0).daemon().factory()));
    server.createContext("/healthz", exchange -> answer(exchange, 200, "ok\n", "text/plain"));
    server.createContext(
        "/readyz",
        exchange -> {
          String reason = notReady.get();
          if (reason == null) {
            answer(exchange, 200, "ready\n", "text/plain");
          } else {
            answer(exchange, 503, "not ready: " + reason + "\n", "text/plain");
          }
        });
    server.createContext(
        "/metrics",
        exchange ->
            answer(exchange, 200, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, int status, String body, String type)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
