package dev.warden.api.v1;

import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A lock as the API shows it.
 *
 * @param target on the wire an object with exactly one of {@code request}, {@code user}, {@code
 *     role} or {@code identity}
 * @param expires when the lock stops being in force, or null for never
 * @param inForce whether the lock was in force when the broker rendered this object
 * @param resourceVersion the resource version of the lock's last change
 */
public record LockObject(
    LockId id,
    LockTarget target,
    String message,
    @Nullable Instant expires,
    boolean inForce,
    long resourceVersion) {

  public LockObject {
    Fields.required(id, "id");
    Fields.required(target, "target");
    message = Fields.textOrEmpty(message);
  }

  /** The core lock this object describes. */
  public Lock toLock() {
    return new Lock(id, target, message, expires);
  }
}
