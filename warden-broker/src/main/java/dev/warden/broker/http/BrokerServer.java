package dev.warden.broker.http;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.warden.api.tls.CipherOrder;
import dev.warden.broker.auth.Authenticator;
import dev.warden.broker.identity.IdentityService;
import dev.warden.broker.identity.LastSeen;
import dev.warden.broker.service.AccessService;
import dev.warden.broker.store.BrokerStore;
import dev.warden.broker.watch.ChangeFeed;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The HTTPS listener: TLS 1.3 or 1.2 only, client certificates asked for on every connection, and
 * one virtual thread per exchange.
 *
 * <p>The certificate is asked for, not required, at the handshake: requiring it would turn away the
 * anonymous health probes. The handshake still fails for a certificate the CA did not sign or that
 * has expired; every other endpoint refuses a call without one with 401.
 */
public final class BrokerServer implements AutoCloseable {

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final HttpsServer server;
  private final ExecutorService executor;
  private final WatchStreamer watch;

  private BrokerServer(HttpsServer server, ExecutorService executor, WatchStreamer watch) {
    this.server = server;
    this.executor = executor;
    this.watch = watch;
  }

  /**
   * Binds and starts serving.
   *
   * @param tls a context holding the server's key and trusting only the broker's CA
   */
  public static BrokerServer start(
      InetSocketAddress address,
      SSLContext tls,
      AccessService service,
      IdentityService identities,
      LastSeen lastSeen,
      Authenticator authenticator,
      ChangeFeed feed,
      BrokerStore store,
      Duration bookmarkInterval,
      Clock clock)
      throws IOException {
    // Small answers must leave at once; Nagle's delay would add tens of milliseconds to each.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    HttpsServer server = HttpsServer.create(address, 512);
    server.setHttpsConfigurator(
        new HttpsConfigurator(tls) {
          @Override
          public void configure(HttpsParameters parameters) {
            SSLParameters ssl = tls.getDefaultSSLParameters();
            ssl.setProtocols(PROTOCOLS);
            // The server's own order picks the suite, cheapest first for this JVM (see
            // CipherOrder); the JDK does so by default, and this says it where a reader looks.
            ssl.setCipherSuites(CipherOrder.preferred(ssl.getCipherSuites(), true));
            ssl.setUseCipherSuitesOrder(true);
            ssl.setWantClientAuth(true);
            parameters.setSSLParameters(ssl);
          }
        });
    WatchStreamer watch =
        new WatchStreamer(
            feed,
            store,
            bookmarkInterval,
            clock,
            caller ->
                authenticator
                    .noLongerAccepted(caller, clock.instant())
                    .or(() -> service.identityLock(caller).map(l -> "locked by lock " + l.id())));
    server.createContext(
        "/", new ApiHandler(service, identities, lastSeen, authenticator, watch, store, clock));
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.start();
    return new BrokerServer(server, executor, watch);
  }

  /** The port the server listens on; the real one when it was asked to pick any. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    watch.close();
    server.stop(0);
    executor.shutdownNow();
  }
}
