package dev.warden.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.ProblemException;
import dev.warden.api.client.WatchStream;
import dev.warden.api.v1.AuditEvent;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.WatchEvent;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --history-retention}: the broker compacts its watch history to the latest changes, so a
 * watch resuming from before them gets 410 Gone, while the audit trail stays whole.
 */
class HistoryRetentionTest {

  private static final long RETENTION = 5;
  private TestBroker broker;
  private BrokerClient admin;
  private BrokerClient watcher;

  @BeforeEach
  void start() {
    broker = TestBroker.start(config -> config.withHistoryRetention(RETENTION));
    admin = broker.client("root", "admin");
    watcher = broker.client("warden-watcher", "watcher");
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  @Test
  void watchFromBeforeTheRetainedChanges_is410_afterTheCompactorRan() throws Exception {
    long start = watcher.listRequests().resourceVersion();
    List<RequestObject> created = createSome(20);

    awaitGone(start);

    assertThatThrownBy(() -> watcher.watch(start))
        .isInstanceOf(ProblemException.HistoryCompactedException.class)
        .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(410));
    long recent = created.getLast().resourceVersion() - 2;
    try (WatchStream stream = watcher.watch(recent)) {
      WatchEvent next = stream.next();
      assertThat(next.resourceVersion()).isEqualTo(recent + 1);
    }
  }

  @Test
  void compaction_keepsTheAuditTrailWhole() throws Exception {
    long start = watcher.listRequests().resourceVersion();
    List<RequestObject> created = createSome(20);

    awaitGone(start);

    List<AuditEvent> audit = admin.events(start).items();
    assertThat(audit).hasSizeGreaterThanOrEqualTo(created.size());
    assertThat(audit.stream().map(AuditEvent::id))
        .containsAll(created.stream().map(r -> r.id().value()).toList());
  }

  private List<RequestObject> createSome(int count) {
    List<RequestObject> created = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      created.add(
          admin.createRequest(
              new NewRequest(
                  UserName.of("alice"),
                  List.of(RoleName.of("dev-db")),
                  List.of(),
                  "compaction test " + i,
                  Duration.ofHours(1))));
    }
    return created;
  }

  /** Waits for the once-a-second compactor to move the history past {@code version}. */
  private void awaitGone(long version) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (WatchStream stream = watcher.watch(version)) {
        Thread.sleep(100);
      } catch (ProblemException.HistoryCompactedException e) {
        return;
      }
    }
    throw new AssertionError("the history still reaches back to " + version + " after 10 s");
  }
}
