package dev.warden.api.v1;

import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /v1/locks}.
 *
 * @param id the client's id for the lock, which makes creating it idempotent; null lets the broker
 *     choose one
 * @param expires when the lock stops being in force, or null for never
 */
public record NewLock(
    @Nullable LockId id, LockTarget target, String message, @Nullable Instant expires) {

  public NewLock {
    Fields.required(target, "target");
    message = Fields.textOrEmpty(message);
  }
}
