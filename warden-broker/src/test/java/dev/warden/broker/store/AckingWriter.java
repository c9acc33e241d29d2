package dev.warden.broker.store;

import static dev.warden.broker.store.Fixtures.ALICE;
import static dev.warden.broker.store.Fixtures.request;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A child process for the kill test: creates requests from several threads and prints {@code ack ID
 * VERSION} for each one the store has acknowledged, until it is killed or a time limit passes.
 *
 * <p>Arguments: the data directory, and optionally a store URL.
 */
public final class AckingWriter {

  private static final int THREADS = 8;
  private static final long LIMIT_SECONDS = 60;

  private AckingWriter() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    String url = args.length > 1 ? args[1] : null;
    PrintStream out = System.out;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);

    BrokerStore store = BrokerStores.open(url, dataDir);
    out.println("ready");
    out.flush();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    for (int t = 0; t < THREADS; t++) {
      pool.submit(
          () -> {
            while (System.nanoTime() < deadline) {
              StoredRequest created = store.createRequest(request("alice"), ALICE, Instant.now());
              synchronized (out) {
                out.println("ack " + created.id() + " " + created.resourceVersion());
                out.flush();
              }
            }
            return null;
          });
    }
    pool.shutdown();
    pool.awaitTermination(LIMIT_SECONDS + 10, TimeUnit.SECONDS);
    store.close();
  }
}
