package dev.warden.broker.it;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.ClientIdentity;
import dev.warden.broker.Broker;
import dev.warden.broker.BrokerConfig;
import dev.warden.broker.ca.IssuedIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A real broker on 127.0.0.1 and an ephemeral port, with its data and catalog in a temporary
 * directory, and helpers that issue real client certificates for it.
 */
final class TestBroker implements AutoCloseable {

  static final String CATALOG =
      """
      roles:
        - name: prod-db
          labels: {env: production}
          maxTtl: PT8H
        - name: dev-db
          labels: {env: development}
      resources:
        - id: node/prod-web-1
          labels: {env: production}
        - id: db/dev-orders
          labels: {env: development}
      users:
        - name: alice
          traits: {team: [sre]}
        - name: bob
          traits: {team: [backend]}
      """;

  final Path directory;
  final Broker broker;

  private TestBroker(Path directory, Broker broker) {
    this.directory = directory;
    this.broker = broker;
  }

  static TestBroker start() {
    return start(config -> config);
  }

  static TestBroker start(UnaryOperator<BrokerConfig> adjust) {
    try {
      Path directory = Files.createTempDirectory("warden-broker-it");
      Path catalog = directory.resolve("catalog.yaml");
      Files.writeString(catalog, CATALOG);
      BrokerConfig config =
          adjust.apply(
              BrokerConfig.of(directory.resolve("data"), catalog)
                  .withListen("127.0.0.1", 0)
                  .withBookmarkInterval(Duration.ofSeconds(1)));
      return new TestBroker(directory, Broker.start(config));
    } catch (Exception e) {
      throw new IllegalStateException("test broker did not start: " + e, e);
    }
  }

  /** Issues an identity with the given roles and returns it. */
  IssuedIdentity issue(String name, String... roles) {
    try {
      return broker.ca().issueIdentity(name, List.of(roles), Duration.ofHours(1), Instant.now());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Issues an identity with a lifetime of its own. */
  IssuedIdentity issue(String name, Duration ttl, String... roles) {
    try {
      return broker.ca().issueIdentity(name, List.of(roles), ttl, Instant.now());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Records a certificate signed outside the CA's checks ({@link
   * dev.warden.broker.ca.CertificateAuthority#issueUnrecorded}) in the index, as its own line of
   * the documented format, so that the broker knows its serial and refuses it for its validity
   * alone.
   */
  void record(IssuedIdentity identity, String name, String roles) {
    String line =
        String.join(
                "\t",
                identity.certificate().getSerialNumber().toString(16),
                name,
                roles,
                identity.certificate().getNotAfter().toInstant().toString())
            + "\n";
    try {
      Files.writeString(
          directory.resolve("data").resolve("ca").resolve("issued.tsv"),
          line,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client presenting a freshly issued identity. */
  BrokerClient client(String name, String... roles) {
    return BrokerClient.connect(broker.uri(), issue(name, roles).asClientIdentity());
  }

  BrokerClient client(ClientIdentity identity) {
    return BrokerClient.connect(broker.uri(), identity);
  }

  /** A raw HTTPS client for bodies the typed client would never send. */
  Raw raw(ClientIdentity identity) {
    return new Raw(broker.uri(), identity.sslContext());
  }

  @Override
  public void close() {
    broker.close();
  }

  /** Sends hand-made requests and returns status and body text. */
  static final class Raw {
    private final URI base;
    private final HttpClient http;

    Raw(URI base, SSLContext tls) {
      this.base = base;
      SSLParameters parameters = tls.getDefaultSSLParameters();
      this.http =
          HttpClient.newBuilder()
              .sslContext(tls)
              .sslParameters(parameters)
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
    }

    HttpResponse<String> send(String method, String path, String body) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body.isEmpty()
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      try {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    HttpResponse<String> get(String path) {
      return send("GET", path, "");
    }

    HttpResponse<String> post(String path, String body) {
      return send("POST", path, body);
    }
  }
}
