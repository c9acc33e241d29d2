package dev.warden.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.api.v1.AuditEvent;
import dev.warden.api.v1.RequestObject;
import dev.warden.cli.bench.Replay;
import dev.warden.cli.e2e.Deployment;
import dev.warden.cli.e2e.WardenProcess;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decision-log faults: the watcher's log stops being writable while the reliability load runs, in
 * the three ways storage fails on real machines (see {@link LogFileSystems}): its file system fills
 * up, the kernel turns it read-only after an error, and fsync hangs.
 *
 * <p>Each case checks the watcher's promise to fail closed: while the log cannot be written, not
 * one review or lock reaches the broker (its audit trail is the witness), the requests made in the
 * meantime stay pending, and {@code /readyz} answers 503; once the storage is back, every pending
 * request is decided as the replay of {@code decide} predicts and the log verifies, with the Java
 * verifier and the independent Python one. A hung fsync must not hang the watcher with it: the
 * decision log gives up on a record after its durable timeout (5 s), and the watcher turns not
 * ready while staying alive.
 *
 * <p>The three cases share one broker, to keep the suite's time down, and each runs its own watcher
 * identity with its own log, so that the invariants, checked after each case over all the cases so
 * far, know which log answers for which broker event. The disk-full case runs first: its log must
 * still be empty when the file system fills (see {@link LogFileSystems.SmallTmpfs}), which it can
 * only be while no request is waiting to be decided.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DecisionLogFaultsIT {

  private static final double RATE = 2;
  private static final Set<String> ACTIONS =
      Set.of("REQUEST_APPROVED", "REQUEST_DENIED", "LOCK_CREATED");

  /** Requests sent while the log works, before each fault (none before the disk fills). */
  private static final long BEFORE = 4;

  /**
   * Requests sent while the log cannot be written; more, over a longer fault, when the suite runs
   * longer ({@code reliability.minutes}), so that the three faults together last about that long.
   */
  private static final long DURING = Scenario.requests(6, 0.5);

  /**
   * How late a request may be decided: the fault's length, then up to 30 s until its user's
   * backed-off retry comes round, and a margin. The load needs enough users that none asks twice
   * within it (see {@link ReliabilityLoad#plan}); a longer fault needs more users.
   */
  private static final Duration HORIZON = Duration.ofSeconds(45 + Math.round(DURING / RATE));

  private static final Duration DECIDED_WITHIN = HORIZON.plusSeconds(30);

  private static final int USERS = (int) Math.max(32, Math.ceil(HORIZON.toSeconds() * 1.25));

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;

  private Scenario scenario;
  private ReliabilityLoad load;
  private Deployment deployment;
  private boolean prepared;
  private final Set<String> watchers = new LinkedHashSet<>();
  private final List<Path> logs = new ArrayList<>();
  private Invariants.Report report;

  @BeforeAll
  void startBroker() throws Exception {
    scenario = Scenario.start("decision-log-faults");
    load = ReliabilityLoad.plan(USERS, 2 * BEFORE + 3 * DURING, RATE, HORIZON, scenario.seed());
    deployment =
        Deployment.start(
            dir,
            load.catalogText(),
            load.policyText(),
            List.of("watcher-full", "watcher-read-only", "watcher-hang"),
            List.of());
  }

  @AfterAll
  void stopBroker() {
    if (deployment != null) {
      deployment.close();
    }
    if (report != null) {
      scenario.finish(report);
    }
  }

  @Test
  @Order(1)
  void fullFileSystem_sendsNothingWhileFull_andDecidesEverythingOnceSpaceReturns()
      throws Exception {
    try (LogFileSystems.SmallTmpfs fs = LogFileSystems.SmallTmpfs.mount(dir)) {
      Deployment.WatcherSettings settings = watcher("watcher-full", fs.path());
      try {
        deployment.startWatcher(settings);
        assertThat(Files.size(settings.decisionLog()))
            .as("the log is empty when the disk fills; this case must run before the others")
            .isZero();

        fs.fill();
        Fault fault = new Fault("full", Instant.now());
        prepareOnce();
        List<RequestId> during = sendDuring(fault, "No space left on device");
        assertFailedClosed(fault, during);

        fault.recovering();
        fs.free();
        awaitDecidedAndReady();
        assertThat(deployment.watcher().errors()).contains("decision log writable again");
        deployment.watcher().terminate(Duration.ofSeconds(30));
        finish(fault, keep(fault.name, settings.decisionLog()));
      } finally {
        keep("full", settings.decisionLog());
      }
    }
  }

  @Test
  @Order(2)
  void fileSystemTurnedReadOnly_sendsNothing_andRecoversAfterRepairAndRestart() throws Exception {
    prepareOnce();
    try (LogFileSystems.ErroringExt4 fs = LogFileSystems.ErroringExt4.create(dir)) {
      Deployment.WatcherSettings settings = watcher("watcher-read-only", fs.path());
      try {
        deployment.startWatcher(settings);
        send(BEFORE);
        awaitDecided();
        settle();
        byte[] durable = Files.readAllBytes(settings.decisionLog());

        Fault fault = new Fault("read-only", Instant.now());
        fs.fail();
        List<RequestId> during = sendDuring(fault, "Read-only file system");
        assertFailedClosed(fault, during);

        fault.recovering();
        deployment.watcher().terminate(Duration.ofSeconds(30));
        fs.repair();
        deployment.startWatcher(settings);
        awaitDecidedAndReady();
        byte[] after = Files.readAllBytes(settings.decisionLog());
        assertThat(Arrays.copyOf(after, Math.min(after.length, durable.length)))
            .as("every record made durable before the error is still there after e2fsck")
            .isEqualTo(durable);
        deployment.watcher().terminate(Duration.ofSeconds(30));
        finish(fault, keep(fault.name, settings.decisionLog()));
      } finally {
        keep("read-only", settings.decisionLog());
      }
    }
  }

  @Test
  @Order(3)
  void hangingFsync_isBoundedByTheDurableTimeout_sendsNothing_andRecovers() throws Exception {
    prepareOnce();
    try (LogFileSystems.HangingFuse fs = LogFileSystems.HangingFuse.mount(dir)) {
      Deployment.WatcherSettings settings = watcher("watcher-hang", fs.path());
      // Read from the backing directory: past FUSE, and still there once it is unmounted.
      Path backing = fs.backing().resolve("decisions.jsonl");
      try {
        deployment.startWatcher(settings);
        send(BEFORE);
        awaitDecided();
        settle();

        Fault fault = new Fault("fsync-hang", Instant.now());
        fs.hold();
        List<RequestId> during = sendDuring(fault, "did not become durable within PT5S");
        assertThat(fs.held()).as("an fsync is blocked in the kernel right now").isPositive();
        assertThat(deployment.status("/healthz").statusCode())
            .as("the watcher is alive while its fsync hangs")
            .isEqualTo(200);
        assertFailedClosed(fault, during);

        fault.recovering();
        fs.release();
        awaitDecidedAndReady();
        deployment.watcher().terminate(Duration.ofSeconds(30));
        finish(fault, keep(fault.name, backing));
      } finally {
        keep("fsync-hang", backing);
      }
    }
  }

  /** One case's fault: when it began, and what was measured while it lasted. */
  private final class Fault {
    final String name;
    final Instant started;
    Instant recovered;
    int during;
    Duration unready;
    double refused;

    Fault(String name, Instant started) {
      this.name = name;
      this.started = started;
    }

    /** Notes the moment the test begins to undo the fault, and what the fault cost until then. */
    void recovering() {
      recovered = Instant.now();
      refused = deployment.metric("warden_decision_log_unavailable_total");
    }
  }

  private Deployment.WatcherSettings watcher(String identity, Path logDirectory) {
    watchers.add(identity);
    return deployment
        .watcherSettings()
        .withIdentity(identity)
        .withDecisionLog(logDirectory.resolve("decisions.jsonl"));
  }

  /** Brings the load's abusive users to their budget; once, by whichever case runs first. */
  private void prepareOnce() throws InterruptedException {
    if (!prepared) {
      load.prepare(deployment.admin, Duration.ofSeconds(1));
      prepared = true;
    }
  }

  /** Sends {@code count} requests of the load and returns the ids the broker gave them. */
  private List<RequestId> send(long count) throws InterruptedException {
    Set<RequestId> known = new HashSet<>();
    load.created(deployment.admin).forEach(r -> known.add(r.id()));
    load.send(() -> deployment.admin, count, RATE);
    return createdSince(known);
  }

  /**
   * Sends the fault's share of the load and, while it goes out, waits for {@code /readyz} to turn
   * 503 naming {@code reason}, which the first request held back should cause.
   */
  private List<RequestId> sendDuring(Fault fault, String reason) throws Exception {
    Set<RequestId> known = new HashSet<>();
    load.created(deployment.admin).forEach(r -> known.add(r.id()));
    CompletableFuture<Void> sending =
        CompletableFuture.runAsync(
            () -> {
              try {
                load.send(() -> deployment.admin, DURING, RATE);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending the load", e);
              }
            },
            runnable -> Thread.ofVirtual().start(runnable));
    awaitUnready(fault, reason);
    sending.get(DECIDED_WITHIN.toSeconds(), TimeUnit.SECONDS);
    return createdSince(known);
  }

  private List<RequestId> createdSince(Set<RequestId> known) {
    List<RequestId> sent = new ArrayList<>();
    for (RequestObject request : load.created(deployment.admin)) {
      if (!known.contains(request.id())) {
        sent.add(request.id());
      }
    }
    return sent;
  }

  /** Waits for {@code /readyz} to say the log cannot be written, and notes how long it took. */
  private void awaitUnready(Fault fault, String reason) {
    Deployment.awaitTrue(
        () -> deployment.status("/readyz").statusCode() == 503,
        Duration.ofSeconds(30),
        () -> "the watcher stayed ready with a failing log" + deployment.watcher().tail());
    fault.unready = Duration.between(fault.started, Instant.now());
    assertThat(deployment.status("/readyz").body())
        .contains("decision log cannot be written")
        .contains(reason);
  }

  /**
   * Nothing reached the broker from a watcher since the fault began, the requests made since are
   * all pending, and the log reports itself unhealthy. Checked after a second more of waiting, so
   * that retries had their chance to do harm.
   */
  private void assertFailedClosed(Fault fault, List<RequestId> during) {
    fault.during = during.size();
    settle();
    assertThat(actionsBetween(fault.started, Instant.now()))
        .as("reviews and locks by a watcher while the log could not be written")
        .isEmpty();
    for (RequestId id : during) {
      assertThat(deployment.admin.getRequest(id).state())
          .as("request %s made while the log could not be written", id)
          .isEqualTo(RequestState.PENDING);
    }
    assertThat(deployment.status("/readyz").statusCode()).isEqualTo(503);
    assertThat(deployment.metric("warden_decision_log_healthy")).isZero();
  }

  private List<AuditEvent> actionsBetween(Instant from, Instant to) {
    return deployment.auditTrail().stream()
        .filter(e -> ACTIONS.contains(e.type()) && watchers.contains(e.actor().name()))
        .filter(e -> !e.time().isBefore(from) && e.time().isBefore(to))
        .toList();
  }

  private void awaitDecided() {
    Map<RequestId, Replay.Prediction> predicted = load.predict(load.created(deployment.admin));
    long differing = load.awaitPredicted(deployment.admin, predicted, DECIDED_WITHIN);
    assertThat(differing)
        .as(
            "requests not decided as predicted within "
                + DECIDED_WITHIN
                + deployment.watcher().tail())
        .isZero();
  }

  private void awaitDecidedAndReady() {
    awaitDecided();
    Deployment.awaitTrue(
        () -> deployment.status("/readyz").statusCode() == 200,
        Duration.ofSeconds(30),
        () -> "the watcher did not become ready again" + deployment.watcher().tail());
  }

  /**
   * Stops the case's watcher (killing it, when a failed case left it running) and keeps a copy of
   * its log beyond the unmounting of its file system, for the invariants of this case and the later
   * ones; the first copy stands.
   */
  private Path keep(String name, Path log) throws Exception {
    deployment.stopWatcher();
    Path copy = dir.resolve(name + "-decisions.jsonl");
    if (!Files.exists(copy) && Files.exists(log)) {
      Files.copy(log, copy);
      logs.add(copy);
    }
    return copy;
  }

  /** Checks every invariant over all cases so far and adds the case's counts to the result line. */
  private void finish(Fault fault, Path log) throws Exception {
    String python = Deployment.verifyWithPython(log);
    Matcher verified = Pattern.compile("(\\d+) records verified").matcher(python);
    List<RequestObject> created = load.created(deployment.admin);
    Set<RequestId> ids = new HashSet<>();
    created.forEach(r -> ids.add(r.id()));
    report =
        Invariants.check(
            new Invariants.Run(
                deployment.admin,
                load.policy().policy(),
                load.catalog(),
                ids,
                load.predict(created),
                watchers,
                logs));

    scenario
        .count(fault.name + ".duringFault", fault.during)
        .count(fault.name + ".unreadyAfterMs", fault.unready.toMillis())
        .count(fault.name + ".faultMs", Duration.between(fault.started, fault.recovered).toMillis())
        .count(fault.name + ".refusedDecisions", Math.round(fault.refused))
        .count(
            fault.name + ".actionsDuringFault",
            actionsBetween(fault.started, fault.recovered).size())
        .count(fault.name + ".logRecords", verified.find() ? verified.group(1) : python);
    assertThat(report.violationTotal()).as(report.describe()).isZero();
  }

  /** A short pause that lets the watcher's retries and queued outcome records happen. */
  private static void settle() {
    WardenProcess.sleep(Duration.ofSeconds(1));
  }
}
