package dev.warden.benchmarks;

import dev.warden.watcher.log.DecisionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The decision log alone: how many records a second it makes durable (written, hashed into the
 * chain and forced to disk) when 1, 2 or 8 threads append at once, and how long one append waits
 * until its record is durable. Every call waits for its own record, as the watcher waits for an
 * intent before it acts, so concurrent writers share each fsync (group commit). {@code
 * appendQueued} does not wait, as the watcher does not wait for its outcome records, so that its
 * rate is what the log makes durable when it is never idle.
 *
 * <p>Run with {@code -t 1}, {@code -t 2} and {@code -t 8}; {@code -bm sample} gives the percentiles
 * of the wait. The log lives in the JVM's temporary directory, so the figure is that file system's
 * fsync. At the end of each trial the benchmark reads the file back and fails if it holds fewer
 * records than were acknowledged: a writer waits when the queue is full, it never loses a record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecisionLogBenchmark {

  private Path directory;
  private DecisionLog log;
  private final AtomicLong acknowledged = new AtomicLong();

  @Setup(Level.Trial)
  public void open() throws Exception {
    directory = Files.createTempDirectory("warden-log-bench");
    log =
        DecisionLog.open(
            directory.resolve("decisions.jsonl"), Clock.systemUTC(), Duration.ofSeconds(5));
    acknowledged.set(0);
  }

  /** Appends one intent-sized record and waits until it is durable. */
  @Benchmark
  public long appendDurable() throws InterruptedException, ExecutionException {
    long seq = log.submit("intent", record()).get().seq();
    acknowledged.incrementAndGet();
    return seq;
  }

  /**
   * Appends one record without waiting for it, as the watcher queues its outcome records: the rate
   * is bounded by how fast records become durable, because a writer blocks while the log's queue is
   * full. Close, in the tear-down, waits until every queued record is on disk.
   */
  @Benchmark
  public void appendQueued() {
    log.submit("intent", record())
        .whenComplete(
            (appended, failure) -> {
              if (failure == null) {
                acknowledged.incrementAndGet();
              }
            });
  }

  @TearDown(Level.Trial)
  public void closeAndCount() throws IOException {
    log.close();
    long lines;
    try (Stream<String> stream = Files.lines(directory.resolve("decisions.jsonl"))) {
      lines = stream.filter(line -> line.contains("\"phase\":\"intent\"")).count();
    }
    if (lines < acknowledged.get()) {
      throw new IllegalStateException(
          "the log holds " + lines + " records but " + acknowledged.get() + " were acknowledged");
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.delete(path);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  /** About the size and shape of a watcher's intent record. */
  private static Map<String, Object> record() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("decisionId", "d-0123456789abcdef");
    body.put("policy", Map.of("name", "default", "sha256", "9f".repeat(32)));
    body.put("mode", "enforce");
    body.put("identity", Map.of("name", "watcher", "serial", "1a2b3c4d5e6f"));
    body.put(
        "trigger",
        Map.of("kind", "request", "id", "r-abcdefghijklmnopqrst", "resourceVersion", 4711));
    body.put("user", "alice");
    body.put("request", "r-abcdefghijklmnopqrst");
    body.put("outcome", "APPROVE");
    body.put("rules", List.of(Map.of("name", "default", "reason", "complies with every rule")));
    return body;
  }
}
