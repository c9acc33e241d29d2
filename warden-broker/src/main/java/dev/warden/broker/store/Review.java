package dev.warden.broker.store;

import dev.warden.core.Identifiers;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One review recorded on a request: who decided what, why, and when.
 *
 * @param decisionId the reviewer's own id for the decision (the watcher's decision log entry), or
 *     null when the reviewer gave none
 */
public record Review(
    Actor author,
    ReviewDecision decision,
    String reason,
    @Nullable String decisionId,
    Instant time) {

  public Review {
    Objects.requireNonNull(reason, "reason");
    if (decisionId != null) {
      Identifiers.requireSafe("decision id", decisionId);
    }
  }
}
