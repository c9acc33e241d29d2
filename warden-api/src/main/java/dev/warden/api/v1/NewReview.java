package dev.warden.api.v1;

import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /v1/requests/{id}/reviews}.
 *
 * @param decisionId the reviewer's own id for this decision, recorded in the audit trail, or null
 */
public record NewReview(ReviewDecision decision, String reason, @Nullable String decisionId) {

  public NewReview {
    Fields.required(decision, "decision");
    reason = Fields.textOrEmpty(reason);
  }
}
