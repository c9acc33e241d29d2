package dev.warden.broker.store;

import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Shared test values: actors, requests, locks and a catalog with one capped role. */
final class Fixtures {

  static final Actor ALICE = new Actor("alice", "1a2b3c");
  static final Actor WATCHER = new Actor("watcher", "c0ffee01");
  static final Actor SYSTEM = Actor.system("warden-broker");

  static final RoleName PROD_DB = RoleName.of("prod-db");
  static final RoleName STAGING = RoleName.of("staging");
  static final ResourceId WEB_1 = ResourceId.of("node/prod-web-1");

  /** {@code prod-db} may be granted for at most two hours; {@code staging} has no cap. */
  static final Catalog CATALOG =
      new Catalog(
          List.of(
              new Role(PROD_DB, Map.of("env", "production"), Duration.ofHours(2)),
              new Role(STAGING, Map.of("env", "staging"), null)),
          List.of(new Resource(WEB_1, Map.of("env", "production"))),
          List.of());

  static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");

  private Fixtures() {}

  static NewRequest request(String user) {
    return request(user, PROD_DB, Duration.ofHours(4));
  }

  static NewRequest request(String user, RoleName role, Duration ttl) {
    return new NewRequest(
        UserName.of(user), List.of(role), List.of(WEB_1), "INC-42 debugging", ttl);
  }

  static NewReview approve() {
    return NewReview.approve("within policy", "d-approve-1", CATALOG);
  }

  static NewReview deny() {
    return NewReview.deny("outside policy", "d-deny-1", CATALOG);
  }

  static Lock userLock(String id, String user, @Nullable Instant expires) {
    return new Lock(LockId.of(id), new LockTarget.User(UserName.of(user)), "suspended", expires);
  }
}
