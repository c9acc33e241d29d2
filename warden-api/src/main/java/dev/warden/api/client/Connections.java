package dev.warden.api.client;

import dev.warden.api.tls.CipherOrder;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The pooled HTTPS connections to one broker behind a {@link BrokerClient} and all its {@link
 * BrokerClient#withTimeout views}: a started Jetty client, set up once.
 *
 * <p>Callers of {@link BrokerClient} were written against a client that needs no closing (a CLI
 * command makes one and exits, the watcher makes a new one on every certificate renewal and drops
 * the old one). To keep that contract the Jetty client is stopped either by {@link #close()} or,
 * when nobody closed it, once this object is no longer reachable: every client, view and open
 * stream holds it, and none of Jetty's own threads does. All of Jetty's threads are daemon threads,
 * so an unclosed client never keeps a process alive.
 */
final class Connections implements AutoCloseable {

  /**
   * How many connections one client opens to its broker at most; further calls wait for one to come
   * free, within their timeout. The watcher calls from one virtual thread per user and has a few
   * calls in flight at 200 decisions/s, a burst (a resync, a fleet of requests at once) more; the
   * benchmark's load driver keeps up to 64 in flight. Each connection costs a TLS handshake and a
   * socket on both ends, so the bound also keeps a burst from costing the broker hundreds.
   */
  static final int MAX_CONNECTIONS = 64;

  /**
   * How many calls may wait for a connection. Generous: a call that waits is still bounded by its
   * own timeout, and refusing it outright would turn a burst into errors.
   */
  static final int MAX_QUEUED = 1 << 16;

  /**
   * How long a pooled connection may sit unused before the client closes it. The broker closes an
   * idle connection after 30 s (the JDK server's default); closing ours first means a call almost
   * never picks a connection the broker is closing at that moment. The retry in {@link
   * BrokerClient} covers the rest.
   */
  static final Duration IDLE = Duration.ofSeconds(20);

  private static final Cleaner CLEANER = Cleaner.create();
  private static final AtomicInteger NUMBER = new AtomicInteger();

  private final HttpClient http;
  private final Cleaner.Cleanable cleanable;

  private Connections(HttpClient http) {
    this.http = http;
    this.cleanable = CLEANER.register(this, new Stop(http, new AtomicBoolean()));
  }

  /** Starts a client that presents the key in {@code tls}, speaking TLS 1.3 or 1.2 only. */
  static Connections start(SSLContext tls, Duration connectTimeout) {
    SslContextFactory.Client ssl = new SslContextFactory.Client();
    ssl.setSslContext(tls);
    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    // The broker's certificate must name the host the client was pointed at, as with HTTPS in a
    // browser; Jetty's client checks that by default, and this says so where a reader looks.
    ssl.setEndpointIdentificationAlgorithm("HTTPS");
    // The broker picks the suite from its own order; a server that follows the client's gets the
    // suite that is cheapest for this JVM first (see CipherOrder).
    if (CipherOrder.chachaFirst(false)) {
      ssl.setCipherComparator(CipherOrder.chachaFirstComparator());
    }

    String name = "warden-client-" + NUMBER.incrementAndGet();
    // A few platform threads, of which the selector holds one and does nearly all the work (see
    // the invocation type below); the callers are the virtual threads. Jetty's VirtualThreadPool
    // was measured too: with the selector itself a virtual thread, under load it waited its turn
    // behind thousands of runnable callers (the watcher's user threads), and every answer with
    // it: warden bench's p50 was 2.2 and 3.8 s in two runs with it, 34 ms with this pool (on a
    // machine loaded by other work, which made the two a little less comparable). Daemon
    // threads, for the class comment's reason.
    QueuedThreadPool threads = new QueuedThreadPool(8, 1);
    threads.setName(name);
    threads.setDaemon(true);
    threads.setReservedThreads(0);
    ClientConnector connector = new ClientConnector();
    connector.setSslContextFactory(ssl);
    connector.setSelectors(1);
    connector.setTCPNoDelay(true);
    connector.setExecutor(threads);

    HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
    // Answers are read, parsed and handed over on the selector's own thread instead of a task
    // per read: no listener of BrokerClient's blocks (a buffered answer completes a future, a
    // streamed one queues its chunks for the reader's thread), and each answer then costs one
    // thread wake-up (the caller's) instead of two.
    transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
    HttpClient http = new HttpClient(transport);
    http.setName(name);
    http.setExecutor(threads);
    // Jetty's default timer thread is not a daemon; this one is, for the reason in the class
    // comment.
    http.setScheduler(new ScheduledExecutorScheduler(name + "-timer", true));
    http.setConnectTimeout(connectTimeout.toMillis());
    http.setIdleTimeout(IDLE.toMillis());
    http.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
    http.setMaxRequestsQueuedPerDestination(MAX_QUEUED);
    http.setFollowRedirects(false);
    http.setUserAgentField(null);
    try {
      http.start();
    } catch (Exception e) {
      throw new IllegalStateException("the HTTP client could not start: " + e, e);
    }
    // Jetty's protocol handlers (installed by start) act on some statuses before the caller sees
    // them: one fails a 401 that carries no WWW-Authenticate challenge, which the broker's problem
    // answers never do. Every status goes to BrokerClient as it came, to become a problem.
    http.getProtocolHandlers().clear();
    // The broker answers JSON uncompressed; not offering gzip saves a header and a decoder.
    http.getContentDecoderFactories().clear();
    return new Connections(http);
  }

  HttpClient http() {
    return http;
  }

  /** Closes every connection and stops the client's threads; calls in flight fail. Idempotent. */
  @Override
  public void close() {
    cleanable.clean();
  }

  /** Stops the Jetty client; holds no reference to the {@link Connections} it cleans up after. */
  private record Stop(HttpClient http, AtomicBoolean done) implements Runnable {
    @Override
    public void run() {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      // Stopping waits for Jetty's threads to wind down; the cleaner's one thread must not.
      Thread.ofVirtual().name(http.getName() + "-stop").start(this::stop);
    }

    private void stop() {
      try {
        http.stop();
      } catch (Exception e) {
        // Nothing uses the client any more; what it failed to release goes with its sockets.
      }
    }
  }
}
