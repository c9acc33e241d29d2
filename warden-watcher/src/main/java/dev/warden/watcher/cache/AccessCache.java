package dev.warden.watcher.cache;

import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.WatchEvent;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The requests and locks of the access plane as the watcher last saw them, indexed by user.
 *
 * <p>Every object carries the resource version of its last change, and an update older than what
 * the cache holds is ignored. That is what lets events arrive twice, out of order, or interleaved
 * with a relist without the cache ever going back in time.
 *
 * <p>Decided requests are kept only while a rule may still look at them (the policy's longest
 * window); older ones are pruned, so memory follows the live state, not the history.
 */
public final class AccessCache {

  private record Entry(AccessRequest request, long resourceVersion) {}

  private record LockEntry(Lock lock, long resourceVersion) {}

  private final Map<RequestId, Entry> requests = new HashMap<>();
  private final Map<UserName, Set<RequestId>> byUser = new HashMap<>();
  private final Map<LockId, LockEntry> locks = new HashMap<>();
  private final Map<LockTarget, Set<LockId>> locksByTarget = new HashMap<>();
  private final Map<LockId, Long> deletedLocks = new HashMap<>();
  private long resourceVersion;

  /** The highest resource version the cache has seen. */
  public synchronized long resourceVersion() {
    return resourceVersion;
  }

  /**
   * Merges a full listing. Objects the listing shows at a newer version replace what the cache
   * holds; locks the cache holds at or below the listing's version but the listing lacks were
   * deleted. Objects the cache saw after the listing was taken are kept.
   *
   * @return the users whose state may have changed
   */
  public synchronized Set<UserName> replace(
      List<RequestObject> listed, List<LockObject> listedLocks, long listingVersion) {
    Set<UserName> affected = new LinkedHashSet<>();
    for (RequestObject object : listed) {
      if (putRequest(object)) {
        affected.add(object.user());
      }
    }
    Set<LockId> present = new HashSet<>();
    for (LockObject object : listedLocks) {
      present.add(object.id());
      if (putLock(object.toLock(), object.resourceVersion())) {
        affected.addAll(usersTouchedBy(object.target()));
      }
    }
    for (LockEntry entry : List.copyOf(locks.values())) {
      if (!present.contains(entry.lock().id()) && entry.resourceVersion() <= listingVersion) {
        removeLock(entry.lock().id());
        affected.addAll(usersTouchedBy(entry.lock().target()));
      }
    }
    resourceVersion = Math.max(resourceVersion, listingVersion);
    return affected;
  }

  /**
   * Applies one watch event.
   *
   * @return the users whose state may have changed; empty for a bookmark or a stale event
   */
  public synchronized Set<UserName> apply(WatchEvent event) {
    resourceVersion = Math.max(resourceVersion, event.resourceVersion());
    return switch (event) {
      case WatchEvent.Bookmark bookmark -> Set.of();
      case WatchEvent.RequestChange change ->
          putRequest(change.object()) ? Set.of(change.object().user()) : Set.of();
      case WatchEvent.LockChange change -> applyLock(change);
    };
  }

  private Set<UserName> applyLock(WatchEvent.LockChange change) {
    LockObject object = change.object();
    if (change.type() == WatchEvent.ChangeType.DELETED) {
      LockEntry current = locks.get(object.id());
      if (current != null && current.resourceVersion() > change.resourceVersion()) {
        return Set.of();
      }
      removeLock(object.id());
      deletedLocks.put(object.id(), change.resourceVersion());
      return usersTouchedBy(object.target());
    }
    Long deletedAt = deletedLocks.get(object.id());
    if (deletedAt != null && deletedAt >= change.resourceVersion()) {
      return Set.of();
    }
    return putLock(object.toLock(), change.resourceVersion())
        ? usersTouchedBy(object.target())
        : Set.of();
  }

  /** Records a request as the watcher's own call returned it, ahead of its watch event. */
  public synchronized void observed(RequestObject object) {
    putRequest(object);
    resourceVersion = Math.max(resourceVersion, object.resourceVersion());
  }

  /** Records a lock as the watcher's own call returned it, ahead of its watch event. */
  public synchronized void observed(LockObject object) {
    putLock(object.toLock(), object.resourceVersion());
  }

  /** Every user the cache holds requests of. */
  public synchronized Set<UserName> users() {
    return Set.copyOf(byUser.keySet());
  }

  public synchronized int requestCount() {
    return requests.size();
  }

  public synchronized int lockCount() {
    return locks.size();
  }

  /**
   * Everything {@code decide} needs about one user: their pending and approved requests, those
   * decided within {@code window} before now, and the locks that could touch them.
   */
  public synchronized UserState stateOf(
      UserName user, Catalog catalog, Duration window, Instant now) {
    Instant horizon = now.minus(window);
    List<AccessRequest> relevant = new ArrayList<>();
    Set<RoleName> roles = new HashSet<>();
    for (RequestId id : byUser.getOrDefault(user, Set.of())) {
      AccessRequest request = requests.get(id).request();
      if (isRelevant(request, horizon)) {
        relevant.add(request);
        roles.addAll(request.roles());
      }
    }
    List<Lock> touching = new ArrayList<>();
    addLocksOn(new LockTarget.User(user), touching);
    for (AccessRequest request : relevant) {
      addLocksOn(new LockTarget.Request(request.id()), touching);
    }
    for (RoleName role : roles) {
      addLocksOn(new LockTarget.Role(role), touching);
    }
    return new UserState(catalog.userOrUnlisted(user), relevant, touching, catalog);
  }

  /** Drops decided requests nothing can look at any more; returns how many were dropped. */
  public synchronized int prune(Duration window, Instant now) {
    Instant horizon = now.minus(window);
    int dropped = 0;
    for (Entry entry : List.copyOf(requests.values())) {
      if (!isRelevant(entry.request(), horizon)) {
        remove(entry.request());
        dropped++;
      }
    }
    deletedLocks.clear();
    return dropped;
  }

  private static boolean isRelevant(AccessRequest request, Instant horizon) {
    return switch (request.state()) {
      case PENDING, APPROVED -> true;
      // An approval the rate limit may still count, or a denial that is recent, stays visible.
      case DENIED, EXPIRED -> {
        Instant approved = request.approved();
        Instant last = approved != null ? approved : request.created();
        yield last.isAfter(horizon);
      }
    };
  }

  private boolean putRequest(RequestObject object) {
    Entry current = requests.get(object.id());
    if (current != null && current.resourceVersion() >= object.resourceVersion()) {
      return false;
    }
    AccessRequest request =
        new AccessRequest(
            object.id(),
            object.user(),
            object.roles(),
            object.resources(),
            object.reason(),
            object.ttl(),
            object.state(),
            object.created(),
            object.approved(),
            object.expires());
    requests.put(object.id(), new Entry(request, object.resourceVersion()));
    byUser.computeIfAbsent(object.user(), u -> new LinkedHashSet<>()).add(object.id());
    return true;
  }

  private void remove(AccessRequest request) {
    requests.remove(request.id());
    Set<RequestId> ids = byUser.get(request.user());
    if (ids != null) {
      ids.remove(request.id());
      if (ids.isEmpty()) {
        byUser.remove(request.user());
      }
    }
  }

  private boolean putLock(Lock lock, long version) {
    LockEntry current = locks.get(lock.id());
    if (current != null && current.resourceVersion() >= version) {
      return false;
    }
    if (current != null) {
      unindex(current.lock());
    }
    locks.put(lock.id(), new LockEntry(lock, version));
    locksByTarget.computeIfAbsent(lock.target(), t -> new LinkedHashSet<>()).add(lock.id());
    return true;
  }

  private void removeLock(LockId id) {
    LockEntry removed = locks.remove(id);
    if (removed != null) {
      unindex(removed.lock());
    }
  }

  private void unindex(Lock lock) {
    Set<LockId> ids = locksByTarget.get(lock.target());
    if (ids != null) {
      ids.remove(lock.id());
      if (ids.isEmpty()) {
        locksByTarget.remove(lock.target());
      }
    }
  }

  private void addLocksOn(LockTarget target, List<Lock> out) {
    for (LockId id : locksByTarget.getOrDefault(target, Set.of())) {
      out.add(locks.get(id).lock());
    }
  }

  private Set<UserName> usersTouchedBy(LockTarget target) {
    return switch (target) {
      case LockTarget.Request r -> {
        Entry entry = requests.get(r.id());
        yield entry == null ? Set.of() : Set.of(entry.request().user());
      }
      case LockTarget.User u -> Set.of(u.name());
      case LockTarget.Role r -> usersHolding(r.name());
      case LockTarget.Identity i -> Set.of();
    };
  }

  private Set<UserName> usersHolding(RoleName role) {
    Set<UserName> users = new HashSet<>();
    for (Entry entry : requests.values()) {
      if (entry.request().roles().contains(role)) {
        users.add(entry.request().user());
      }
    }
    return users;
  }
}
