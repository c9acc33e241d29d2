package dev.warden.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.core.access.RequestState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** A watcher process in dry-run mode: it decides and records everything and acts on nothing. */
class DryRunIT {

  private static final Duration RESYNC = Duration.ofSeconds(2);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private Deployment deployment;

  @BeforeEach
  void start() throws Exception {
    deployment = Deployment.start(dir);
  }

  @AfterEach
  void stop() {
    deployment.close();
  }

  @Test
  void dryRun_actsOnNothing_butRecordsEveryDecisionOnce() throws Exception {
    Deployment.WatcherSettings settings =
        deployment.watcherSettings().withMode("dry-run").withResyncInterval(RESYNC);
    deployment.startWatcher(settings);
    RequestObject production = deployment.request("gil", List.of("prod-db"), List.of());
    deployment.admin.review(
        production.id(), new NewReview(ReviewDecision.APPROVE, "approved by hand", "human-7"));

    List<RequestObject> requests =
        List.of(
            deployment.request(
                "ann",
                List.of(),
                List.of(
                    "node/prod-web-1", "node/prod-web-2", "db/prod-orders", "db/prod-payments")),
            deployment.request("ben", List.of("prod-db", "research-notebook"), List.of()),
            deployment.request("cat", List.of("dev-db"), List.of()),
            deployment.request("gil", List.of("research-notebook"), List.of()));
    Map<String, JsonNode> outcomes = awaitOutcomes(settings.decisionLog(), requests);
    int recorded = deployment.decisionRecords(settings.decisionLog()).size();
    WardenProcess.sleep(RESYNC.multipliedBy(2).plusMillis(500));

    for (RequestObject request : requests) {
      RequestObject now = deployment.admin.getRequest(request.id());
      assertThat(now.state()).as(now.toString()).isEqualTo(RequestState.PENDING);
      assertThat(now.reviews()).isEmpty();
    }
    assertThat(deployment.locks()).isEmpty();
    assertThat(deployment.admin.getRequest(production.id()).active()).isTrue();
    assertThat(outcomes.values())
        .allSatisfy(
            record -> {
              assertThat(record.path("mode").asText()).isEqualTo("dry-run");
              assertThat(record.path("actions"))
                  .isNotEmpty()
                  .allSatisfy(a -> assertThat(a.path("result").asText()).isEqualTo("dry-run"));
            });
    assertThat(outcomes.get(requests.get(0).id().value()).path("outcome").asText())
        .isEqualTo("DENY");
    assertThat(outcomes.get(requests.get(1).id().value()).path("outcome").asText())
        .isEqualTo("DENY");
    assertThat(outcomes.get(requests.get(2).id().value()).path("outcome").asText())
        .isEqualTo("APPROVE");
    JsonNode wouldLock = outcomes.get(requests.get(3).id().value());
    assertThat(wouldLock.path("actions").get(0).path("type").asText()).isEqualTo("lock");
    assertThat(wouldLock.path("actions").get(0).path("lockId").asText())
        .isEqualTo("warden-production-research-separation-" + production.id());
    assertThat(deployment.decisionRecords(settings.decisionLog()))
        .as("resyncs find the same decisions and record nothing new")
        .hasSize(recorded);

    deployment.watcher().terminate(Duration.ofSeconds(30));
    assertThat(Deployment.verifyWithPython(settings.decisionLog()))
        .endsWith(Deployment.recordCount(settings.decisionLog()) + " records verified");
  }

  /** Waits until every request has an outcome record; returns them by request id. */
  private Map<String, JsonNode> awaitOutcomes(Path log, List<RequestObject> requests) {
    Set<String> ids = requests.stream().map(r -> r.id().value()).collect(Collectors.toSet());
    Deployment.awaitTrue(
        () -> outcomes(log, ids).size() == ids.size(),
        Duration.ofSeconds(15),
        () -> "outcomes recorded: " + outcomes(log, ids).keySet() + deployment.watcher().tail());
    return outcomes(log, ids);
  }

  private Map<String, JsonNode> outcomes(Path log, Set<String> ids) {
    try {
      return deployment.decisionRecords(log).stream()
          .filter(r -> r.path("phase").asText().equals("outcome"))
          .filter(r -> ids.contains(r.path("request").asText()))
          .collect(Collectors.toMap(r -> r.path("request").asText(), Function.identity()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
