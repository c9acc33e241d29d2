package dev.warden.broker.store;

import dev.warden.core.access.RequestId;

/** What became of a review: applied, refused because the request moved on, or no such request. */
public sealed interface ReviewOutcome {

  /** The review was applied; {@code request} is the request after it. */
  record Reviewed(StoredRequest request) implements ReviewOutcome {}

  /** The request was no longer pending; {@code current} is how it stands. Nothing was written. */
  record Conflict(StoredRequest current) implements ReviewOutcome {}

  /** No request has this id. */
  record NotFound(RequestId id) implements ReviewOutcome {}
}
