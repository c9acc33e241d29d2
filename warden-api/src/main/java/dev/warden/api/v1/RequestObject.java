package dev.warden.api.v1;

import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An access request as the API shows it.
 *
 * @param locked whether a lock in force targets the request, its user or one of its roles, at the
 *     time the broker rendered this object
 * @param active whether it is approved, not expired and not locked at that time
 * @param resourceVersion the resource version of the request's last change
 */
public record RequestObject(
    RequestId id,
    UserName user,
    List<RoleName> roles,
    List<ResourceId> resources,
    String reason,
    Duration ttl,
    RequestState state,
    Instant created,
    @Nullable Instant approved,
    @Nullable Instant expires,
    boolean locked,
    boolean active,
    List<Review> reviews,
    long resourceVersion) {

  public RequestObject {
    Fields.required(id, "id");
    Fields.required(user, "user");
    roles = Fields.listOrEmpty(roles);
    resources = Fields.listOrEmpty(resources);
    reason = Fields.textOrEmpty(reason);
    Fields.required(ttl, "ttl");
    Fields.required(state, "state");
    Fields.required(created, "created");
    reviews = Fields.listOrEmpty(reviews);
  }
}
