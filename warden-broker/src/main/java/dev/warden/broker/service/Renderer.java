package dev.warden.broker.service;

import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.Review;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.api.v1.WatchEvent;
import dev.warden.broker.store.ChangeEvent;
import dev.warden.broker.store.StoredLock;
import dev.warden.broker.store.StoredRequest;
import dev.warden.broker.watch.LockIndex;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockTarget;
import dev.warden.core.catalog.RoleName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns stored objects into wire objects, computing {@code locked} and {@code active} from the
 * locks in force at the moment of rendering.
 */
public final class Renderer {

  private Renderer() {}

  /** The wire form of a request given the current locks. */
  public static RequestObject request(StoredRequest stored, LockIndex locks, Instant now) {
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
  public static WatchEvent change(ChangeEvent change, LockIndex locks, Instant now) {
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
  public static boolean isLocked(AccessRequest request, LockIndex locks, Instant now) {
    return !touching(request, locks, now).isEmpty();
  }

  /** The locks in force at {@code now} that target the request, its user or one of its roles. */
  public static List<Lock> touching(AccessRequest request, LockIndex locks, Instant now) {
    List<Lock> touching = new ArrayList<>(0);
    addInForce(locks.on(new LockTarget.Request(request.id())), now, touching);
    addInForce(locks.on(new LockTarget.User(request.user())), now, touching);
    for (RoleName role : request.roles()) {
      addInForce(locks.on(new LockTarget.Role(role)), now, touching);
    }
    return touching;
  }

  private static void addInForce(List<Lock> locks, Instant now, List<Lock> into) {
    for (Lock lock : locks) {
      if (lock.inForceAt(now)) {
        into.add(lock);
      }
    }
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
