package dev.warden.core.decision;

import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Locks a person put in place, for engine tests. */
public final class Locks {

  private Locks() {}

  public static Lock onRequest(String requestId, @Nullable Instant expires) {
    return lock("lock-" + requestId, new LockTarget.Request(RequestId.of(requestId)), expires);
  }

  public static Lock onRole(String role, @Nullable Instant expires) {
    return lock("lock-role-" + role, new LockTarget.Role(RoleName.of(role)), expires);
  }

  public static Lock onUser(String user, @Nullable Instant expires) {
    return lock("lock-user-" + user, new LockTarget.User(UserName.of(user)), expires);
  }

  private static Lock lock(String id, LockTarget target, @Nullable Instant expires) {
    return new Lock(LockId.of(id), target, "locked by a person in a test", expires);
  }
}
