package dev.warden.cli.bench;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.ProblemException;
import dev.warden.api.v1.LockList;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.RequestList;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.Review;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.core.access.LockId;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.catalog.User;
import dev.warden.core.catalog.UserName;
import dev.warden.core.yaml.InvalidFileException;
import dev.warden.core.yaml.YamlDocument;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** One run of the bench: set up, seed, load, drain, check every decision, measure. */
final class BenchRun {

  private static final Pattern LISTENING = Pattern.compile("broker listening on (https://\\S+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration SETTLE = Duration.ofSeconds(1);
  private static final int MISMATCH_EXAMPLES = 5;

  /** Fast enough to get the JIT compilers through the hot paths, slow enough to keep up cold. */
  static final double WARMUP_RATE = 100;

  /**
   * The collector of both services: the serial one. With heaps of a few hundred MiB and the two
   * cores the bench is measured on, G1's parallel and concurrent threads competed with the
   * services' own work and its pauses were no shorter; in back-to-back runs of this bench
   * (docs/benchmarks.md) the serial collector gave a lower p99 and less CPU per request in both
   * processes. docs/deploy.md says when to choose it in production.
   */
  private static final String COLLECTOR = "-XX:+UseSerialGC";

  /**
   * Only the JVM's first, quick compiler. On two cores the optimising compiler (C2) was still
   * compiling a minute into a run, at about half a core in each process, and what waited behind it
   * was the latency's tail; with the quick compiler alone the services spent no more CPU during a
   * measured run and their p99 was 40-70 % lower in back-to-back runs (docs/benchmarks.md). The
   * price is that its code does without the JDK's AES-GCM and SHA-256 intrinsics, which shows at
   * saturation. docs/deploy.md advises the same for small hosts.
   */
  private static final String COMPILER = "-XX:TieredStopAtLevel=1";

  /** The broker's heap is sized for its caches of recent changes and locks. */
  private static final List<String> BROKER_JVM =
      List.of("-Xms512m", "-Xmx512m", COLLECTOR, COMPILER);

  /**
   * The watcher's heap limit is the heap target: everything it holds (cache, queue, log) must fit,
   * so a leak or an unbounded cache fails the run instead of hiding in a large default heap.
   */
  private static final List<String> WATCHER_JVM =
      List.of("-Xms256m", "-Xmx256m", COLLECTOR, COMPILER);

  /**
   * Everything a run needs that can be worked out before any process starts, so that a bad
   * combination of options fails at once and not after the first of several runs.
   */
  record Prepared(
      RunMode mode,
      String catalogText,
      Catalog catalog,
      BenchPolicy policy,
      LoadPlan plan,
      @Nullable LoadPlan warmup,
      RunResult.Setup setup) {}

  private final BenchSettings settings;
  private final PrintWriter progress;

  BenchRun(BenchSettings settings, PrintWriter progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /**
   * Plans a run on a generated catalog.
   *
   * @throws IllegalArgumentException when the options cannot give a load whose decisions are
   *     predictable, with what to change
   */
  Prepared prepare(RunMode mode, BenchPolicy given) throws InvalidFileException {
    String prefix = settings.store() == null ? "" : runPrefix();
    List<UserName> users = BenchCatalog.users(settings.users(), prefix + "user-");
    List<UserName> warmupUsers =
        settings.warmup().isZero()
            ? List.of()
            : BenchCatalog.users(
                BenchCatalog.warmupUsers(settings.warmupRequests()), prefix + "warmup-");
    List<UserName> everyone = new ArrayList<>(users);
    everyone.addAll(warmupUsers);
    String catalogText = BenchCatalog.yaml(everyone);
    if (catalogText.length() > YamlDocument.MAX_CHARACTERS) {
      throw new IllegalArgumentException(
          String.format(
              "the catalog for %d users and %d warm-up users has %d characters, more than the"
                  + " catalog loader's limit of %d; use fewer --users or a shorter --warmup",
              users.size(), warmupUsers.size(), catalogText.length(), YamlDocument.MAX_CHARACTERS));
    }
    Catalog catalog = CatalogLoader.load("catalog.yaml", catalogText);
    return plan(mode, given, users, warmupUsers, catalogText, catalog, true);
  }

  /** Plans a run against a running broker, with its catalog and the policy its watcher runs. */
  Prepared prepareExternal(RunMode mode, BenchPolicy given, Catalog catalog)
      throws InvalidFileException {
    List<UserName> users = new ArrayList<>();
    for (User user : catalog.users()) {
      if (users.size() < settings.users()) {
        users.add(user.name());
      }
    }
    if (users.size() < 2) {
      throw new IllegalArgumentException(
          "the broker's catalog has " + users.size() + " users; the load needs at least 2");
    }
    // A running system is as warm as it is; its catalog has no users to spare for a warm-up.
    return plan(mode, given, users, List.of(), "", catalog, false);
  }

  private Prepared plan(
      RunMode mode,
      BenchPolicy given,
      List<UserName> users,
      List<UserName> warmupUsers,
      String catalogText,
      Catalog catalog,
      boolean mayRaiseBudget)
      throws InvalidFileException {
    double rate = settings.rate();
    LoadPlan plan = LoadPlan.of(users, catalog, given, rate, mode.decisionHorizon());
    BenchPolicy policy = given;
    if (mayRaiseBudget && given.approvalBudget() != Integer.MAX_VALUE) {
      long perUser = plan.ordinaryRequestsPerUser(settings.requests());
      policy = given.withApprovalBudgetAtLeast((int) Math.min(1_000_000, perUser + 1));
      plan = LoadPlan.of(users, catalog, policy, rate, mode.decisionHorizon());
    }
    int budget = policy.approvalBudget();
    long seeds = plan.abusers().isEmpty() ? 0 : (long) budget * plan.abusers().size();
    RunResult.Setup setup =
        new RunResult.Setup(
            rate,
            settings.duration(),
            settings.requests(),
            users.size(),
            plan.abusers().size(),
            seeds,
            plan.ordinarySpacingSeconds(rate),
            settings.storeName(),
            given.source(),
            policy.changes());
    LoadPlan warmup = warmupUsers.isEmpty() ? null : LoadPlan.warmup(warmupUsers, catalog, policy);
    return new Prepared(mode, catalogText, catalog, policy, plan, warmup, setup);
  }

  /** Starts broker and watcher for a prepared run, measures it, and stops them. */
  RunResult run(Prepared prepared, boolean keep) throws IOException, InterruptedException {
    Workspace workspace = Workspace.create(prepared.mode().label());
    try {
      Files.writeString(workspace.catalog(), prepared.catalogText());
      Files.writeString(workspace.policy(), prepared.policy().text());
      workspace.issueIdentity("bench", "admin");
      workspace.issueIdentity("watcher", "watcher");
      say(prepared, "starting broker and watcher in " + workspace.root());
      try (ChildProcess broker = startBroker(workspace)) {
        URI url = URI.create(broker.awaitLine(LISTENING, START_TIMEOUT).group(1));
        int statusPort = freePort();
        writeWatcherConfig(workspace, url, prepared.mode(), statusPort);
        try (ChildProcess watcher = startWatcher(workspace)) {
          watcher.awaitHttpOk(
              URI.create("http://127.0.0.1:" + statusPort + "/readyz"), START_TIMEOUT);
          BrokerClient client = BrokerClient.connect(url, workspace.identity("bench"));
          return measure(prepared, client, watcher, broker, workspace.decisionLog());
        }
      }
    } finally {
      if (keep) {
        say(prepared, "kept its files in " + workspace.root());
      } else {
        workspace.close();
      }
    }
  }

  /** Measures a prepared run against a broker and watcher someone else started. */
  RunResult runExternal(Prepared prepared, BrokerClient client) throws InterruptedException {
    return measure(prepared, client, null, null, null);
  }

  private RunResult measure(
      Prepared prepared,
      BrokerClient client,
      @Nullable ChildProcess watcher,
      @Nullable ChildProcess broker,
      @Nullable Path decisionLog)
      throws InterruptedException {
    Meters meters = new Meters(watcher, broker);
    if (prepared.warmup() != null) {
      say(
          prepared,
          String.format(
              "warming up: %d requests at %s/s from %d users of their own, not measured",
              settings.warmupRequests(),
              number(WARMUP_RATE),
              BenchCatalog.warmupUsers(settings.warmupRequests())));
      runPhase(prepared, client, prepared.warmup(), settings.warmupRequests(), WARMUP_RATE, meters);
    }
    seedAbusers(prepared, client);
    say(
        prepared,
        String.format(
            "sending %d requests at %s/s for %d s",
            settings.requests(), number(settings.rate()), settings.duration().toSeconds()));
    Phase phase =
        runPhase(prepared, client, prepared.plan(), settings.requests(), settings.rate(), meters);
    RunResult result = evaluate(prepared, client, phase, decisionLog);
    say(prepared, Report.oneLine(result));
    return result;
  }

  /** One load, sent open-loop and followed until every decision it predicts was seen. */
  private record Phase(
      LoadDriver.Outcome load,
      Replay replay,
      Map<RequestId, Replay.Prediction> predicted,
      Map<RequestId, ReviewObserver.Seen> seen,
      int unseen,
      int reconnects,
      Meters.Usage usage) {}

  private Phase runPhase(
      Prepared prepared, BrokerClient client, LoadPlan plan, long count, double rate, Meters meters)
      throws InterruptedException {
    RequestList before = client.listRequests();
    LockList locks = client.listLocks();
    Replay replay = new Replay(prepared.policy().policy(), prepared.catalog());
    replay.seed(before.items(), locks.items());

    try (ReviewObserver observer = ReviewObserver.start(client, before.resourceVersion())) {
      collectOwnGarbage();
      meters.start();
      LoadDriver.Outcome load = LoadDriver.run(client, plan, count, rate);
      replay.replay(load.created());
      Map<RequestId, Replay.Prediction> predicted = new HashMap<>();
      List<RequestId> expected = new ArrayList<>();
      Instant end = Instant.now();
      for (RequestObject request : load.created()) {
        Replay.Prediction prediction = replay.prediction(request.id(), end);
        predicted.put(request.id(), prediction);
        if (prediction.state().isFinal()) {
          expected.add(request.id());
        }
      }
      List<RequestId> unseen = observer.awaitAll(expected, prepared.mode().drainTimeout());
      Meters.Usage usage = meters.stop();
      return new Phase(
          load,
          replay,
          predicted,
          observer.snapshot(),
          unseen.size(),
          observer.reconnects(),
          usage);
    }
  }

  /**
   * Collects this process's garbage before a load, while nothing is being measured. The bench notes
   * when it sees each review, so a pause of its own during a load would be counted as Warden's
   * latency: the launcher gives it a young generation large enough to take a whole load at the
   * rates it is meant for (see {@code warden}), and starting each load with that space empty keeps
   * its collections out of the measurement. Only the bench's own process collects here; the
   * services it measures collect as they would anyway.
   */
  private static void collectOwnGarbage() {
    System.gc();
  }

  /**
   * @param decisionLog the decision log of a watcher the bench started, whose intent times split
   *     the latency into {@link Stages}; null for a watcher elsewhere, whose clock may differ
   */
  private RunResult evaluate(
      Prepared prepared, BrokerClient client, Phase phase, @Nullable Path decisionLog) {
    Map<RequestId, RequestObject> after = new HashMap<>();
    for (RequestObject request : client.listRequests().items()) {
      after.put(request.id(), request);
    }
    Set<LockId> locksPresent = new HashSet<>();
    for (LockObject lock : client.listLocks().items()) {
      locksPresent.add(lock.id());
    }

    Tally tally = new Tally(phase, decisionLog == null ? null : Stages.intentTimes(decisionLog));
    @Nullable Path samplesFile = settings.samples();
    // A null resource is allowed, and not closed: without --samples nothing is written.
    try (Samples samples =
        samplesFile == null ? null : Samples.append(samplesFile, prepared.mode().label())) {
      for (RequestObject request : phase.load().created()) {
        tally.add(request, after.get(request.id()), samples);
      }
    }

    LoadDriver.Outcome load = phase.load();
    double window = Duration.between(load.started(), tally.lastSeen).toNanos() / 1e9;
    double perSecond = window > 0 ? tally.latencies.size() / window : 0;
    Duration drain =
        tally.lastSeen.isAfter(load.finished())
            ? Duration.between(load.finished(), tally.lastSeen)
            : Duration.ZERO;
    RunResult.Details details =
        new RunResult.Details(
            prepared.setup(),
            tally.approved,
            tally.denied,
            tally.pending,
            load.failures(),
            load.firstFailure(),
            phase.unseen(),
            load.maxLag(),
            load.lateSends(),
            load.gaveUp(),
            phase.replay().locks().size(),
            locksPresent.size(),
            tally.examples,
            drain,
            phase.reconnects(),
            phase.usage().bench(),
            phase.usage().stolenCores(),
            tally.stages());
    return new RunResult(
        prepared.mode().label(),
        load.created().size(),
        perSecond,
        Latency.of(tally.latencies.stream().mapToDouble(Double::doubleValue).toArray()),
        tally.mismatches,
        phase.usage().watcher(),
        phase.usage().broker(),
        details);
  }

  /** Counts a load's requests as they ended, against what was predicted and seen. */
  private static final class Tally {
    final Phase phase;
    final Map<RequestId, Instant> createdAt = new HashMap<>();
    final List<Double> latencies = new ArrayList<>();
    final List<String> examples = new ArrayList<>();
    final @Nullable Map<String, Instant> intents;
    final List<Double> toIntent = new ArrayList<>();
    final List<Double> toReview = new ArrayList<>();
    final List<Double> toSeen = new ArrayList<>();
    long approved;
    long denied;
    long pending;
    long mismatches;
    Instant lastSeen;

    Tally(Phase phase, @Nullable Map<String, Instant> intents) {
      this.phase = phase;
      this.intents = intents;
      this.lastSeen = phase.load().started();
      for (RequestObject request : phase.load().created()) {
        createdAt.put(request.id(), request.created());
      }
    }

    void add(RequestObject request, @Nullable RequestObject actual, @Nullable Samples samples) {
      Replay.Prediction expected = phase.predicted().get(request.id());
      RequestState state = actual == null ? null : actual.state();
      approved += state == RequestState.APPROVED ? 1 : 0;
      denied += state == RequestState.DENIED ? 1 : 0;
      pending += state == RequestState.PENDING ? 1 : 0;
      if (actual == null || state != expected.state() || actual.locked() != expected.locked()) {
        mismatches++;
        if (examples.size() < MISMATCH_EXAMPLES) {
          examples.add(describeMismatch(request, actual, expected));
        }
      }

      // Timed from the creation that caused the decision: a hoarder's old request is denied
      // when a newer one arrives, and that is where its decision latency starts.
      ReviewObserver.Seen seen = phase.seen().get(request.id());
      if (seen != null && expected.trigger() != null) {
        Instant cause = createdAt.getOrDefault(expected.trigger(), request.created());
        double latency = Duration.between(cause, seen.at()).toNanos() / 1e6;
        latencies.add(latency);
        lastSeen = seen.at().isAfter(lastSeen) ? seen.at() : lastSeen;
        @Nullable Review decided = actual == null ? null : watcherReview(actual);
        @Nullable Instant intent = decided == null ? null : intents.get(decided.decisionId());
        if (decided != null && intent != null) {
          toIntent.add(millis(cause, intent));
          toReview.add(millis(intent, decided.time()));
          toSeen.add(millis(decided.time(), seen.at()));
        }
        if (samples != null) {
          samples.add(
              request.id(),
              cause,
              intent,
              decided == null ? null : decided.time(),
              seen.at(),
              latency);
        }
      }
    }

    /**
     * The review of the watcher's decision whose intent record the log holds, or null when the
     * decision log is not at hand or holds none for this request.
     */
    private @Nullable Review watcherReview(RequestObject actual) {
      if (intents == null) {
        return null;
      }
      @Nullable Review decided = null;
      for (Review review : actual.reviews()) {
        if (review.decisionId() != null && intents.containsKey(review.decisionId())) {
          decided = review;
        }
      }
      return decided;
    }

    @Nullable Stages stages() {
      if (intents == null) {
        return null;
      }
      return new Stages(latency(toIntent), latency(toReview), latency(toSeen));
    }

    private static double millis(Instant from, Instant to) {
      return Duration.between(from, to).toNanos() / 1e6;
    }

    private static Latency latency(List<Double> millis) {
      return Latency.of(millis.stream().mapToDouble(Double::doubleValue).toArray());
    }
  }

  /** CPU and memory of the processes a run involves, between the start and end of a load. */
  private static final class Meters {

    /**
     * What {@link #stop()} measured; watcher and broker are null when not started here.
     *
     * @param stolenCores the virtual CPUs' time the hypervisor took, per second of the load (0.5:
     *     half a core's worth), or null where the system does not report it
     */
    record Usage(
        @Nullable ProcessUsage watcher,
        @Nullable ProcessUsage broker,
        ProcessUsage bench,
        @Nullable Double stolenCores) {}

    private final @Nullable ChildProcess watcher;
    private final @Nullable ChildProcess broker;
    private @Nullable ProcessUsage watcherStart;
    private @Nullable ProcessUsage brokerStart;
    private @Nullable ProcessUsage benchStart;
    private @Nullable Double stolenStart;
    private long startNanos;

    Meters(@Nullable ChildProcess watcher, @Nullable ChildProcess broker) {
      this.watcher = watcher;
      this.broker = broker;
    }

    void start() {
      watcherStart = watcher == null ? null : watcher.usage();
      brokerStart = broker == null ? null : broker.usage();
      benchStart = self();
      stolenStart = StolenTime.sinceBoot();
      startNanos = System.nanoTime();
    }

    Usage stop() {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      @Nullable Double stolenEnd = StolenTime.sinceBoot();
      return new Usage(
          watcher == null ? null : watcher.usage().since(nonNull(watcherStart)),
          broker == null ? null : broker.usage().since(nonNull(brokerStart)),
          self().since(nonNull(benchStart)),
          stolenStart == null || stolenEnd == null || seconds <= 0
              ? null
              : (stolenEnd - stolenStart) / seconds);
    }

    private static ProcessUsage self() {
      return ProcessUsage.read(ProcessHandle.current().pid());
    }

    private static ProcessUsage nonNull(@Nullable ProcessUsage usage) {
      if (usage == null) {
        throw new IllegalStateException("bug: a meter was stopped before it was started");
      }
      return usage;
    }
  }

  private static String describeMismatch(
      RequestObject request, @Nullable RequestObject actual, Replay.Prediction expected) {
    String is =
        actual == null
            ? "is missing"
            : "is " + actual.state() + (actual.locked() ? " and locked" : "");
    return request.id()
        + " of "
        + request.user()
        + ": decide predicts "
        + expected.state()
        + (expected.locked() ? " and locked" : "")
        + ", but it "
        + is;
  }

  /**
   * Brings every abusive user to the approval budget: one request at a time, approved by the bench
   * as admin straight away (the watcher, deciding it too, may come first: either way it ends
   * approved, as none of them breaks a rule).
   */
  private void seedAbusers(Prepared prepared, BrokerClient client) throws InterruptedException {
    if (prepared.setup().seeds() == 0) {
      return;
    }
    say(prepared, "bringing " + prepared.plan().abusers().size() + " abusive users to the budget");
    int budget = prepared.policy().approvalBudget();
    List<Thread> threads = new ArrayList<>();
    List<RuntimeException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (UserName abuser : prepared.plan().abusers()) {
      List<NewRequest> seeds = prepared.plan().seeds(abuser, budget);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      seeds.forEach(seed -> approveSeed(client, seed));
                    } catch (RuntimeException e) {
                      failures.add(e);
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    // Let the watcher finish with the seeds before the clock starts.
    Thread.sleep(SETTLE);
  }

  private static void approveSeed(BrokerClient client, NewRequest seed) {
    RequestObject created = client.createRequest(seed);
    NewReview review =
        new NewReview(ReviewDecision.APPROVE, "bench: uses up the approval budget", null);
    try {
      client.review(created.id(), review);
    } catch (ProblemException.ConflictException e) {
      RequestObject current = client.getRequest(created.id());
      if (current.state() != RequestState.APPROVED) {
        throw new IllegalStateException(
            "seed request "
                + created.id()
                + " of "
                + created.user()
                + " ended "
                + current.state()
                + ", not APPROVED; the policy does not let the bench bring abusers to the budget");
      }
    }
  }

  private ChildProcess startBroker(Workspace workspace) throws IOException {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "broker",
                "--data",
                workspace.data().toString(),
                "--catalog",
                workspace.catalog().toString(),
                "--listen",
                "127.0.0.1:0"));
    if (settings.store() != null) {
      arguments.add("--store");
      arguments.add(settings.store());
    }
    return ChildProcess.start(
        "broker",
        jvmOptions(BROKER_JVM, "WARDEN_BENCH_BROKER_OPTS"),
        arguments,
        workspace.log("broker"));
  }

  private static ChildProcess startWatcher(Workspace workspace) throws IOException {
    return ChildProcess.start(
        "watcher",
        jvmOptions(WATCHER_JVM, "WARDEN_BENCH_WATCHER_OPTS"),
        List.of("watch", "--config", workspace.watcherConfig().toString()),
        workspace.log("watcher"));
  }

  /**
   * The JVM options of a child: the bench's, then any from the environment variable, which lets a
   * profiling run add a flight recording without a rebuild.
   */
  private static List<String> jvmOptions(List<String> defaults, String variable) {
    List<String> options = new ArrayList<>(defaults);
    String extra = System.getenv(variable);
    if (extra != null && !extra.isBlank()) {
      options.addAll(List.of(extra.trim().split("\\s+")));
    }
    return options;
  }

  private static void writeWatcherConfig(
      Workspace workspace, URI broker, RunMode mode, int statusPort) throws IOException {
    String config =
        "# Written by warden bench for one run.\n"
            + "broker: "
            + broker
            + "\nidentity: identities/watcher\npolicy: policy.yaml\n"
            + "decisionLog: decisions.jsonl\nsource: "
            + (mode.polls() ? "poll" : "watch")
            + "\npollInterval: "
            + mode.pollInterval()
            + "\nlisten: 127.0.0.1:"
            + statusPort
            + "\n";
    Files.writeString(workspace.watcherConfig(), config);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A prefix that keeps one run's users apart from earlier runs' on a shared database. */
  private static String runPrefix() {
    byte[] bytes = new byte[3];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "b" + HexFormat.of().formatHex(bytes) + "-";
  }

  private void say(Prepared prepared, String message) {
    progress.println("warden bench: " + prepared.mode().label() + ": " + message);
    progress.flush();
  }

  static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
