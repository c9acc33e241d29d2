package dev.warden.core.decision;

import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One step a decision asks the watcher to carry out, in order. */
public sealed interface Action {

  /** The spelling used in the decision log: approve, deny or lock. */
  String type();

  /** Approve the pending request. Always the last action of its decision. */
  record Approve(RequestId request, String reason) implements Action {
    @Override
    public String type() {
      return "approve";
    }
  }

  /** Deny the pending request. */
  record Deny(RequestId request, String reason) implements Action {
    @Override
    public String type() {
      return "deny";
    }
  }

  /**
   * Create a lock.
   *
   * @param rule the rule that asked for it
   * @param expires when the lock ends: the locked grant's expiry, or null until removed
   */
  record Lock(LockId id, LockTarget target, String rule, String message, @Nullable Instant expires)
      implements Action {
    @Override
    public String type() {
      return "lock";
    }
  }
}
