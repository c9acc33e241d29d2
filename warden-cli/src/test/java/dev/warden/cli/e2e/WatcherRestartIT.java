package dev.warden.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.api.v1.AuditEvent;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.Review;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher process stopped in the middle of its work, by SIGKILL (nothing finishes) and by
 * SIGTERM (in-flight work finishes), then started again on the same decision log.
 *
 * <p>Every user asks for production and then research, so every user costs the watcher two
 * approvals and one lock, and the crash lands between some of them.
 */
class WatcherRestartIT {

  private static final int USERS = 12;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;

  private static Deployment deployment;
  private Deployment.WatcherSettings settings;
  private final ExecutorService creator = Executors.newSingleThreadExecutor();

  /** One broker for all tests: each has its own users and its own decision log. */
  @BeforeAll
  static void startBroker() throws Exception {
    deployment = Deployment.start(dir);
  }

  @AfterAll
  static void stopBroker() {
    deployment.close();
  }

  @BeforeEach
  void freshLog(TestInfo test) {
    String name = test.getTestMethod().orElseThrow().getName();
    settings = deployment.watcherSettings().withDecisionLog(dir.resolve(name + ".decisions.jsonl"));
  }

  @AfterEach
  void stopWatcher() {
    creator.shutdownNow();
    deployment.stopWatcher();
  }

  @Test
  void sigkillDuringABurst_thenRestart_neitherLosesNorRepeatsAnAction() throws Exception {
    deployment.startWatcher(settings);
    Future<List<RequestObject>> burst = creator.submit(() -> createBurst("kill"));
    awaitRecords(10);

    deployment.watcher().kill();
    List<RequestObject> created = burst.get();
    deployment.startWatcher(settings);
    awaitAllDecided(created);
    deployment.watcher().terminate(Duration.ofSeconds(30));

    assertEachRequestReviewedOnceByTheWatcher(created);
    assertEachProductionGrantLockedOnce(created);
    assertWriteAhead(created);
    assertThat(Deployment.verifyWithPython(settings.decisionLog())).endsWith("records verified");
  }

  @Test
  void sigtermDuringABurst_finishesInFlightDecisions_andRecordsTheirOutcomes() throws Exception {
    WardenProcess first = deployment.startWatcher(settings);
    Future<List<RequestObject>> burst = creator.submit(() -> createBurst("term"));
    awaitRecords(10);

    int exit = first.terminate(Duration.ofSeconds(30));
    List<RequestObject> created = burst.get();
    List<JsonNode> records = deployment.decisionRecords(settings.decisionLog());

    assertThat(exit).as("exit code after SIGTERM" + first.tail()).isEqualTo(143);
    assertThat(first.errors())
        .contains("watcher stopping", "watcher stopped")
        .doesNotContain("warden: ");
    assertThat(openIntents(records)).as("intents without an outcome after SIGTERM").isEmpty();
    assertOutcomesMatchTheBroker(records, created);
    assertThat(Deployment.verifyWithPython(settings.decisionLog()))
        .endsWith(Deployment.recordCount(settings.decisionLog()) + " records verified");

    deployment.startWatcher(settings);
    awaitAllDecided(created);
    deployment.watcher().terminate(Duration.ofSeconds(30));
    assertEachRequestReviewedOnceByTheWatcher(created);
    assertEachProductionGrantLockedOnce(created);
  }

  /**
   * SIGTERM as soon as the watcher announces itself. The shutdown hook used to be registered only
   * after the start returned, so a SIGTERM inside that window made the registration fail ("warden:
   * Shutdown in progress") and the watcher die without closing; the window is too short to hit
   * every time, so this checks the clean stop around it rather than reproducing the race.
   */
  @Test
  void sigtermWhileStarting_stopsTheWatcherCleanly() throws Exception {
    WardenProcess starting = deployment.launchWatcher(settings);
    starting.awaitLine(java.util.regex.Pattern.compile("watcher starting"), Duration.ofMinutes(1));

    int exit = starting.terminate(Duration.ofSeconds(30));

    assertThat(exit).as(starting.tail()).isEqualTo(143);
    assertThat(starting.errors()).contains("watcher stopped").doesNotContain("warden: ");
  }

  @Test
  void brokerKilledAndRestarted_watcherReconnects_loggingOnlyTheTwoStateChanges() throws Exception {
    WardenProcess watcher = deployment.startWatcher(settings);
    RequestObject before = deployment.request("bounce", List.of("prod-db"), List.of());
    deployment.awaitDecided(before.id());

    deployment.restartBroker();
    Deployment.awaitTrue(
        () -> deployment.status("/readyz").statusCode() == 200,
        Duration.ofSeconds(60),
        () -> "the watcher did not reconnect" + watcher.tail());
    RequestObject after = deployment.request("bounce", List.of("research-notebook"), List.of());
    RequestObject decided = deployment.awaitDecided(after.id());

    assertThat(decided.state()).isEqualTo(RequestState.APPROVED);
    assertThat(deployment.admin.getRequest(before.id()).locked()).isTrue();
    List<String> connection =
        watcher.errorLines().stream().filter(l -> l.contains("access plane connection")).toList();
    assertThat(connection)
        .as("one line per change of the connection, none per retry")
        .hasSize(3)
        .satisfies(
            lines -> {
              assertThat(lines.get(0)).contains("connected");
              assertThat(lines.get(1)).contains("disconnected");
              assertThat(lines.get(2)).contains("connected").doesNotContain("disconnected");
            });
    assertThat(deployment.metric("warden_watch_reconnects_total")).isPositive();
  }

  /** The fallback without a watch stream: everything listed every second, decided the same. */
  @Test
  void pollMode_decidesFromPeriodicListings() throws Exception {
    WardenProcess watcher = deployment.startWatcher(settings.polling());

    RequestObject production = deployment.request("poller", List.of("prod-db"), List.of());
    deployment.awaitDecided(production.id());
    RequestObject research = deployment.request("poller", List.of("research-notebook"), List.of());
    RequestObject decided = deployment.awaitDecided(research.id());

    assertThat(decided.state()).isEqualTo(RequestState.APPROVED);
    assertThat(deployment.admin.getRequest(production.id()).locked()).isTrue();
    assertThat(watcher.errors()).contains("source=poll", "pollInterval=PT1S", "polling every PT1S");
    assertThat(records())
        .filteredOn(r -> r.path("phase").asText().equals("intent"))
        .allSatisfy(r -> assertThat(r.path("trigger").path("kind").asText()).isEqualTo("resync"));
  }

  /** Creates, for each user, a production request and then a research request. */
  private List<RequestObject> createBurst(String prefix) {
    List<RequestObject> created = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      String user = "%s-%02d".formatted(prefix, i);
      created.add(deployment.request(user, List.of("prod-db"), List.of()));
      created.add(deployment.request(user, List.of("research-notebook"), List.of()));
    }
    return created;
  }

  private void awaitRecords(int count) {
    Deployment.awaitTrue(
        () -> records().size() >= count,
        Duration.ofSeconds(30),
        () -> "the watcher recorded only " + records().size() + deployment.watcher().tail());
  }

  private List<JsonNode> records() {
    try {
      return Files.exists(settings.decisionLog())
          ? deployment.decisionRecords(settings.decisionLog())
          : List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void awaitAllDecided(List<RequestObject> created) {
    for (RequestObject request : created) {
      deployment.awaitDecided(request.id());
    }
  }

  private void assertEachRequestReviewedOnceByTheWatcher(List<RequestObject> created) {
    for (RequestObject request : created) {
      RequestObject now = deployment.admin.getRequest(request.id());
      assertThat(now.state()).as(now.toString()).isEqualTo(RequestState.APPROVED);
      assertThat(now.reviews())
          .as("reviews of " + request.id())
          .singleElement()
          .satisfies(r -> assertThat(r.author()).isEqualTo("watcher"));
    }
    Set<String> ids = created.stream().map(r -> r.id().value()).collect(Collectors.toSet());
    Map<String, Long> approvals =
        deployment.auditTrail().stream()
            .filter(e -> e.type().equals("REQUEST_APPROVED") && ids.contains(e.id()))
            .collect(Collectors.groupingBy(AuditEvent::id, Collectors.counting()));
    assertThat(approvals).hasSize(created.size()).allSatisfy((id, n) -> assertThat(n).isOne());
  }

  /** One lock per user, on the production grant, created exactly once. */
  private void assertEachProductionGrantLockedOnce(List<RequestObject> created) {
    Set<LockTarget> productionGrants = new java.util.HashSet<>();
    for (int i = 0; i < created.size(); i += 2) {
      productionGrants.add(new LockTarget.Request(created.get(i).id()));
    }
    List<LockObject> locks =
        deployment.locks().stream().filter(l -> productionGrants.contains(l.target())).toList();
    Set<String> lockIds = locks.stream().map(l -> l.id().value()).collect(Collectors.toSet());
    assertThat(locks)
        .extracting(LockObject::target)
        .containsExactlyInAnyOrderElementsOf(productionGrants);
    Map<String, Long> creations =
        deployment.auditTrail().stream()
            .filter(e -> e.type().equals("LOCK_CREATED") && lockIds.contains(e.id()))
            .collect(Collectors.groupingBy(AuditEvent::id, Collectors.counting()));
    assertThat(creations)
        .hasSize(USERS)
        .allSatisfy((id, n) -> assertThat(n).as("creations of " + id).isOne());
  }

  /** Every review the broker holds was preceded by a durable intent record with its id. */
  private void assertWriteAhead(List<RequestObject> created) throws Exception {
    Map<String, JsonNode> intents =
        records().stream()
            .filter(r -> r.path("phase").asText().equals("intent"))
            .collect(Collectors.toMap(r -> r.path("decisionId").asText(), Function.identity()));
    for (RequestObject request : created) {
      Review review = deployment.admin.getRequest(request.id()).reviews().getFirst();
      assertThat(intents).containsKey(review.decisionId());
      assertThat(intents.get(review.decisionId()).path("request").asText())
          .isEqualTo(request.id().value());
    }
  }

  /** After a clean stop, what the log says was applied is what the broker shows, and no more. */
  private void assertOutcomesMatchTheBroker(List<JsonNode> records, List<RequestObject> created) {
    Map<String, String> applied = new HashMap<>();
    for (JsonNode record : records) {
      if (record.path("phase").asText().equals("outcome")) {
        for (JsonNode action : record.path("actions")) {
          if (action.path("type").asText().equals("approve")
              && action.path("result").asText().equals("applied")) {
            applied.put(action.path("target").asText(), record.path("decisionId").asText());
          }
        }
      }
    }
    List<String> reviewedByWatcher = new ArrayList<>();
    for (RequestObject burst : created) {
      RequestObject request = deployment.admin.getRequest(burst.id());
      for (Review review : request.reviews()) {
        assertThat(review.decision()).isEqualTo(ReviewDecision.APPROVE);
        assertThat(applied).containsEntry(request.id().value(), review.decisionId());
        reviewedByWatcher.add(request.id().value());
      }
    }
    assertThat(reviewedByWatcher).containsExactlyInAnyOrderElementsOf(applied.keySet());
  }

  private static List<String> openIntents(List<JsonNode> records) {
    Map<String, Integer> open = new HashMap<>();
    for (JsonNode record : records) {
      open.merge(
          record.path("decisionId").asText(),
          record.path("phase").asText().equals("intent") ? 1 : -1,
          Integer::sum);
    }
    return open.entrySet().stream().filter(e -> e.getValue() != 0).map(Map.Entry::getKey).toList();
  }
}
