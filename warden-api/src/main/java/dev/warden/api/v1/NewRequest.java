package dev.warden.api.v1;

import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /v1/requests}.
 *
 * @param user whom the request is for; null means the caller, and only an admin may name another
 * @param ttl how long access should last once approved; null means the broker's default (one hour,
 *     capped by the roles' {@code maxTtl} on approval)
 */
public record NewRequest(
    @Nullable UserName user,
    List<RoleName> roles,
    List<ResourceId> resources,
    String reason,
    @Nullable Duration ttl) {

  public NewRequest {
    roles = Fields.listOrEmpty(roles);
    resources = Fields.listOrEmpty(resources);
    Fields.required(reason, "reason");
  }

  /** A request for the caller. */
  public static NewRequest forCaller(
      List<RoleName> roles, List<ResourceId> resources, String reason, Duration ttl) {
    return new NewRequest(null, roles, resources, reason, ttl);
  }
}
