package dev.warden.api.v1;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One review of a request, as recorded.
 *
 * @param author the name of the identity that reviewed
 * @param decisionId the reviewer's own id for the decision (the watcher's decision log id), or null
 */
public record Review(
    String author,
    ReviewDecision decision,
    String reason,
    @Nullable String decisionId,
    Instant time) {

  public Review {
    Fields.required(author, "author");
    Fields.required(decision, "decision");
    reason = Fields.textOrEmpty(reason);
    Fields.required(time, "time");
  }
}
