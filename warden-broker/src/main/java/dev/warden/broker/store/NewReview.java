package dev.warden.broker.store;

import dev.warden.core.Identifiers;
import dev.warden.core.catalog.Catalog;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A review a caller submits; the store adds the author and the time.
 *
 * @param decisionId the reviewer's id for the decision, or null
 * @param catalog the catalog in force, whose role caps ({@code maxTtl}) bound an approval's expiry
 */
public record NewReview(
    ReviewDecision decision, String reason, @Nullable String decisionId, Catalog catalog) {

  public NewReview {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(catalog, "catalog");
    if (decisionId != null) {
      Identifiers.requireSafe("decision id", decisionId);
    }
  }

  public static NewReview approve(String reason, @Nullable String decisionId, Catalog catalog) {
    return new NewReview(ReviewDecision.APPROVE, reason, decisionId, catalog);
  }

  public static NewReview deny(String reason, @Nullable String decisionId, Catalog catalog) {
    return new NewReview(ReviewDecision.DENY, reason, decisionId, catalog);
  }
}
