package dev.warden.core.access;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user's request for roles and resources for a while. Once approved it is a grant.
 *
 * @param ttl how long the access should last once approved
 * @param approved when it was approved, or null while it is not
 * @param expires when approved access ends: {@code approved + ttl}, capped by the roles' {@code
 *     maxTtl}; null until approved
 */
public record AccessRequest(
    RequestId id,
    UserName user,
    List<RoleName> roles,
    List<ResourceId> resources,
    String reason,
    Duration ttl,
    RequestState state,
    Instant created,
    @Nullable Instant approved,
    @Nullable Instant expires) {

  public AccessRequest {
    roles = List.copyOf(roles);
    resources = List.copyOf(resources);
    Objects.requireNonNull(reason, "reason");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl of request " + id + " must be positive");
    }
    if (state == RequestState.APPROVED && (approved == null || expires == null)) {
      throw new IllegalArgumentException(
          "request " + id + " is APPROVED and so needs both approved and expires");
    }
  }

  /** A new pending request. */
  public static AccessRequest pending(
      RequestId id,
      UserName user,
      List<RoleName> roles,
      List<ResourceId> resources,
      String reason,
      Duration ttl,
      Instant created) {
    return new AccessRequest(
        id, user, roles, resources, reason, ttl, RequestState.PENDING, created, null, null);
  }

  /**
   * This request approved at {@code at}, its expiry computed from the ttl and capped by the {@code
   * maxTtl} of every role the catalog lists for it.
   */
  public AccessRequest approvedAt(Instant at, Catalog catalog) {
    return new AccessRequest(
        id,
        user,
        roles,
        resources,
        reason,
        ttl,
        RequestState.APPROVED,
        created,
        at,
        at.plus(effectiveTtl(catalog)));
  }

  /** The ttl this request will get: its own, capped by the shortest {@code maxTtl} of its roles. */
  public Duration effectiveTtl(Catalog catalog) {
    Duration effective = ttl;
    // Indexed: a replay approves hundreds of thousands of requests, and the iterator was a
    // measurable part of what approving allocated.
    for (int i = 0; i < roles.size(); i++) {
      Duration cap = catalog.role(roles.get(i)).map(Role::maxTtl).orElse(null);
      if (cap != null && cap.compareTo(effective) < 0) {
        effective = cap;
      }
    }
    return effective;
  }

  /** This request in another state, keeping everything else. */
  public AccessRequest withState(RequestState newState) {
    return new AccessRequest(
        id, user, roles, resources, reason, ttl, newState, created, approved, expires);
  }

  public boolean isPending() {
    return state == RequestState.PENDING;
  }

  /** Whether approved access has not yet run out at {@code now}; ignores locks. */
  public boolean isUnexpiredGrantAt(Instant now) {
    return state == RequestState.APPROVED && expires != null && now.isBefore(expires);
  }
}
