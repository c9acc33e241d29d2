package dev.warden.watcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.api.client.BrokerClient;
import dev.warden.api.v1.RequestObject;
import dev.warden.core.access.RequestState;
import dev.warden.core.policy.Mode;
import dev.warden.watcher.config.WatcherConfig;
import dev.warden.watcher.plane.AccessPlane;
import dev.warden.watcher.plane.BrokerPlane;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An answer lost after the broker acted: the watcher's review reached the broker and was committed,
 * and the connection broke before the answer came back.
 *
 * <p>This guards two things. No second effect: the retried review is answered 409 (no longer
 * pending) and the request keeps its one review. And an honest record: the decision log used to
 * call such an action {@code failed} although the broker had carried it out under that very
 * decision, so that an auditor reading the log saw a failed approval of a request the broker shows
 * approved; it now says {@code unconfirmed}, which is all the watcher knows.
 */
class LostAnswerTest {

  @TempDir Path dir;
  private Harness harness;
  private CuttingProxy proxy;

  @BeforeEach
  void start() throws Exception {
    harness = Harness.start(dir);
  }

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
    harness.close();
  }

  @Test
  void review_whenAnswerIsLostAfterTheBrokerApproved_isUnconfirmed_andTheRetryConflicts()
      throws Exception {
    RequestObject pending = harness.request("alice", List.of("dev-db"), List.of());
    proxy = CuttingProxy.start(harness.broker.uri(), () -> decided(pending));
    BrokerPlane throughProxy =
        new BrokerPlane(() -> BrokerClient.connect(proxy.uri(), dir.resolve("watcher")));
    BrokerPlane direct =
        new BrokerPlane(() -> BrokerClient.connect(harness.broker.uri(), dir.resolve("watcher")));

    assertThatThrownBy(() -> throughProxy.review(pending.id(), true, "fits", "decision-1"))
        .isInstanceOfSatisfying(
            AccessPlane.TransientFailure.class, e -> assertThat(e.unconfirmed()).isTrue());
    AccessPlane.ReviewResult retried = direct.review(pending.id(), true, "fits", "decision-2");

    assertThat(retried.applied()).as("the retry is answered 409").isFalse();
    RequestObject after = harness.admin.getRequest(pending.id());
    assertThat(after.state()).isEqualTo(RequestState.APPROVED);
    assertThat(after.reviews()).hasSize(1);
    assertThat(after.reviews().getFirst().decisionId()).isEqualTo("decision-1");
  }

  @Test
  void review_whenTheBrokerCannotBeReached_isAFailureWithoutEffect() throws Exception {
    RequestObject pending = harness.request("alice", List.of("dev-db"), List.of());
    URI closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = URI.create("https://127.0.0.1:" + socket.getLocalPort());
    }
    BrokerPlane unreachable =
        new BrokerPlane(() -> BrokerClient.connect(closed, dir.resolve("watcher")));

    assertThatThrownBy(() -> unreachable.review(pending.id(), true, "fits", "decision-1"))
        .isInstanceOfSatisfying(
            AccessPlane.TransientFailure.class, e -> assertThat(e.unconfirmed()).isFalse());
    assertThat(harness.admin.getRequest(pending.id()).state()).isEqualTo(RequestState.PENDING);
  }

  @Test
  void watcher_whenTheReviewAnswerIsLost_logsItUnconfirmed_andReviewsOnce() throws Exception {
    RequestObject pending = harness.request("alice", List.of("dev-db"), List.of());
    // Every connection open when the approval commits loses its next answer, the watch included.
    proxy = CuttingProxy.start(harness.broker.uri(), () -> decided(pending));
    WatcherConfig config = harness.config(Mode.ENFORCE);
    harness.startWatcher(
        new WatcherConfig(
            proxy.uri(),
            config.identity(),
            config.policy(),
            config.decisionLog(),
            config.mode(),
            config.source(),
            config.pollInterval(),
            config.resyncInterval(),
            config.listen(),
            null));

    RequestObject decided = harness.awaitDecided(pending.id());
    harness.stopWatcher();

    assertThat(decided.state()).isEqualTo(RequestState.APPROVED);
    assertThat(decided.reviews()).hasSize(1);
    List<String> results = new ArrayList<>();
    for (String line : Files.readAllLines(config.decisionLog())) {
      JsonNode record = new ObjectMapper().readTree(line);
      for (JsonNode action : record.path("actions")) {
        if (record.path("phase").asText().equals("outcome")) {
          results.add(action.path("type").asText() + " " + action.path("result").asText());
        }
      }
    }
    assertThat(results).contains("approve unconfirmed").doesNotContain("approve failed");
    assertThat(proxy.cuts).isPositive();
  }

  private boolean decided(RequestObject request) {
    return harness.admin.getRequest(request.id()).state() != RequestState.PENDING;
  }

  /**
   * A TCP proxy that passes TLS through untouched, except that a connection opened before {@code
   * cut} became true is closed instead of passing on the first bytes the broker sends once it is
   * true: for the connection that carried the review, that is the answer to the committed review.
   */
  private static final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final URI upstream;
    private final BooleanSupplier cut;
    private final List<Socket> sockets = new ArrayList<>();
    volatile int cuts;

    private CuttingProxy(ServerSocket server, URI upstream, BooleanSupplier cut) {
      this.server = server;
      this.upstream = upstream;
      this.cut = cut;
    }

    static CuttingProxy start(URI upstream, BooleanSupplier cut) throws IOException {
      CuttingProxy proxy =
          new CuttingProxy(
              new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), upstream, cut);
      Thread.ofPlatform().daemon().start(proxy::accept);
      return proxy;
    }

    URI uri() {
      return URI.create("https://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
      while (true) {
        try {
          Socket client = server.accept();
          Socket broker = new Socket(upstream.getHost(), upstream.getPort());
          boolean armed = !cut.getAsBoolean();
          synchronized (sockets) {
            sockets.add(client);
            sockets.add(broker);
          }
          Thread.ofPlatform().daemon().start(() -> pump(client, broker, false));
          Thread.ofPlatform().daemon().start(() -> pump(broker, client, armed));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void pump(Socket from, Socket to, boolean mayCut) {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream();
          OutputStream out = to.getOutputStream()) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          if (mayCut && cut.getAsBoolean()) {
            cuts++;
            return;
          }
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException e) {
        // The other side closed; closing ours (by leaving the try) passes that on.
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (sockets) {
        for (Socket socket : sockets) {
          socket.close();
        }
      }
    }
  }
}
