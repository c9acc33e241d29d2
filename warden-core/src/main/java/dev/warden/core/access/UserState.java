package dev.warden.core.access;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@code decide} needs to know about one user: their requests, the locks that could
 * touch them, and the catalog.
 *
 * <p>{@code requests} holds the user's pending, approved and recently decided requests, in any
 * order; requests of other users are a caller's bug and rejected. {@code locks} may hold locks on
 * other users or roles: only those that target this user, their requests or their roles matter.
 */
public record UserState(
    User user, List<AccessRequest> requests, List<Lock> locks, Catalog catalog) {

  public UserState {
    requests = List.copyOf(requests);
    locks = List.copyOf(locks);
    // Indexed rather than iterated: a replay builds a state for every decision it makes.
    for (int i = 0; i < requests.size(); i++) {
      AccessRequest request = requests.get(i);
      if (!request.user().equals(user.name())) {
        throw new IllegalArgumentException(
            "request " + request.id() + " belongs to " + request.user() + ", not " + user.name());
      }
    }
  }

  public Optional<AccessRequest> request(RequestId id) {
    for (AccessRequest request : requests) {
      if (request.id().equals(id)) {
        return Optional.of(request);
      }
    }
    return Optional.empty();
  }

  /** Whether a lock in force at {@code now} targets the request, its user or one of its roles. */
  public boolean isLocked(AccessRequest request, Instant now) {
    for (int i = 0; i < locks.size(); i++) {
      Lock lock = locks.get(i);
      if (lock.inForceAt(now) && targets(lock.target(), request)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the grant is active at {@code now}: approved, not expired and not locked. */
  public boolean isActive(AccessRequest request, Instant now) {
    return request.isUnexpiredGrantAt(now) && !isLocked(request, now);
  }

  /** The user's active grants at {@code now}, in the order of {@link #requests()}. */
  public List<AccessRequest> activeGrants(Instant now) {
    List<AccessRequest> active = new ArrayList<>();
    for (AccessRequest request : requests) {
      if (isActive(request, now)) {
        active.add(request);
      }
    }
    return active;
  }

  private static boolean targets(LockTarget target, AccessRequest request) {
    return switch (target) {
      case LockTarget.Request r -> r.id().equals(request.id());
      case LockTarget.User u -> u.name().equals(request.user());
      case LockTarget.Role r -> containsRole(request, r.name());
      case LockTarget.Identity i -> false;
    };
  }

  private static boolean containsRole(AccessRequest request, RoleName role) {
    return request.roles().contains(role);
  }
}
