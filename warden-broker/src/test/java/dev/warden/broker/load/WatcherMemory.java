package dev.warden.broker.load;

import dev.warden.broker.store.LargeStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the watcher's memory with a large access plane: seeds a broker's store with a day of
 * requests, starts {@code warden broker} and {@code warden watch} from the shaded jar as their own
 * processes, waits until the watcher has listed everything and reconciled every user, then reports
 * the watcher's live heap after a full collection, its peak resident set and how long the initial
 * sync took.
 *
 * <p>Usage, from the repository root after {@code ./mvnw -o -q install -DskipTests}:
 *
 * <pre>
 * java -cp warden-cli/target/warden-all.jar:warden-broker/target/test-classes \
 *     dev.warden.broker.load.WatcherMemory [--requests 1000000] [--users 100000] \
 *     [--watcher-heap 256m] [--broker-heap 1g] [--jar warden-cli/target/warden-all.jar]
 * </pre>
 *
 * <p>The live heap is the total of {@code jcmd PID GC.class_histogram}, which collects fully before
 * it counts; it does not depend on how busy the machine is. The sync time does.
 */
public final class WatcherMemory {

  private static final Pattern BROKER_URI =
      Pattern.compile("broker listening on (https://\\S+:\\d+)");
  private static final Pattern STATUS_PORT =
      Pattern.compile("status endpoints listening: address=[^:]+:(\\d+)");
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)");

  private final Path directory;
  private final Path jar;
  private final List<Process> running = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private WatcherMemory(Path directory, Path jar) {
    this.directory = directory;
    this.jar = jar;
  }

  public static void main(String[] args) throws Exception {
    int requests = Integer.parseInt(option(args, "--requests", "1000000"));
    int users = Integer.parseInt(option(args, "--users", "100000"));
    String watcherHeap = option(args, "--watcher-heap", "256m");
    String brokerHeap = option(args, "--broker-heap", "1g");
    Path jar = Path.of(option(args, "--jar", "warden-cli/target/warden-all.jar")).toAbsolutePath();
    Path root = Path.of(option(args, "--root", ".")).toAbsolutePath().normalize();
    Path directory = Files.createTempDirectory("warden-watcher-memory");
    WatcherMemory run = new WatcherMemory(directory, jar);
    try {
      run.run(root, requests, users, watcherHeap, brokerHeap);
    } finally {
      run.stopAll();
    }
  }

  private void run(Path root, int requests, int users, String watcherHeap, String brokerHeap)
      throws Exception {
    Files.copy(root.resolve("examples/catalog.yaml"), directory.resolve("catalog.yaml"));
    Files.copy(root.resolve("examples/policy.yaml"), directory.resolve("policy.yaml"));
    runToEnd(
        "identity-watcher",
        "identity",
        "issue",
        "watcher",
        "--role",
        "watcher",
        "--data",
        "broker",
        "--out",
        "identities/watcher");

    long seedStart = System.nanoTime();
    LargeStore.Counts counts =
        LargeStore.seed(directory.resolve("broker"), requests, users, Instant.now(), 20261203L);
    System.out.printf(
        "seeded requests=%d users=%d pending=%d approved=%d denied=%d expired=%d version=%d"
            + " seconds=%.1f%n",
        counts.total(),
        users,
        counts.pending(),
        counts.approved(),
        counts.denied(),
        counts.expired(),
        counts.version(),
        seconds(seedStart));

    Process broker =
        start(
            "broker",
            "-Xmx" + brokerHeap,
            "broker",
            "--data",
            "broker",
            "--catalog",
            "catalog.yaml",
            "--listen",
            "127.0.0.1:0");
    URI brokerUri = URI.create(await(broker, "broker", BROKER_URI, Duration.ofMinutes(2)));
    Files.writeString(
        directory.resolve("watcher.yaml"),
        """
        broker: %s
        identity: identities/watcher
        policy: policy.yaml
        decisionLog: decisions.jsonl
        mode: enforce
        source: watch
        resyncInterval: PT6H
        listen: 127.0.0.1:0
        """
            .formatted(brokerUri));

    long watchStart = System.nanoTime();
    Process watcher = start("watcher", "-Xmx" + watcherHeap, "watch", "--config", "watcher.yaml");
    int port = Integer.parseInt(await(watcher, "watcher", STATUS_PORT, Duration.ofMinutes(1)));
    String why = awaitReady(watcher, port, Duration.ofMinutes(20));
    if (why != null) {
      report(watcher, broker, counts, watchStart, -1, -1, why);
      return;
    }
    double listed = seconds(watchStart);
    String idle = awaitIdle(watcher, port, Duration.ofMinutes(30));
    double reconciled = seconds(watchStart);
    report(watcher, broker, counts, watchStart, listed, reconciled, idle);
  }

  private void report(
      Process watcher,
      Process broker,
      LargeStore.Counts counts,
      long watchStart,
      double listed,
      double reconciled,
      String problem)
      throws Exception {
    if (problem != null) {
      System.out.printf("watcher failed after %.1f s: %s%n", seconds(watchStart), problem);
      System.out.println(tail(directory.resolve("watcher.err")));
    }
    if (watcher.isAlive()) {
      String histogram = jcmd(watcher.pid(), "GC.class_histogram");
      System.out.println(String.join("\n", histogram.lines().limit(23).toList()));
      long live = liveHeap(watcher.pid());
      System.out.printf(
          "watcher heapAfterFullGcMiB=%.1f peakRssMiB=%.1f readySeconds=%.1f"
              + " allUsersReconciledSeconds=%.1f%n",
          live / 1048576.0, peakRssMiB(watcher.pid()), listed, reconciled);
      System.out.println(heapInfo(watcher.pid()));
    }
    if (broker.isAlive()) {
      System.out.printf(
          "broker heapAfterFullGcMiB=%.1f peakRssMiB=%.1f%n",
          liveHeap(broker.pid()) / 1048576.0, peakRssMiB(broker.pid()));
    }
    System.out.printf("store requests=%d directory=%s%n", counts.total(), directory);
  }

  /** Null once {@code /readyz} answers 200, else why not. */
  private String awaitReady(Process watcher, int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!watcher.isAlive()) {
        return "the watcher exited with " + watcher.exitValue();
      }
      HttpResponse<String> ready = get(port, "/readyz");
      if (ready != null && ready.statusCode() == 200) {
        return null;
      }
      sleep(200);
    }
    return "not ready within " + timeout;
  }

  /** Null once no user waits to be reconciled, else why not. */
  private String awaitIdle(Process watcher, int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int quiet = 0;
    while (System.nanoTime() < deadline) {
      if (!watcher.isAlive()) {
        return "the watcher exited with " + watcher.exitValue();
      }
      double backlog = metric(port, "warden_reconcile_backlog");
      // The queue drains in bursts; a second of zero backlog means every user had its run.
      quiet = backlog == 0 ? quiet + 1 : 0;
      if (quiet >= 5) {
        return null;
      }
      sleep(200);
    }
    return "users still waiting after " + timeout;
  }

  private double metric(int port, String name) {
    HttpResponse<String> metrics = get(port, "/metrics");
    if (metrics == null) {
      return Double.NaN;
    }
    for (String line : metrics.body().lines().toList()) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  private HttpResponse<String> get(int port, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long liveHeap(long pid) throws IOException, InterruptedException {
    String histogram = jcmd(pid, "GC.class_histogram");
    Matcher total = HISTOGRAM_TOTAL.matcher(histogram);
    if (!total.find()) {
      throw new IllegalStateException("jcmd printed no histogram total:\n" + histogram);
    }
    return Long.parseLong(total.group(2));
  }

  private static String heapInfo(long pid) throws IOException, InterruptedException {
    return jcmd(pid, "GC.heap_info").strip();
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(2, TimeUnit.MINUTES);
    return out;
  }

  private static double peakRssMiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.substring(6).replace("kB", "").trim()) / 1024.0;
      }
    }
    return Double.NaN;
  }

  private Process start(String name, String heap, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(heap, "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"));
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectOutput(directory.resolve(name + ".out").toFile())
            .redirectError(directory.resolve(name + ".err").toFile())
            .start();
    running.add(process);
    return process;
  }

  private void runToEnd(String name, String... args) throws Exception {
    Process process = start(name, "-Xmx256m", args);
    if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException(name + " failed:\n" + tail(directory.resolve(name + ".err")));
    }
  }

  private String await(Process process, String name, Pattern pattern, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String file : List.of(name + ".out", name + ".err")) {
        Path path = directory.resolve(file);
        if (Files.exists(path)) {
          Matcher matcher =
              pattern.matcher(new String(Files.readAllBytes(path), StandardCharsets.UTF_8));
          if (matcher.find()) {
            return matcher.group(1);
          }
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + tail(directory.resolve(name + ".err")));
      }
      sleep(100);
    }
    throw new IllegalStateException(name + " did not print " + pattern + " within " + timeout);
  }

  private static String tail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    List<String> lines = Files.readAllLines(file);
    return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private void stopAll() {
    for (Process process : running) {
      process.destroyForcibly();
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
