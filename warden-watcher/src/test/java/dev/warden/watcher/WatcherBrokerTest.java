package dev.warden.watcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.RequestObject;
import dev.warden.broker.Broker;
import dev.warden.core.access.LockId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import dev.warden.core.policy.Mode;
import dev.warden.watcher.log.LogVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher against a real broker over mTLS, enforcing the shipped example policy. */
class WatcherBrokerTest {

  @TempDir Path dir;
  private Harness harness;

  @BeforeEach
  void start() throws Exception {
    harness = Harness.start(dir);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  /**
   * A watcher whose connection broke used to list everything again instead of resuming its watch,
   * so it never met a 410 and every broker restart cost a full listing. Here the history the
   * watcher would resume from is compacted while it cannot connect: resuming gets 410 Gone, which
   * proves it resumed, and the relist then decides what it missed.
   */
  @Test
  void brokerBackWithCompactedHistory_watcherResumesFromItsVersion_gets410_andRelists()
      throws Exception {
    Watcher watcher = harness.startWatcher(Mode.ENFORCE);
    RequestObject first = harness.request("alice", List.of("dev-db"), List.of());
    harness.awaitDecided(first.id());
    int port = harness.broker.port();
    harness.broker.close();

    // Elsewhere, out of the watcher's reach: changes, then a compaction past them.
    Broker aside = harness.startBroker(0, config -> config.withHistoryRetention(1));
    BrokerClient admin = BrokerClient.connect(aside.uri(), dir.resolve("admin"));
    List<RequestObject> missed = new ArrayList<>();
    for (String user : List.of("bob", "carol", "dave")) {
      missed.add(
          admin.createRequest(
              new NewRequest(
                  UserName.of(user),
                  List.of(RoleName.of("dev-db")),
                  List.of(),
                  "INC-42 debugging the checkout",
                  Duration.ofHours(4))));
    }
    Thread.sleep(2_500);
    aside.close();
    harness.broker = harness.startBroker(port, config -> config.withHistoryRetention(1));

    for (RequestObject request : missed) {
      assertThat(harness.awaitDecided(request.id()).state()).isEqualTo(RequestState.APPROVED);
    }
    assertThat(watcher.metrics().counter("warden_watch_history_gone_total")).isPositive();
  }

  @Test
  void requestForFourResources_isDeniedNamingFourAndThree() throws Exception {
    harness.startWatcher(Mode.ENFORCE);

    RequestObject created =
        harness.request(
            "alice",
            List.of(),
            List.of("node/prod-web-1", "node/prod-web-2", "db/prod-orders", "db/prod-payments"));
    RequestObject decided = harness.awaitDecided(created.id());

    assertThat(decided.state()).isEqualTo(RequestState.DENIED);
    assertThat(decided.reviews()).hasSize(1);
    assertThat(decided.reviews().get(0).author()).isEqualTo("watcher");
    assertThat(decided.reviews().get(0).reason()).contains("4 resources").contains("limit is 3");
    assertThat(decided.reviews().get(0).decisionId()).isNotBlank();
  }

  @Test
  void researchAfterProduction_approvesResearchAndLocksProduction() throws Exception {
    harness.startWatcher(Mode.ENFORCE);

    RequestObject production = harness.request("alice", List.of("prod-db"), List.of());
    RequestObject approvedProduction = harness.awaitDecided(production.id());
    RequestObject research = harness.request("alice", List.of("research-notebook"), List.of());
    RequestObject approvedResearch = harness.awaitDecided(research.id());
    RequestObject lockedProduction = harness.await(production.id(), RequestObject::locked);

    assertThat(approvedProduction.state()).isEqualTo(RequestState.APPROVED);
    assertThat(approvedResearch.state()).isEqualTo(RequestState.APPROVED);
    assertThat(lockedProduction.active()).isFalse();
    LockObject lock =
        harness.admin.getLock(
            LockId.of("warden-production-research-separation-" + production.id().value()));
    assertThat(lock.expires()).isEqualTo(approvedProduction.expires());
  }

  @Test
  void dryRun_actsOnNothingButRecordsEverything() throws Exception {
    harness.startWatcher(Mode.DRY_RUN);

    RequestObject created = harness.request("bob", List.of("dev-db"), List.of());
    Thread.sleep(1500);

    assertThat(harness.admin.getRequest(created.id()).state()).isEqualTo(RequestState.PENDING);
    harness.stopWatcher();
    List<String> lines = Files.readAllLines(harness.decisionLog);
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"result\":\"dry-run\""));
    assertThat(lines.stream().filter(l -> l.contains(created.id().value())).count())
        .as("one intent and one outcome, not one per resync")
        .isEqualTo(2);
    assertThat(LogVerifier.verify(harness.decisionLog).ok()).isTrue();
  }

  @Test
  void restart_neitherLosesNorRepeatsActions() throws Exception {
    harness.startWatcher(Mode.ENFORCE);
    RequestObject first = harness.request("bob", List.of("dev-db"), List.of());
    harness.awaitDecided(first.id());
    harness.stopWatcher();

    RequestObject whileDown = harness.request("bob", List.of("dev-admin"), List.of());
    harness.startWatcher(Mode.ENFORCE);
    RequestObject decided = harness.awaitDecided(whileDown.id());
    Thread.sleep(500);
    harness.stopWatcher();

    assertThat(decided.state()).isEqualTo(RequestState.APPROVED);
    assertThat(harness.admin.getRequest(first.id()).reviews()).hasSize(1);
    LogVerifier.Result log = LogVerifier.verify(harness.decisionLog);
    assertThat(log.ok()).isTrue();
    // Two decisions of two records each, and the signed shutdown checkpoint of each run.
    assertThat(log.records()).isEqualTo(6);
  }
}
