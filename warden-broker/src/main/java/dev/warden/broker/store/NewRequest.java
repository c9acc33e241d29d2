package dev.warden.broker.store;

import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a caller asks the store to create; the store adds the id, the state and the times.
 *
 * <p>Checking the roles and resources against the catalog is the caller's job: the store records
 * what it is given.
 */
public record NewRequest(
    UserName user, List<RoleName> roles, List<ResourceId> resources, String reason, Duration ttl) {

  public NewRequest {
    roles = List.copyOf(roles);
    resources = List.copyOf(resources);
    Objects.requireNonNull(reason, "reason");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException(
          "ttl of a request by " + user + " must be positive, not " + ttl);
    }
  }
}
