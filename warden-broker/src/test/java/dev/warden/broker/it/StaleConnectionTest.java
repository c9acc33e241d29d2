package dev.warden.broker.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerUnreachableException;
import dev.warden.api.client.ProblemException;
import dev.warden.api.json.Json;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.Problem;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.broker.ca.CertificateAuthority;
import dev.warden.broker.ca.IssuedIdentity;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.RoleName;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BrokerClient}'s one retry of a call that met a pooled connection the broker had closed.
 *
 * <p>The broker closes idle keep-alive connections, restarts, or loses its network; a call sent on
 * such a connection at that moment got no answer and failed (the JDK client said "HTTP/1.1 header
 * parser received no bytes"), though the broker never saw it. The stand-in broker here is a real
 * mTLS server socket that reproduces the race exactly: it reads a request on a connection that has
 * carried an answer before and closes the connection without a byte of answer. Whether the client
 * may send the call again depends on whether a second copy is harmless.
 */
class StaleConnectionTest {

  @TempDir Path directory;

  private StandInBroker broker;
  private BrokerClient client;

  @BeforeEach
  void start() throws IOException {
    Instant now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.openOrCreate(directory.resolve("ca"), now);
    IssuedIdentity server = ca.issueServer(List.of("127.0.0.1"), now);
    IssuedIdentity identity = ca.issueIdentity("w", List.of("watcher"), Duration.ofHours(1), now);
    broker = new StandInBroker(server);
    client =
        BrokerClient.connect(
            broker.uri(), identity.asClientIdentity().sslContext(), Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    broker.close();
  }

  @Test
  void read_onConnectionClosedBeforeAnswer_isSentAgainOnNewConnection() {
    broker.dropSecondRequestOfFirstConnection();

    boolean first = client.healthy();
    boolean second = client.healthy();

    assertThat(first).isTrue();
    assertThat(second).isTrue();
    assertThat(broker.seen()).containsExactly("1 GET /healthz", "1 GET /healthz", "2 GET /healthz");
  }

  @Test
  void review_onConnectionClosedBeforeAnswer_isSentAgain_andItsConflictReachesTheCaller() {
    broker.dropSecondRequestOfFirstConnection();
    client.healthy();

    assertThatThrownBy(
            () ->
                client.review(
                    RequestId.of("r-1"), new NewReview(ReviewDecision.APPROVE, "fine", null)))
        .isInstanceOf(ProblemException.ConflictException.class);
    assertThat(broker.seen())
        .containsExactly(
            "1 GET /healthz", "1 POST /v1/requests/r-1/reviews", "2 POST /v1/requests/r-1/reviews");
  }

  /** A watch is opened through a stream listener and a connection of its own on the retry. */
  @Test
  void watch_onConnectionClosedBeforeAnswer_isOpenedAgain_andItsProblemReachesTheCaller() {
    broker.dropSecondRequestOfFirstConnection();
    client.healthy();

    assertThatThrownBy(() -> client.watch(7))
        .isInstanceOf(ProblemException.ConflictException.class)
        .hasMessageContaining("no longer pending");
    assertThat(broker.seen())
        .containsExactly(
            "1 GET /healthz",
            "1 GET /v1/watch?resourceVersion=7",
            "2 GET /v1/watch?resourceVersion=7");
  }

  @Test
  void lockWithId_onConnectionClosedBeforeAnswer_isSentAgain() {
    broker.dropSecondRequestOfFirstConnection();
    client.healthy();

    assertThatThrownBy(() -> client.createLock(lock(LockId.of("freeze-1"))))
        .isInstanceOf(ProblemException.ConflictException.class);
    assertThat(broker.seen())
        .containsExactly("1 GET /healthz", "1 POST /v1/locks", "2 POST /v1/locks");
  }

  @Test
  void lockWithoutId_onConnectionClosedBeforeAnswer_isNotSentAgain() {
    broker.dropSecondRequestOfFirstConnection();
    client.healthy();

    assertThatThrownBy(() -> client.createLock(lock(null)))
        .isInstanceOf(BrokerUnreachableException.class)
        .hasMessageContaining("may have carried it out");
    assertThat(broker.seen()).containsExactly("1 GET /healthz", "1 POST /v1/locks");
  }

  /**
   * Creating a request twice would make two: the broker has no idempotency key for it, and the
   * request was written out, so the broker may have read it and gone down before answering.
   */
  @Test
  void requestCreation_onConnectionClosedBeforeAnswer_isNotSentAgain_andSaysItMayExist() {
    broker.dropSecondRequestOfFirstConnection();
    client.healthy();
    NewRequest request =
        NewRequest.forCaller(
            List.of(RoleName.of("dev-db")), List.of(), "on call", Duration.ofHours(1));

    assertThatThrownBy(() -> client.createRequest(request))
        .isInstanceOf(BrokerUnreachableException.class)
        .hasMessageContaining("POST /v1/requests")
        .hasMessageContaining("may have carried it out");
    assertThat(broker.seen()).containsExactly("1 GET /healthz", "1 POST /v1/requests");
  }

  /** A connection that never carried an answer is not stale: the broker failed on this call. */
  @Test
  void read_onNewConnectionClosedBeforeAnswer_isNotSentAgain() {
    broker.dropFirstRequestOfFirstConnection();

    assertThatThrownBy(() -> client.healthy())
        .isInstanceOf(BrokerUnreachableException.class)
        .hasMessageContaining("GET /healthz");
    assertThat(broker.seen()).containsExactly("1 GET /healthz");
  }

  private static NewLock lock(@Nullable LockId id) {
    return new NewLock(id, new LockTarget.Role(RoleName.of("dev-db")), "freeze", null);
  }

  /**
   * An HTTP/1.1 server over mTLS that answers {@code GET /healthz} with 200 and every other request
   * with a 409 problem, keeps connections alive, and closes the connection instead of answering the
   * requests it was told to drop. It records each request as "connection-number method path".
   */
  private static final class StandInBroker implements AutoCloseable {
    private final SSLServerSocket socket;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile Set<String> drop = Set.of();

    StandInBroker(IssuedIdentity identity) throws IOException {
      socket =
          (SSLServerSocket)
              identity
                  .asClientIdentity()
                  .sslContext()
                  .getServerSocketFactory()
                  .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
      socket.setNeedClientAuth(true);
      Thread.ofVirtual().name("stand-in-broker").start(this::accept);
    }

    URI uri() {
      return URI.create("https://127.0.0.1:" + socket.getLocalPort());
    }

    void dropSecondRequestOfFirstConnection() {
      drop = Set.of("1:2");
    }

    void dropFirstRequestOfFirstConnection() {
      drop = Set.of("1:1");
    }

    List<String> seen() {
      return List.copyOf(seen);
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket connection = socket.accept();
          open.add(connection);
          int number = connections.incrementAndGet();
          Thread.ofVirtual().start(() -> serve(connection, number));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket connection, int number) {
      try (connection) {
        InputStream in = new BufferedInputStream(connection.getInputStream());
        OutputStream out = connection.getOutputStream();
        for (int index = 1; ; index++) {
          String requestLine = readRequest(in);
          if (requestLine == null) {
            return;
          }
          String[] parts = requestLine.split(" ");
          seen.add(number + " " + parts[0] + " " + parts[1]);
          if (drop.contains(number + ":" + index)) {
            return;
          }
          answer(out, parts[1]);
        }
      } catch (IOException e) {
        // The client went away; the test judges by what was seen.
      }
    }

    private static void answer(OutputStream out, String path) throws IOException {
      String status = "200 OK";
      byte[] body = "{}".getBytes(US_ASCII);
      String type = "application/json";
      if (!path.equals("/healthz")) {
        status = "409 Conflict";
        body = Json.write(Problem.of("conflict", "Conflict", 409, "no longer pending"));
        type = "application/problem+json";
      }
      String head =
          "HTTP/1.1 "
              + status
              + "\r\nContent-Type: "
              + type
              + "\r\nContent-Length: "
              + body.length
              + "\r\n\r\n";
      out.write(head.getBytes(US_ASCII));
      out.write(body);
      out.flush();
    }

    /** Reads one request (its head, and a body of Content-Length); null at the end of input. */
    private static @Nullable String readRequest(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String[] lines = head.toString(US_ASCII).split("\r\n");
      int length = 0;
      for (String line : lines) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring("content-length:".length()).trim());
        }
      }
      in.readNBytes(length);
      return lines[0];
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket connection : open) {
        connection.close();
      }
    }
  }
}
