package dev.warden.broker.store;

import static dev.warden.broker.store.Fixtures.ALICE;
import static dev.warden.broker.store.Fixtures.CATALOG;
import static dev.warden.broker.store.Fixtures.PROD_DB;
import static dev.warden.broker.store.Fixtures.T0;
import static dev.warden.broker.store.Fixtures.WATCHER;
import static dev.warden.broker.store.Fixtures.WEB_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotsTest {

  private final Snapshots snapshots = new Snapshots();

  @Test
  void request_withReviewsAndApproval_readsBackEqual() {
    AccessRequest approved =
        AccessRequest.pending(
                RequestId.of("r-abc"),
                UserName.of("alice"),
                List.of(PROD_DB),
                List.of(WEB_1),
                "INC-42 \"quoted\" and unicode é",
                Duration.ofMinutes(90),
                T0)
            .approvedAt(T0.plusSeconds(30), CATALOG);
    StoredRequest stored =
        new StoredRequest(
            approved,
            List.of(
                new Review(WATCHER, ReviewDecision.APPROVE, "ok", "d-1", T0.plusSeconds(30)),
                new Review(ALICE, ReviewDecision.DENY, "late", null, T0.plusSeconds(31))),
            7);

    StoredObject read = snapshots.read("request", snapshots.write(stored));

    assertThat(read).isEqualTo(stored);
  }

  @Test
  void lock_ofEveryTargetKind_readsBackEqual() {
    List<LockTarget> targets =
        List.of(
            new LockTarget.Request(RequestId.of("r-abc")),
            new LockTarget.User(UserName.of("alice")),
            new LockTarget.Role(PROD_DB),
            new LockTarget.Identity("ci-bot"));

    for (LockTarget target : targets) {
      StoredLock stored =
          new StoredLock(
              new Lock(LockId.of("l-" + target.kind()), target, "m", null), ALICE, T0, 3);

      assertThat(snapshots.read("lock", snapshots.write(stored))).isEqualTo(stored);
    }
  }

  @Test
  void read_ofDamagedJson_failsNamingTheKindAndTheField() {
    assertThatThrownBy(() -> snapshots.readRequest("{\"id\": \"r-1\"}"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("stored request cannot be read")
        .hasMessageContaining("'user'");
  }
}
