package dev.warden.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.ProblemException;
import dev.warden.api.client.WatchStream;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.WatchEvent;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The watch stream, expiry on time, concurrent reviews and catalog reloads, over HTTPS. */
class WatchAndTimeTest {

  private static final Duration PENDING_TTL = Duration.ofSeconds(2);
  private static TestBroker broker;
  private static BrokerClient admin;
  private static BrokerClient watcher;

  @BeforeAll
  static void start() {
    broker = TestBroker.start(config -> config.withPendingTtl(PENDING_TTL));
    admin = broker.client("root", "admin");
    watcher = broker.client("warden-watcher", "watcher");
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static RequestObject create(String reason) {
    return admin.createRequest(
        new NewRequest(
            UserName.of("alice"),
            List.of(RoleName.of("dev-db")),
            List.of(),
            reason,
            Duration.ofHours(1)));
  }

  private static WatchEvent nextChange(WatchStream stream) {
    while (true) {
      WatchEvent event = stream.next();
      if (!(event instanceof WatchEvent.Bookmark)) {
        return event;
      }
    }
  }

  private static WatchEvent nextAdded(WatchStream stream) {
    while (true) {
      WatchEvent event = nextChange(stream);
      if (event instanceof WatchEvent.RequestChange change
          && change.type() == WatchEvent.ChangeType.ADDED) {
        return event;
      }
    }
  }

  /** Requests of other tests expire meanwhile; this skips their events. */
  private static WatchEvent nextLockChange(WatchStream stream) {
    while (true) {
      WatchEvent event = stream.next();
      if (event instanceof WatchEvent.LockChange) {
        return event;
      }
    }
  }

  @Test
  void watch_resumesAfterN_inOrder_thenLive() {
    RequestObject first = create("one");
    RequestObject second = create("two");
    RequestObject third = create("three");

    try (WatchStream stream = watcher.watch(first.resourceVersion())) {
      WatchEvent a = nextChange(stream);
      WatchEvent b = nextChange(stream);
      RequestObject live = create("four");
      WatchEvent c = nextAdded(stream);

      assertThat(List.of(a, b, c))
          .extracting(WatchEvent::resourceVersion)
          .containsExactly(
              second.resourceVersion(), third.resourceVersion(), live.resourceVersion());
      assertThat(a)
          .isInstanceOfSatisfying(
              WatchEvent.RequestChange.class,
              e -> {
                assertThat(e.type()).isEqualTo(WatchEvent.ChangeType.ADDED);
                assertThat(e.object().id()).isEqualTo(second.id());
              });
    }
  }

  @Test
  void watch_streamsLockAddAndDelete() {
    long from = admin.listLocks().resourceVersion();
    LockId id = LockId.of("warden-watch-test");

    try (WatchStream stream = watcher.watch(from)) {
      watcher.createLock(new NewLock(id, new LockTarget.User(UserName.of("dave")), "m", null));
      watcher.deleteLock(id);
      WatchEvent added = nextLockChange(stream);
      WatchEvent deleted = nextLockChange(stream);

      assertThat(added)
          .isInstanceOfSatisfying(
              WatchEvent.LockChange.class,
              e -> assertThat(e.type()).isEqualTo(WatchEvent.ChangeType.ADDED));
      assertThat(deleted)
          .isInstanceOfSatisfying(
              WatchEvent.LockChange.class,
              e -> {
                assertThat(e.type()).isEqualTo(WatchEvent.ChangeType.DELETED);
                assertThat(e.object().id()).isEqualTo(id);
              });
    }
  }

  @Test
  void watch_sendsBookmarksCarryingTheLastVersion() {
    RequestObject last = create("bookmark");

    try (WatchStream stream = watcher.watch(last.resourceVersion())) {
      WatchEvent event = stream.poll(Duration.ofSeconds(3));

      assertThat(event).isInstanceOf(WatchEvent.Bookmark.class);
      assertThat(event.resourceVersion()).isGreaterThanOrEqualTo(last.resourceVersion());
    }
  }

  @Test
  void watch_fromCompactedVersion_is410() {
    create("compact me");
    broker.broker.store().compact(broker.broker.store().currentVersion());

    assertThatThrownBy(() -> watcher.watch(0))
        .isInstanceOf(ProblemException.HistoryCompactedException.class)
        .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(410));
  }

  @Test
  void pendingRequest_expiresWithinOneSecondOfItsDueTime_andIsStreamed() {
    RequestObject request = create("expire me");
    Instant due = request.created().plus(PENDING_TTL);

    Instant seen = null;
    try (WatchStream stream = watcher.watch(request.resourceVersion())) {
      while (seen == null) {
        WatchEvent event = stream.next();
        if (event instanceof WatchEvent.RequestChange change
            && change.object().id().equals(request.id())
            && change.object().state() == RequestState.EXPIRED) {
          seen = Instant.now();
        }
      }
    }

    assertThat(Duration.between(due, seen)).isLessThan(Duration.ofSeconds(1));
    assertThat(admin.getRequest(request.id()).state()).isEqualTo(RequestState.EXPIRED);
  }

  @Test
  void catalogReload_takesAGoodFile_andKeepsTheOldOneForABadFile() throws Exception {
    var file = broker.broker.catalog().file();
    String original = Files.readString(file);
    try {
      Files.writeString(
          file, original.replace("- name: dev-db", "- name: dev-db\n  - name: qa-db"));
      boolean tookGood = broker.broker.catalog().reload();
      Files.writeString(file, "roles:\n  - name: [broken\n");
      boolean tookBad = broker.broker.catalog().reload();

      assertThat(tookGood).isTrue();
      assertThat(tookBad).isFalse();
      assertThat(admin.catalog().roles()).extracting(r -> r.name().value()).contains("qa-db");
    } finally {
      Files.writeString(file, original);
      broker.broker.catalog().reload();
    }
  }
}
