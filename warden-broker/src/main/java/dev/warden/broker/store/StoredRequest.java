package dev.warden.broker.store;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import java.util.List;

/**
 * An access request as the store holds it: the domain request, its reviews, oldest first, and the
 * version of its last change.
 */
public record StoredRequest(AccessRequest request, List<Review> reviews, long resourceVersion)
    implements StoredObject {

  /** The kind name of requests on the watch stream. */
  public static final String KIND = "request";

  public StoredRequest {
    reviews = List.copyOf(reviews);
    if (resourceVersion <= 0) {
      throw new IllegalArgumentException(
          "resource version of request " + request.id() + " must be positive: " + resourceVersion);
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String id() {
    return request.id().value();
  }

  public RequestId requestId() {
    return request.id();
  }

  public RequestState state() {
    return request.state();
  }
}
