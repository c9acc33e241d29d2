package dev.warden.cli.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay between the watcher and the broker that can open a gap: it cuts every connection
 * through it and refuses new ones until the gap closes. TLS passes through untouched, so the
 * watcher still talks mTLS to the real broker; only the path is cut.
 *
 * <p>A gap is how a watcher falls behind without being killed: it keeps its cache and its resource
 * version, and when the path comes back it resumes its watch from that version, which a broker with
 * a short history has compacted away by then.
 */
final class GapProxy implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean gap;
  private volatile boolean closed;
  private final Thread acceptor;

  private GapProxy(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
    this.acceptor = Thread.ofVirtual().name("gap-proxy-accept").start(this::accept);
  }

  /** Starts relaying from a free port on 127.0.0.1 to the broker at {@code broker}. */
  static GapProxy start(URI broker) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    return new GapProxy(server, new InetSocketAddress(broker.getHost(), broker.getPort()));
  }

  /** The address to give the watcher in place of the broker's. */
  URI uri() {
    return URI.create("https://127.0.0.1:" + server.getLocalPort());
  }

  /** Cuts every connection and refuses new ones until {@link #closeGap()}. */
  void openGap() {
    gap = true;
    for (Socket socket : open) {
      quietlyClose(socket);
    }
  }

  void closeGap() {
    gap = false;
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (gap) {
        quietlyClose(client);
        continue;
      }
      Thread.ofVirtual().start(() -> relay(client));
    }
  }

  private void relay(Socket client) {
    try (Socket upstream = new Socket(target.getAddress(), target.getPort())) {
      open.add(client);
      open.add(upstream);
      Thread back = Thread.ofVirtual().start(() -> pump(upstream, client));
      pump(client, upstream);
      back.join();
    } catch (IOException e) {
      // The broker is unreachable; the watcher sees a refused or reset connection.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      quietlyClose(client);
      open.remove(client);
      open.removeIf(Socket::isClosed);
    }
  }

  /** Copies until either side closes, then closes both, so that a cut is seen at both ends. */
  private static void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      // Cut or closed.
    } finally {
      quietlyClose(from);
      quietlyClose(to);
    }
  }

  private static void quietlyClose(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Already gone.
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    openGap();
    acceptor.interrupt();
  }
}
