package dev.warden.broker.store;

import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import java.time.Instant;

/**
 * A lock as the store holds it: the domain lock, who created it and when, and the version of its
 * last change.
 */
public record StoredLock(Lock lock, Actor createdBy, Instant created, long resourceVersion)
    implements StoredObject {

  /** The kind name of locks on the watch stream. */
  public static final String KIND = "lock";

  public StoredLock {
    if (resourceVersion <= 0) {
      throw new IllegalArgumentException(
          "resource version of lock " + lock.id() + " must be positive: " + resourceVersion);
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String id() {
    return lock.id().value();
  }

  public LockId lockId() {
    return lock.id();
  }
}
