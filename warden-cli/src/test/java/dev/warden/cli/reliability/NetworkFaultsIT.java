package dev.warden.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.api.v1.AuditEvent;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.Review;
import dev.warden.cli.bench.Replay;
import dev.warden.cli.e2e.Deployment;
import dev.warden.cli.e2e.WardenProcess;
import dev.warden.core.access.RequestId;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network faults between the watcher and the broker: the watcher reaches the broker only through a
 * {@link FaultProxy} that delays traffic, drops connections in the middle (the watch stream among
 * them) and cuts answers after the broker has acted on the request, while the reliability load
 * runs.
 *
 * <p>A cut answer is the case an idempotent client exists for: the broker approved, denied or
 * locked, and the watcher saw only a broken connection. It retries the user, re-decides from what
 * it knows, and sends the action again; the broker must answer the second review with 409 (no
 * longer pending) and the second lock as unchanged, so that nothing takes effect twice. The
 * scenario counts how many cut answers provably hit an action the broker had committed: the
 * watcher's outcome record says the action failed while the broker holds it under that very
 * decision (reviews carry their decision id) or created it before the failure was recorded (locks).
 *
 * <p>Halfway through the load every connection is dropped at once, so that the watch stream is
 * certainly broken mid-stream at least once whatever the random draws. The faults stop once the
 * load is sent, so that the run ends in a bounded time; the invariants are checked after every
 * request is decided as the replay of {@code decide} predicts.
 */
class NetworkFaultsIT {

  /** How late a decision may come under these faults: retries back off up to a few seconds. */
  private static final Duration HORIZON = Duration.ofSeconds(10);

  private static final FaultProxy.Faults FAULTS =
      new FaultProxy.Faults(0.05, Duration.ofMillis(300), 0.1, 0.15);

  private static final Pattern SERIES =
      Pattern.compile("^([a-z_]+)(?:\\{([^}]*)\\})? ([0-9.eE+-]+|NaN)$");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private Deployment deployment;
  private FaultProxy proxy;

  @AfterEach
  void stop() {
    if (deployment != null) {
      deployment.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void faultyNetwork_retriedActionsTakeEffectOnce() throws Exception {
    Scenario scenario = Scenario.start("network-faults");
    double rate = 3;
    long requests = Scenario.requests(90, rate);
    ReliabilityLoad load = ReliabilityLoad.plan(24, requests, rate, HORIZON, scenario.seed());
    deployment =
        Deployment.start(dir, load.catalogText(), load.policyText(), List.of("watcher"), List.of());
    proxy = FaultProxy.start(deployment.brokerUri, scenario.seed());
    deployment.routeWatcherThrough(proxy.uri());
    Deployment.WatcherSettings settings =
        deployment.watcherSettings().withResyncInterval(Duration.ofSeconds(20));
    deployment.startWatcher(settings);
    load.prepare(deployment.admin, Duration.ofSeconds(1));

    sendThroughFaults(load, requests, rate);
    FaultProxy.Counts faults = proxy.counts();

    List<RequestObject> created = load.created(deployment.admin);
    Map<RequestId, Replay.Prediction> predicted = load.predict(created);
    load.awaitPredicted(deployment.admin, predicted, Duration.ofSeconds(60));
    String metrics = deployment.status("/metrics").body();
    deployment.watcher().terminate(Duration.ofSeconds(30));
    Set<RequestId> ids = new HashSet<>();
    created.forEach(r -> ids.add(r.id()));
    Invariants.Report report =
        Invariants.check(
            new Invariants.Run(
                deployment.admin,
                load.policy().policy(),
                load.catalog(),
                ids,
                predicted,
                Set.of("watcher"),
                List.of(settings.decisionLog())));
    Committed committed = committedWithoutAnswer(settings.decisionLog());

    scenario
        .count("delays", faults.delays())
        .count("drops", faults.drops())
        .count("cutResponses", faults.cuts())
        .count("cutAfterCommitReviews", committed.reviews())
        .count("cutAfterCommitLocks", committed.locks())
        .count("committedLoggedFailed", committed.loggedAsFailed().size())
        .count("actionRetries", sum(metrics, "warden_action_failures_total", "kind=\"transient\""))
        .count("conflicts409", sum(metrics, "warden_actions_total", "result=\"skipped\""))
        .count("watchReconnects", sum(metrics, "warden_watch_reconnects_total", ""))
        .count("connections", faults.connections())
        .finish(report);

    assertThat(committed.loggedAsFailed())
        .as("actions the broker carried out that the decision log calls failed")
        .isEmpty();
    assertThat(faults.delays()).as("delays injected").isPositive();
    assertThat(faults.drops()).as("connections dropped").isPositive();
    assertThat(faults.cuts()).as("answers cut").isPositive();
    assertThat(sum(metrics, "warden_watch_reconnects_total", ""))
        .as("the watch stream was broken and reopened")
        .isPositive();
  }

  /**
   * Sends the load with the faults in force, breaks every connection at once halfway through (so
   * that the watch stream is certainly broken mid-stream), then heals the network: no more faults,
   * and every connection still carrying a fault's plan dropped.
   */
  private void sendThroughFaults(ReliabilityLoad load, long requests, double rate)
      throws Exception {
    proxy.inject(FAULTS);
    CompletableFuture<Void> sending =
        CompletableFuture.runAsync(
            () -> {
              try {
                load.send(() -> deployment.admin, requests, rate);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending the load", e);
              }
            },
            runnable -> Thread.ofVirtual().start(runnable));
    WardenProcess.sleep(Duration.ofMillis((long) (requests / rate * 500)));
    proxy.dropAll();
    sending.get();

    proxy.inject(FaultProxy.Faults.NONE);
    proxy.dropAll();
  }

  /**
   * Actions the broker committed although their answer was lost: those the outcome record calls
   * {@code unconfirmed}, as it should, and those it calls {@code failed}, which would be a false
   * record in the audit trail.
   */
  private record Committed(int reviews, int locks, List<String> loggedAsFailed) {}

  private Committed committedWithoutAnswer(Path log) {
    Map<String, String> reviewDecision = new HashMap<>();
    for (RequestObject request : deployment.admin.listRequests().items()) {
      for (Review review : request.reviews()) {
        if (review.decisionId() != null) {
          reviewDecision.put(request.id().value(), review.decisionId());
        }
      }
    }
    Map<String, Instant> lockCreated = new HashMap<>();
    for (AuditEvent event : deployment.auditTrail()) {
      if (event.type().equals("LOCK_CREATED")) {
        lockCreated.putIfAbsent(event.id(), event.time());
      }
    }

    int reviews = 0;
    int locks = 0;
    List<String> loggedAsFailed = new ArrayList<>();
    for (JsonNode record : Invariants.records(log)) {
      if (!record.path("phase").asText().equals("outcome")) {
        continue;
      }
      String decision = record.path("decisionId").asText();
      Instant recorded = Instant.parse(record.path("time").asText());
      for (JsonNode action : record.path("actions")) {
        String result = action.path("result").asText();
        String type = action.path("type").asText();
        Instant lockAt = lockCreated.get(action.path("lockId").asText());
        boolean committed =
            (type.equals("approve") || type.equals("deny"))
                    && decision.equals(reviewDecision.get(action.path("target").asText()))
                || type.equals("lock") && lockAt != null && lockAt.isBefore(recorded);
        if (committed && result.equals("failed")) {
          loggedAsFailed.add(decision + " " + type + " " + action.path("target").asText());
        } else if (committed && result.equals("unconfirmed")) {
          reviews += type.equals("lock") ? 0 : 1;
          locks += type.equals("lock") ? 1 : 0;
        }
      }
    }
    return new Committed(reviews, locks, loggedAsFailed);
  }

  /** The sum of every series of {@code name} whose labels contain {@code label}. */
  private static long sum(String metrics, String name, String label) {
    double total = 0;
    for (String line : metrics.lines().toList()) {
      Matcher series = SERIES.matcher(line);
      if (series.matches()
          && series.group(1).equals(name)
          && (series.group(2) == null ? "" : series.group(2)).contains(label)) {
        total += Double.parseDouble(series.group(3));
      }
    }
    return Math.round(total);
  }
}
