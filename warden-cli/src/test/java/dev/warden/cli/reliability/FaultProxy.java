package dev.warden.cli.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that forwards bytes to one upstream address and injects network faults on
 * the way: it delays chunks, drops whole connections at a random moment (long-lived watch streams
 * included), and cuts responses, which is the fault that matters most to an idempotent client.
 *
 * <p>The proxy never looks into the bytes: TLS passes through it end to end, so the client still
 * authenticates the server's certificate (which names 127.0.0.1 on a loopback broker) and the
 * server still sees the client's. Without decrypting, a response is recognised by turns: bytes from
 * the server that follow bytes from the client start a new turn. The first two turns of a
 * connection are the TLS handshake (a TLS 1.3 handshake with client certificates takes two round
 * trips, the second ending with the server's session tickets); from the third on, every turn is an
 * answer to an HTTP request the server has read and acted on. A cut turn is one whose request bytes
 * were forwarded in full while the answer is withheld (or only a piece of it passes) and the client
 * connection is closed: the server committed whatever the request asked, and the client cannot
 * know.
 *
 * <p>Every connection draws its faults from a generator seeded from the proxy's seed and the
 * connection's number, and the dropping of connections from one seeded from the proxy's seed, so a
 * run's faults follow from its seed as far as they can: which request a fault hits still depends on
 * the timing of the processes on either side.
 */
final class FaultProxy implements AutoCloseable {

  /**
   * How often each fault strikes. Faults are drawn as traffic flows, from the faults in force at
   * that moment, so that long-lived pooled connections and the watch stream see them too, and
   * {@link #inject} of {@link #NONE} heals the network at once.
   *
   * @param delay the chance that a chunk is held back before it is passed on
   * @param maxDelay the longest a chunk is held back
   * @param dropPerSecond the chance per second that an open connection is dropped
   * @param cut the chance that an answer to a request is cut
   */
  record Faults(double delay, Duration maxDelay, double dropPerSecond, double cut) {

    static final Faults NONE = new Faults(0, Duration.ZERO, 0, 0);
  }

  /** What the proxy did so far. */
  record Counts(long connections, long delays, long drops, long cuts) {

    @Override
    public String toString() {
      return "connections="
          + connections
          + " delays="
          + delays
          + " drops="
          + drops
          + " cutResponses="
          + cuts;
    }
  }

  /** The first turn of a connection that answers an HTTP request rather than the handshake. */
  private static final int FIRST_ANSWER_TURN = 3;

  private static final Duration DROP_TICK = Duration.ofMillis(250);
  private static final int CHUNK = 16 * 1024;

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final long seed;
  private final Thread acceptor;
  private final ScheduledExecutorService dropper =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("fault-proxy-drop").daemon().factory());
  private final Random dropRandom;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong delays = new AtomicLong();
  private final AtomicLong drops = new AtomicLong();
  private final AtomicLong cuts = new AtomicLong();
  private volatile Faults faults = Faults.NONE;
  private volatile boolean closed;

  private FaultProxy(ServerSocket server, InetSocketAddress upstream, long seed) {
    this.server = server;
    this.upstream = upstream;
    this.seed = seed;
    this.dropRandom = new Random(seed);
    this.acceptor = Thread.ofPlatform().name("fault-proxy-accept").daemon().unstarted(this::accept);
  }

  /** Starts a proxy on a free loopback port that forwards to {@code upstream}, without faults. */
  static FaultProxy start(URI upstream, long seed) {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      FaultProxy proxy =
          new FaultProxy(
              server, new InetSocketAddress(upstream.getHost(), upstream.getPort()), seed);
      proxy.acceptor.start();
      long tick = DROP_TICK.toMillis();
      proxy.dropper.scheduleAtFixedRate(proxy::dropSome, tick, tick, TimeUnit.MILLISECONDS);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on loopback for the fault proxy", e);
    }
  }

  /** The proxy's address with the upstream's scheme, to hand to the client instead. */
  URI uri() {
    return URI.create("https://127.0.0.1:" + server.getLocalPort());
  }

  /** Puts {@code newFaults} in force for all traffic from now on, on open connections too. */
  void inject(Faults newFaults) {
    this.faults = newFaults;
  }

  /** Closes every open connection at once, as a network partition that heals at once would. */
  void dropAll() {
    for (Link link : links) {
      link.drop();
    }
  }

  Counts counts() {
    return new Counts(connections.get(), delays.get(), drops.get(), cuts.get());
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      long number = connections.incrementAndGet();
      Thread.ofPlatform()
          .name("fault-proxy-" + number)
          .daemon()
          .start(() -> open(client, new Random(seed * 1_000_003L + number)));
    }
  }

  private void open(Socket client, Random random) {
    Socket target = new Socket();
    try {
      target.connect(upstream, 5_000);
    } catch (IOException e) {
      // The broker is down: the client sees what it would see without the proxy, a refusal.
      closeQuietly(client, true);
      closeQuietly(target, false);
      return;
    }
    Link link = new Link(client, target, random);
    links.add(link);
    link.start();
  }

  /** Every tick, drops each open connection with the chance the faults in force give it. */
  private void dropSome() {
    double chance = faults.dropPerSecond() * DROP_TICK.toMillis() / 1000.0;
    if (chance <= 0) {
      return;
    }
    for (Link link : links) {
      if (dropRandom.nextDouble() < chance) {
        drops.incrementAndGet();
        link.drop();
      }
    }
  }

  /** One client connection and its upstream twin. */
  private final class Link {
    private final Socket client;
    private final Socket target;
    private final Random random;
    private boolean clientSpoke;
    private int turn;
    private volatile boolean done;

    Link(Socket client, Socket target, Random random) {
      this.client = client;
      this.target = target;
      this.random = random;
    }

    void start() {
      Thread.ofPlatform().daemon().start(() -> pump(client, target, true));
      Thread.ofPlatform().daemon().start(() -> pump(target, client, false));
    }

    private void pump(Socket from, Socket to, boolean request) {
      byte[] buffer = new byte[CHUNK];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        while (true) {
          int read = in.read(buffer);
          if (read < 0) {
            to.shutdownOutput();
            return;
          }
          if (request) {
            clientSpoke();
          } else if (cutsThisAnswer()) {
            cut(out, buffer, read);
            return;
          }
          maybeDelay();
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException e) {
        // One side went away (or was dropped here): the other side learns it by its closing.
        drop();
      }
    }

    /** Marks that the client sent bytes; the server's next bytes start a new turn. */
    private synchronized void clientSpoke() {
      clientSpoke = true;
    }

    /** Called for bytes from the server; true when they open an answer chosen to be cut. */
    private synchronized boolean cutsThisAnswer() {
      if (!clientSpoke) {
        return false;
      }
      clientSpoke = false;
      turn++;
      double chance = faults.cut();
      return turn >= FIRST_ANSWER_TURN && chance > 0 && random.nextDouble() < chance;
    }

    private void maybeDelay() throws IOException {
      Faults now = faults;
      double draw;
      synchronized (this) {
        draw = random.nextDouble();
      }
      if (now.delay() > 0 && draw < now.delay()) {
        delays.incrementAndGet();
        long millis = 1 + (long) (draw / now.delay() * now.maxDelay().toMillis());
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while delaying", e);
        }
      }
    }

    /**
     * Passes a random piece of the answer's first chunk (often nothing), then closes the client
     * connection, by reset or by an orderly close, and the upstream one after it.
     */
    private void cut(OutputStream toClient, byte[] buffer, int read) throws IOException {
      cuts.incrementAndGet();
      int piece;
      boolean reset;
      synchronized (this) {
        piece = random.nextBoolean() ? 0 : random.nextInt(read);
        reset = random.nextBoolean();
      }
      if (piece > 0) {
        toClient.write(buffer, 0, piece);
        toClient.flush();
      }
      done = true;
      closeQuietly(client, reset);
      closeQuietly(target, false);
      links.remove(this);
    }

    void drop() {
      if (done) {
        return;
      }
      done = true;
      closeQuietly(client, true);
      closeQuietly(target, true);
      links.remove(this);
    }
  }

  /** Closes a socket; {@code reset} sends a TCP reset instead of an orderly end. */
  private static void closeQuietly(Socket socket, boolean reset) {
    try {
      if (reset && socket.isConnected() && !socket.isClosed()) {
        socket.setSoLinger(true, 0);
      }
      socket.close();
    } catch (SocketException e) {
      // Already closed by the other side.
    } catch (IOException e) {
      // Nothing more can be done about a socket that will not close.
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // The acceptor ends either way.
    }
    dropAll();
    dropper.shutdownNow();
  }
}
