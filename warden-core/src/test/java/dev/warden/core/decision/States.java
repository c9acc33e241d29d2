package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.UserName;
import java.util.List;

/** User states for engine tests. */
public final class States {

  private States() {}

  /** Alice's state in the example catalog, without locks. */
  public static UserState alice(AccessRequest... requests) {
    return of(Catalogs.example(), "alice", List.of(requests), List.of());
  }

  /** Alice's state in the example catalog with these locks in place. */
  public static UserState alice(List<Lock> locks, AccessRequest... requests) {
    return of(Catalogs.example(), "alice", List.of(requests), locks);
  }

  public static UserState of(
      Catalog catalog, String user, List<AccessRequest> requests, List<Lock> locks) {
    return new UserState(catalog.userOrUnlisted(UserName.of(user)), requests, locks, catalog);
  }
}
