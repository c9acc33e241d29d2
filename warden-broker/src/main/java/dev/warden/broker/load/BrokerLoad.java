package dev.warden.broker.load;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.WatchStream;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.api.v1.WatchEvent;
import dev.warden.broker.Broker;
import dev.warden.broker.BrokerConfig;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures a broker started in this process on a fresh data directory: request creations per second
 * and review round trips per second with concurrent mTLS clients, and watch delivery latency from
 * the store's commit callback to the line arriving at a watch client.
 *
 * <p>Usage: {@code BrokerLoad [--clients 16] [--seconds 10] [--store postgresql://…]}.
 *
 * <p>The clients run in the same process and on the same cores as the broker, so the wall-clock
 * rates are what one machine does with both; on a machine shared with other work they move with its
 * load. Each full-load phase therefore also reports the CPU time the broker's own threads spent per
 * operation, apart from the clients' threads (the load threads and the HTTP clients' selector
 * threads), which is the figure that says how many operations a core of this machine serves.
 * Garbage collection and compilation run on threads the JVM does not attribute, so they are in
 * neither share.
 */
public final class BrokerLoad {

  private static final String CATALOG =
      """
      roles:
        - name: prod-db
          labels: {env: production}
      resources:
        - id: node/prod-web-1
          labels: {env: production}
      """;

  private final int clients;
  private final Duration duration;
  private final Broker broker;
  private final List<BrokerClient> pool = new ArrayList<>();
  private final ConcurrentMap<Long, Long> committedAt = new ConcurrentHashMap<>();
  private final AtomicLong lastCommitted = new AtomicLong();

  private BrokerLoad(int clients, Duration duration, Broker broker) {
    this.clients = clients;
    this.duration = duration;
    this.broker = broker;
  }

  public static void main(String[] args) throws Exception {
    int clients = Integer.parseInt(option(args, "--clients", "16"));
    Duration duration = Duration.ofSeconds(Long.parseLong(option(args, "--seconds", "10")));
    String store = option(args, "--store", "");
    Path directory = Files.createTempDirectory("warden-load");
    Files.writeString(directory.resolve("catalog.yaml"), CATALOG);
    BrokerConfig config =
        BrokerConfig.of(directory.resolve("data"), directory.resolve("catalog.yaml"))
            .withListen("127.0.0.1", 0)
            .withStore(store.isEmpty() ? null : store);
    try (Broker broker = Broker.start(config)) {
      new BrokerLoad(clients, duration, broker).run(store.isEmpty() ? "sqlite" : "postgresql");
    }
  }

  private void run(String storeName) throws Exception {
    for (int i = 0; i < clients; i++) {
      BrokerClient client =
          BrokerClient.connect(
              broker.uri(),
              broker
                  .ca()
                  .issueIdentity("load-" + i, List.of("admin"), Duration.ofHours(1), Instant.now())
                  .asClientIdentity());
      client.whoami();
      pool.add(client);
    }
    broker.store().onCommit(this::committed);
    lastCommitted.set(broker.store().currentVersion());

    System.out.printf("store=%s clients=%d duration=%s%n", storeName, clients, duration);
    warmUp();
    ConcurrentLinkedQueue<RequestId> created = new ConcurrentLinkedQueue<>();
    Latencies watch = new Latencies();
    try (WatchStream stream = pool.get(0).watch(broker.store().currentVersion())) {
      Thread reader =
          Thread.ofPlatform().name("load-client-watch").start(() -> readWatch(stream, watch));
      CpuShares before = CpuShares.now();
      double creations = phase(client -> created.add(client.createRequest(request()).id()));
      CpuShares creationCpu = CpuShares.now().minus(before);
      System.out.printf("pending requests to review=%d%n", created.size());
      System.out.printf("creations/s=%.0f%n", creations);
      System.out.printf("  creation %s%n", creationCpu.perOperation(created.size()));
      before = CpuShares.now();
      int toReview = created.size();
      double reviews =
          phase(
              client -> {
                RequestId id = created.poll();
                if (id == null) {
                  return false;
                }
                client.review(id, new NewReview(ReviewDecision.APPROVE, "load", null));
                return true;
              });
      System.out.printf("review round trips/s=%.0f%n", reviews);
      System.out.printf(
          "  review %s%n", CpuShares.now().minus(before).perOperation(toReview - created.size()));
      Thread.sleep(500);
      System.out.printf("watch delivery under full load: %s%n", watch.summary());
      watch.reset();
      paced(200, Duration.ofSeconds(5));
      Thread.sleep(500);
      System.out.printf("watch delivery at 200 writes/s: %s%n", watch.summary());
      stream.close();
      reader.join(2000);
    }
  }

  private void committed(long version) {
    long now = System.nanoTime();
    long previous = lastCommitted.getAndAccumulate(version, Math::max);
    for (long v = previous + 1; v <= version; v++) {
      committedAt.put(v, now);
    }
  }

  private void readWatch(WatchStream stream, Latencies latencies) {
    try {
      while (true) {
        WatchEvent event = stream.next();
        long now = System.nanoTime();
        if (!(event instanceof WatchEvent.Bookmark)) {
          Long commit = committedAt.remove(event.resourceVersion());
          if (commit != null) {
            latencies.add(now - commit);
          }
        }
      }
    } catch (RuntimeException e) {
      // The stream is closed at the end of the run.
    }
  }

  private void warmUp() throws Exception {
    phaseFor(Duration.ofSeconds(3), client -> client.createRequest(request()) != null);
    committedAt.clear();
    System.out.println("warm-up done (3 s of creations)");
  }

  private double phase(Work work) throws Exception {
    return phaseFor(duration, work);
  }

  private double phaseFor(Duration length, Work work) throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (BrokerClient client : pool) {
      threads.add(
          Thread.ofPlatform()
              .name("load-client-" + threads.size())
              .start(
                  () -> {
                    while (running.get()) {
                      try {
                        if (work.run(client)) {
                          done.incrementAndGet();
                        } else {
                          running.set(false);
                        }
                      } catch (RuntimeException e) {
                        failed.incrementAndGet();
                      }
                    }
                    CpuShares.loadThreadEnds();
                  }));
    }
    Thread.sleep(length.toMillis());
    running.set(false);
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failed.get() > 0) {
      System.out.printf("  (%d calls failed)%n", failed.get());
    }
    return done.get() / seconds;
  }

  private void paced(int perSecond, Duration length) throws Exception {
    long interval = 1_000_000_000L / perSecond;
    long end = System.nanoTime() + length.toNanos();
    long next = System.nanoTime();
    int i = 0;
    List<Thread> sent = new ArrayList<>();
    AtomicLong failed = new AtomicLong();
    while (System.nanoTime() < end) {
      BrokerClient client = pool.get(i++ % pool.size());
      sent.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      client.createRequest(request());
                    } catch (RuntimeException e) {
                      failed.incrementAndGet();
                    }
                  }));
      next += interval;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
    }
    // Wait for the answers still on their way, so that none is cut off by the broker closing.
    for (Thread thread : sent) {
      thread.join();
    }
    if (failed.get() > 0) {
      System.out.printf("  (%d paced creations failed)%n", failed.get());
    }
  }

  private static NewRequest request() {
    return NewRequest.forCaller(
        List.of(RoleName.of("prod-db")),
        List.of(ResourceId.of("node/prod-web-1")),
        "load test",
        Duration.ofHours(1));
  }

  private static String option(String[] args, String name, String fallback) {
    int at = Arrays.asList(args).indexOf(name);
    return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
  }

  private interface Work {
    /** Does one call; false when there is nothing left to do. */
    boolean run(BrokerClient client);
  }

  /** Collected latencies in nanoseconds. */
  private static final class Latencies {
    private final ConcurrentLinkedQueue<Long> values = new ConcurrentLinkedQueue<>();

    void add(long nanos) {
      values.add(nanos);
    }

    void reset() {
      values.clear();
    }

    String summary() {
      long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
      if (sorted.length == 0) {
        return "no events";
      }
      return String.format(
          "events=%d p50=%.2fms p99=%.2fms max=%.2fms",
          sorted.length,
          sorted[sorted.length / 2] / 1e6,
          sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
          sorted[sorted.length - 1] / 1e6);
    }
  }

  /**
   * CPU time of this process's live threads split into the load's share (threads named {@code
   * load-client-*}, which send each call and wait for its answer, and the HTTP clients' {@code
   * warden-client-*} threads, which read the answers) and the broker's (all others).
   */
  private record CpuShares(long brokerNanos, long clientNanos, long processNanos) {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * The CPU time of load threads that have ended. Each phase starts its own and joins them before
     * it is measured, and an ended thread is not among the live ones; without this their CPU time
     * counted on neither side.
     */
    private static final AtomicLong ENDED_LOAD_THREADS = new AtomicLong();

    /** Adds the calling load thread's CPU time, as its last act. */
    static void loadThreadEnds() {
      ENDED_LOAD_THREADS.addAndGet(THREADS.getCurrentThreadCpuTime());
    }

    static CpuShares now() {
      long broker = 0;
      long client = ENDED_LOAD_THREADS.get();
      Map<Long, String> names = new HashMap<>();
      for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
        if (info != null) {
          names.put(info.getThreadId(), info.getThreadName());
        }
      }
      for (Map.Entry<Long, String> thread : names.entrySet()) {
        long cpu = THREADS.getThreadCpuTime(thread.getKey());
        if (cpu < 0) {
          continue;
        }
        String name = thread.getValue();
        if (name.startsWith("load-client-") || name.startsWith("warden-client-")) {
          client += cpu;
        } else {
          broker += cpu;
        }
      }
      long process =
          ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
              .getProcessCpuTime();
      return new CpuShares(broker, client, process);
    }

    CpuShares minus(CpuShares earlier) {
      return new CpuShares(
          brokerNanos - earlier.brokerNanos,
          clientNanos - earlier.clientNanos,
          processNanos - earlier.processNanos);
    }

    String perOperation(long operations) {
      long count = Math.max(1, operations);
      return String.format(
          "CPU per operation: broker threads=%.0fus clients=%.0fus process=%.0fus"
              + " (operations=%d; broker operations per CPU-second=%.0f)",
          brokerNanos / 1e3 / count,
          clientNanos / 1e3 / count,
          processNanos / 1e3 / count,
          operations,
          count / (brokerNanos / 1e9));
    }
  }
}
