package dev.warden.broker.store;

import static dev.warden.broker.store.Fixtures.ALICE;
import static dev.warden.broker.store.Fixtures.request;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures how many requests per second the store creates with many threads at once, with durable
 * commits. A measurement to run by hand, not a test: {@code java -cp TEST_CLASSPATH
 * dev.warden.broker.store.CreateRequestThroughput [threads] [seconds] [postgresql-url]}.
 */
public final class CreateRequestThroughput {

  private CreateRequestThroughput() {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    Duration measured = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
    String url = args.length > 2 ? args[2] : null;
    Path dataDir = Files.createTempDirectory("warden-throughput");

    try (BrokerStore store = BrokerStores.open(url, dataDir)) {
      run(store, threads, Duration.ofSeconds(1));
      long[] latencies = run(store, threads, measured);

      Arrays.sort(latencies);
      System.out.printf(
          "store=%s threads=%d seconds=%d creations=%d creationsPerSecond=%.0f"
              + " latencyP50Ms=%.2f latencyP99Ms=%.2f%n",
          store,
          threads,
          measured.toSeconds(),
          latencies.length,
          latencies.length / (double) measured.toSeconds(),
          latencies[latencies.length / 2] / 1e6,
          latencies[(int) (latencies.length * 0.99)] / 1e6);
    }
  }

  /** Creates requests from {@code threads} threads for {@code duration}; returns the latencies. */
  private static long[] run(BrokerStore store, int threads, Duration duration) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<long[]>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String user = "user-" + t;
      workers.add(
          pool.submit(
              () -> {
                long[] latencies = new long[1024];
                int count = 0;
                while (!stop.get()) {
                  long start = System.nanoTime();
                  store.createRequest(request(user), ALICE, Instant.now());
                  if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                  }
                  latencies[count++] = System.nanoTime() - start;
                }
                return Arrays.copyOf(latencies, count);
              }));
    }

    Thread.sleep(duration.toMillis());
    stop.set(true);
    long[] all = new long[0];
    for (Future<long[]> worker : workers) {
      long[] some = worker.get();
      long[] merged = Arrays.copyOf(all, all.length + some.length);
      System.arraycopy(some, 0, merged, all.length, some.length);
      all = merged;
    }
    pool.shutdown();
    return all;
  }
}
