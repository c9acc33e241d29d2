package dev.warden.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.Review;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default policy's scenarios, enforced by a watcher process against a broker process over mTLS.
 * Every scenario uses its own user, so they share one deployment; the last test stops the watcher
 * and checks its decision log and its operational log against what the broker recorded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyScenariosIT {

  private static final Duration RESYNC = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;

  private static Deployment deployment;

  @BeforeAll
  static void start() throws Exception {
    deployment = Deployment.start(dir);
    deployment.startWatcher(
        deployment.watcherSettings().withResyncInterval(RESYNC).withLogFormat("json"));
  }

  @AfterAll
  static void stop() {
    deployment.close();
  }

  @Test
  void requestForFourResources_isDenied_withAReasonNamingFourAndThree() {
    RequestObject created =
        deployment.request(
            "ann",
            List.of(),
            List.of("node/prod-web-1", "node/prod-web-2", "db/prod-orders", "db/prod-payments"));

    RequestObject decided = deployment.awaitDecided(created.id());

    assertThat(decided.state()).isEqualTo(RequestState.DENIED);
    Review review = onlyReview(decided);
    assertThat(review.decision()).isEqualTo(ReviewDecision.DENY);
    assertThat(review.reason()).contains("4 resources").contains("limit is 3");
  }

  @Test
  void productionAndResearchInOneRequest_isDenied() {
    RequestObject created =
        deployment.request("ben", List.of("prod-db", "research-notebook"), List.of());

    RequestObject decided = deployment.awaitDecided(created.id());

    assertThat(decided.state()).isEqualTo(RequestState.DENIED);
    assertThat(onlyReview(decided).reason()).contains("production").contains("research");
  }

  @Test
  void researchAfterProduction_isApproved_andLocksProductionUntilThatGrantExpires() {
    RequestObject production =
        deployment.request("cat", List.of("prod-db"), List.of(), Duration.ofSeconds(6));
    RequestObject grantedProduction = deployment.awaitDecided(production.id());
    RequestObject research = deployment.request("cat", List.of("research-notebook"), List.of());

    RequestObject grantedResearch = deployment.awaitDecided(research.id());
    RequestObject lockedProduction =
        deployment.await(production.id(), RequestObject::locked, "locked");

    assertThat(grantedProduction.state()).isEqualTo(RequestState.APPROVED);
    assertThat(grantedResearch.state()).isEqualTo(RequestState.APPROVED);
    assertThat(grantedResearch.active()).isTrue();
    assertThat(lockedProduction.active()).isFalse();
    LockObject lock =
        deployment.admin.getLock(
            LockId.of("warden-production-research-separation-" + production.id().value()));
    assertThat(lock.target()).isEqualTo(new LockTarget.Request(production.id()));
    assertThat(lock.expires()).isEqualTo(grantedProduction.expires());

    Instant expiry = grantedProduction.expires();
    Deployment.awaitTrue(
        () -> Instant.now().isAfter(expiry.plusMillis(500)),
        Duration.ofSeconds(15),
        () -> "the production grant's expiry " + expiry + " never came");
    RequestObject expired =
        deployment.await(production.id(), r -> r.state() == RequestState.EXPIRED, "expired");
    assertThat(expired.active()).isFalse();
    assertThat(deployment.admin.getLock(lock.id()).inForce())
        .as("the lock ends with the grant it locked")
        .isFalse();
    assertThat(deployment.admin.getRequest(research.id()).active()).isTrue();
  }

  @Test
  void fourthActiveResource_locksTheOldestGrant() {
    RequestObject oldest = approved("dan", "node/dev-web-1");
    RequestObject second = approved("dan", "db/dev-orders");
    RequestObject third = approved("dan", "node/research-gpu-1");

    RequestObject fourth =
        deployment.request("dan", List.of(), List.of("bucket/research-datasets"));
    RequestObject decided = deployment.awaitDecided(fourth.id());
    RequestObject locked = deployment.await(oldest.id(), RequestObject::locked, "locked");

    assertThat(decided.state()).isEqualTo(RequestState.APPROVED);
    assertThat(locked.active()).isFalse();
    assertThat(deployment.admin.getLock(LockId.of("warden-max-active-resources-" + oldest.id())))
        .satisfies(lock -> assertThat(lock.expires()).isEqualTo(locked.expires()));
    assertThat(List.of(second, third, decided))
        .allSatisfy(r -> assertThat(deployment.admin.getRequest(r.id()).active()).isTrue());
  }

  @Test
  void lockedGrant_doesNotCountTowardTheResourceLimit() {
    RequestObject development = approved("eve", "node/dev-web-1", "db/dev-orders");
    RequestObject held = approved("eve", "node/research-gpu-1");
    LockId humanLock = LockId.of("hold-" + held.id());
    deployment.admin.createLock(
        new NewLock(humanLock, new LockTarget.Request(held.id()), "kept for review", null));

    // Two unlocked resources plus this one fit the limit of 3; counting the locked grant as well
    // would make 4 and lock the development grant.
    RequestObject more = deployment.request("eve", List.of(), List.of("bucket/research-datasets"));
    RequestObject decided = deployment.awaitDecided(more.id());
    WardenProcess.sleep(RESYNC.plusMillis(500));

    assertThat(decided.state()).isEqualTo(RequestState.APPROVED);
    assertThat(deployment.admin.getRequest(development.id()).active()).isTrue();
    assertThat(locksTargeting(development, held, decided))
        .extracting(LockObject::id)
        .containsExactly(humanLock);
  }

  @Test
  void humanApprovalThatBreaksPolicy_isLockedAtOnce_andTheEscalationIsRecordedOnce()
      throws Exception {
    RequestObject production = approved("fay", List.of("prod-db"));
    for (String role : List.of("dev-db", "dev-admin", "dev-db", "dev-admin")) {
      approved("fay", List.of(role));
    }
    RequestObject research = deployment.request("fay", List.of("research-notebook"), List.of());
    // The approval budget (5 a day) is used up: the watcher leaves this one to a person.
    Deployment.awaitTrue(
        () -> recordsAbout(research.id().value()).size() == 2,
        Duration.ofSeconds(15),
        () -> "the escalation was never recorded" + deployment.watcher().tail());
    WardenProcess.sleep(RESYNC.multipliedBy(2).plusMillis(500));
    assertThat(deployment.admin.getRequest(research.id()).state()).isEqualTo(RequestState.PENDING);
    assertThat(recordsAbout(research.id().value()))
        .as("one intent and one outcome, not a pair per resync")
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.path("outcome").asText()).isEqualTo("ESCALATE"));

    deployment.admin.review(
        research.id(),
        new NewReview(ReviewDecision.APPROVE, "approved by the on-call lead", "human-1"));
    Instant approvedAt = Instant.now();
    RequestObject locked = deployment.await(production.id(), RequestObject::locked, "locked");
    Duration lateness = Duration.between(approvedAt, Instant.now());

    assertThat(locked.active()).isFalse();
    assertThat(deployment.admin.getRequest(research.id()).active()).isTrue();
    assertThat(lateness)
        .as("the lock follows the approval within seconds")
        .isLessThan(Duration.ofSeconds(5));
    JsonNode lockDecision =
        recordsAbout("warden-production-research-separation-" + production.id()).getFirst();
    assertThat(lockDecision.path("trigger").path("kind").asText())
        .as("the approval's own event triggered the lock, not a periodic resync")
        .isEqualTo("request");
    assertThat(lockDecision.path("trigger").path("id").asText()).isEqualTo(research.id().value());
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void decisionLog_verifiesIndependently_andMatchesTheBrokerAndTheOperationalLog()
      throws Exception {
    int exit = deployment.watcher().terminate(Duration.ofSeconds(30));

    String report = Deployment.verifyWithPython(deployment.watcherSettings().decisionLog());
    List<JsonNode> records = deployment.decisionRecords(deployment.watcherSettings().decisionLog());
    assertThat(exit).as("exit code after SIGTERM" + deployment.watcher().tail()).isEqualTo(143);
    assertThat(report)
        .endsWith(
            Deployment.recordCount(deployment.watcherSettings().decisionLog())
                + " records verified");
    assertThat(records).isNotEmpty();
    assertThat(deployment.watcher().errors())
        .as("the shutdown is logged to its end")
        .contains("watcher stopping")
        .contains("watcher stopped");
    assertEveryIntentHasOneOutcome(records);
    assertEveryWatcherReviewWasRecordedFirst(records);
    assertOneInfoLinePerDecision(records);
  }

  private static void assertEveryIntentHasOneOutcome(List<JsonNode> records) {
    Map<String, List<String>> phases = new HashMap<>();
    for (JsonNode record : records) {
      phases
          .computeIfAbsent(record.path("decisionId").asText(), id -> new ArrayList<>())
          .add(record.path("phase").asText());
    }
    assertThat(phases)
        .allSatisfy((id, seen) -> assertThat(seen).containsExactly("intent", "outcome"));
  }

  /** Write-ahead, checked from the broker's side: every review the watcher sent was logged. */
  private static void assertEveryWatcherReviewWasRecordedFirst(List<JsonNode> records) {
    Map<String, JsonNode> intents =
        records.stream()
            .filter(r -> r.path("phase").asText().equals("intent"))
            .collect(Collectors.toMap(r -> r.path("decisionId").asText(), r -> r));
    List<RequestObject> all = deployment.admin.listRequests().items();
    List<Review> watcherReviews =
        all.stream()
            .flatMap(r -> r.reviews().stream())
            .filter(r -> r.author().equals("watcher"))
            .toList();
    assertThat(watcherReviews).isNotEmpty();
    for (Review review : watcherReviews) {
      assertThat(intents).containsKey(review.decisionId());
      assertThat(intents.get(review.decisionId()).path("outcome").asText())
          .isEqualTo(review.decision().name());
    }
    for (RequestObject request : all) {
      assertThat(request.reviews()).as("reviews of " + request.id()).hasSizeLessThanOrEqualTo(1);
    }
  }

  private static void assertOneInfoLinePerDecision(List<JsonNode> records) throws Exception {
    Map<String, Integer> lines = new HashMap<>();
    for (String line : deployment.watcher().errorLines()) {
      JsonNode entry = JSON.readTree(line);
      assertThat(entry.path("time").asText()).as(line).isNotEmpty();
      assertThat(entry.path("level").asText()).as(line).isIn("DEBUG", "INFO", "WARN", "ERROR");
      String message = entry.path("message").asText();
      if (message.startsWith("decision user=")) {
        assertThat(entry.path("level").asText()).isEqualTo("INFO");
        assertThat(message).contains(" request=", " outcome=", " rules=", " decision=");
        String id = message.replaceAll(".* decision=(\\S+).*", "$1");
        lines.merge(id, 1, Integer::sum);
      }
    }
    Set<String> decisions =
        records.stream().map(r -> r.path("decisionId").asText()).collect(Collectors.toSet());
    assertThat(lines.keySet()).containsExactlyInAnyOrderElementsOf(decisions);
    assertThat(lines.values()).containsOnly(1);
  }

  private static RequestObject approved(String user, String... resources) {
    RequestObject created = deployment.request(user, List.of(), List.of(resources));
    return assertApproved(deployment.awaitDecided(created.id()));
  }

  private static RequestObject approved(String user, List<String> roles) {
    RequestObject created = deployment.request(user, roles, List.of());
    return assertApproved(deployment.awaitDecided(created.id()));
  }

  private static RequestObject assertApproved(RequestObject decided) {
    assertThat(decided.state()).as(decided.toString()).isEqualTo(RequestState.APPROVED);
    return decided;
  }

  private static Review onlyReview(RequestObject decided) {
    assertThat(decided.reviews()).hasSize(1);
    Review review = decided.reviews().getFirst();
    assertThat(review.author()).isEqualTo("watcher");
    assertThat(review.decisionId()).isNotBlank();
    return review;
  }

  private static List<LockObject> locksTargeting(RequestObject... requests) {
    Set<LockTarget> targets = new java.util.HashSet<>();
    for (RequestObject request : requests) {
      targets.add(new LockTarget.Request(request.id()));
    }
    return deployment.locks().stream().filter(l -> targets.contains(l.target())).toList();
  }

  /** Decision records whose text mentions {@code needle} (a request or lock id). */
  private static List<JsonNode> recordsAbout(String needle) {
    try {
      return deployment.decisionRecords(deployment.watcherSettings().decisionLog()).stream()
          .filter(r -> r.toString().contains("\"" + needle + "\""))
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
