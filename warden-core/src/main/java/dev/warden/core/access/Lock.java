package dev.warden.core.access;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A lock suspends access while it is in force.
 *
 * @param expires when the lock stops being in force, or null for "until a person removes it"
 */
public record Lock(LockId id, LockTarget target, String message, @Nullable Instant expires) {

  public Lock {
    Objects.requireNonNull(message, "message");
  }

  /** Whether the lock is in force at {@code now}. */
  public boolean inForceAt(Instant now) {
    return expires == null || now.isBefore(expires);
  }
}
