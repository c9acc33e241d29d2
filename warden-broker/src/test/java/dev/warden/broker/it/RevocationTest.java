package dev.warden.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerException;
import dev.warden.api.client.BrokerUnreachableException;
import dev.warden.api.client.ProblemException;
import dev.warden.api.client.WatchStream;
import dev.warden.api.v1.IdentityObject;
import dev.warden.api.v1.NewLock;
import dev.warden.broker.ca.IssuedIdentity;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cutting an identity off: a lock on it, its deletion, or its certificate's expiry end its calls
 * and its open watch streams, which a TLS session alone would keep going.
 */
class RevocationTest {

  private static final Duration STREAM_IDLE = Duration.ofSeconds(5);
  private static TestBroker broker;
  private static BrokerClient admin;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
    admin = broker.client("root", "admin");
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void revokedWatcher_isRefusedAtOnce_andItsOpenStreamClosesWithinOneSecond() {
    BrokerClient watcher = broker.client("watcher-r", "watcher");
    WatchStream stream = watcher.watch(admin.listLocks().resourceVersion(), STREAM_IDLE);
    watcher.whoami();

    long revoked = System.nanoTime();
    admin.createLock(
        new NewLock(
            LockId.of("revoked-watcher-r"), new LockTarget.Identity("watcher-r"), "leaked", null));
    Duration closedAfter = untilClosed(stream, revoked);
    ProblemException refused = assertThrows(ProblemException.class, watcher::whoami);

    assertThat(closedAfter).isLessThan(Duration.ofSeconds(1));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.problem().typeName()).isEqualTo("identity-locked");
    assertThat(refused.problem().detail()).contains("revoked-watcher-r");
    IdentityObject inventory = admin.identity("watcher-r");
    assertThat(inventory.locked()).isTrue();
    assertThat(inventory.locks()).containsExactly("revoked-watcher-r");
  }

  @Test
  void deletedIdentity_isRefusedWith401_andItsOpenStreamCloses() {
    BrokerClient watcher = broker.client("watcher-d", "watcher");
    WatchStream stream = watcher.watch(admin.listLocks().resourceVersion(), STREAM_IDLE);

    long deleted = System.nanoTime();
    admin.deleteIdentity("watcher-d");
    Duration closedAfter = untilClosed(stream, deleted);
    ProblemException refused = assertThrows(ProblemException.class, watcher::whoami);

    assertThat(closedAfter).isLessThan(Duration.ofSeconds(1));
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.problem().detail()).contains("watcher-d was deleted");
  }

  @Test
  void streamOfAnExpiringCertificate_endsWhenTheCertificateExpires() {
    IssuedIdentity shortLived = broker.issue("watcher-e", Duration.ofSeconds(3), "watcher");
    BrokerClient watcher = broker.client(shortLived.asClientIdentity());
    Instant expires = shortLived.certificate().getNotAfter().toInstant();
    WatchStream stream = watcher.watch(admin.listLocks().resourceVersion(), STREAM_IDLE);

    untilClosed(stream, System.nanoTime());
    Instant closed = Instant.now();

    assertThat(closed).isAfterOrEqualTo(expires);
    assertThat(Duration.between(expires, closed)).isLessThan(Duration.ofSeconds(1));
    assertThrows(BrokerException.class, watcher::whoami);
  }

  /** Reads the stream until the broker ends it; the time from {@code since} until then. */
  private static Duration untilClosed(WatchStream stream, long since) {
    try (stream) {
      while (true) {
        stream.next();
      }
    } catch (BrokerUnreachableException e) {
      assertThat(e.getMessage()).contains("the broker ended the watch stream");
      return Duration.ofNanos(System.nanoTime() - since);
    }
  }
}
