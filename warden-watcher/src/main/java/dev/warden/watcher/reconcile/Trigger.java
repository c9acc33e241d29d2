package dev.warden.watcher.reconcile;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Why a user is reconciled: a change of one object, or a resync.
 *
 * @param received when the watcher learned of it, the start of the decision latency it measures
 */
public record Trigger(
    String kind, @Nullable String id, @Nullable Long resourceVersion, Instant received) {

  public static Trigger resync(Instant received) {
    return new Trigger("resync", null, null, received);
  }

  public boolean isResync() {
    return kind.equals("resync");
  }
}
