package dev.warden.broker.service;

import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.Review;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.api.v1.WatchEvent;
import dev.warden.broker.store.ChangeEvent;
import dev.warden.broker.store.StoredLock;
import dev.warden.broker.store.StoredRequest;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockTarget;
import java.time.Instant;
import java.util.List;

/**
 * Turns stored objects into wire objects, computing {@code locked} and {@code active} from the
 * locks in force at the moment of rendering.
 */
public final class Renderer {

  private Renderer() {}

  /** The wire form of a request given all current locks. */
  public static RequestObject request(StoredRequest stored, List<Lock> locks, Instant now) {
    AccessRequest request = stored.request();
    boolean locked = isLocked(request, locks, now);
    return new RequestObject(
        request.id(),
        request.user(),
        request.roles(),
        request.resources(),
        request.reason(),
        request.ttl(),
        request.state(),
        request.created(),
        request.approved(),
        request.expires(),
        locked,
        request.isUnexpiredGrantAt(now) && !locked,
        stored.reviews().stream().map(Renderer::review).toList(),
        stored.resourceVersion());
  }

  public static LockObject lock(StoredLock stored, Instant now) {
    Lock lock = stored.lock();
    return new LockObject(
        lock.id(),
        lock.target(),
        lock.message(),
        lock.expires(),
        lock.inForceAt(now),
        stored.resourceVersion());
  }

  /** The watch line of a stored change. */
  public static WatchEvent change(ChangeEvent change, List<Lock> locks, Instant now) {
    WatchEvent.ChangeType type = WatchEvent.ChangeType.valueOf(change.type().name());
    return switch (change.object()) {
      case StoredRequest request ->
          new WatchEvent.RequestChange(
              type, request(request, locks, now), change.resourceVersion());
      case StoredLock lock ->
          new WatchEvent.LockChange(type, lock(lock, now), change.resourceVersion());
    };
  }

  /** Whether a lock in force at {@code now} targets the request, its user or one of its roles. */
  public static boolean isLocked(AccessRequest request, List<Lock> locks, Instant now) {
    for (Lock lock : locks) {
      if (lock.inForceAt(now) && targets(lock.target(), request)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a lock in force at {@code now} targets the request's user, its roles or it. */
  public static boolean touches(Lock lock, AccessRequest request, Instant now) {
    return lock.inForceAt(now) && targets(lock.target(), request);
  }

  private static boolean targets(LockTarget target, AccessRequest request) {
    return switch (target) {
      case LockTarget.Request r -> r.id().equals(request.id());
      case LockTarget.User u -> u.name().equals(request.user());
      case LockTarget.Role r -> request.roles().contains(r.name());
      case LockTarget.Identity i -> false;
    };
  }

  private static Review review(dev.warden.broker.store.Review review) {
    return new Review(
        review.author().name(),
        ReviewDecision.valueOf(review.decision().name()),
        review.reason(),
        review.decisionId(),
        review.time());
  }
}
