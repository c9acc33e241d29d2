package dev.warden.watcher.cache;

import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.WatchEvent;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.ResourceId;
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
 * window); older ones are pruned, so memory follows the live state, not the history. Within the
 * window a busy plane still has a million requests, so each is kept compactly ({@link
 * CachedRequest}): parts shared between requests are shared in memory, and what no rule reads is
 * not kept.
 *
 * <p>A listing is merged one request at a time as it arrives ({@link #merge}, then {@link
 * #mergeLocks}) rather than whole, so that it never has to be held in memory. Between two merged
 * requests a reader sees some requests already at the listing's version and others still as they
 * were; that is the staleness of an event not yet received, which level-triggered reconciliation is
 * built to tolerate, and every request merged is a state the plane really held.
 */
public final class AccessCache {

  private record LockEntry(Lock lock, long resourceVersion) {}

  private final RequestIndex requests = new RequestIndex();
  private final Map<UserName, UserRequests> byUser = new HashMap<>();
  private final Interner<List<RoleName>> roleLists = new Interner<>();
  private final Interner<List<ResourceId>> resourceLists = new Interner<>();
  private final Interner<Duration> ttls = new Interner<>();
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
      if (merge(object)) {
        affected.add(object.user());
      }
    }
    affected.addAll(mergeLocks(listedLocks, listingVersion));
    return affected;
  }

  /**
   * Merges one request of a listing, as {@link #replace} would: it replaces what the cache holds
   * when it is newer.
   *
   * @return whether it changed the cache
   */
  public synchronized boolean merge(RequestObject listed) {
    return putRequest(listed);
  }

  /**
   * Ends a listing whose requests were {@linkplain #merge merged}: merges its locks, drops the
   * locks it lacks that the cache holds at or below its version, and moves the cache's version up
   * to the listing's.
   *
   * @return the users the changed locks may touch
   */
  public synchronized Set<UserName> mergeLocks(List<LockObject> listedLocks, long listingVersion) {
    Set<UserName> affected = new LinkedHashSet<>();
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
    UserRequests held = byUser.get(user);
    for (int i = 0; held != null && i < held.size(); i++) {
      CachedRequest request = held.get(i);
      if (request.isRelevant(horizon)) {
        relevant.add(request.toRequest());
        roles.addAll(request.roles);
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
    roleLists.clear();
    resourceLists.clear();
    ttls.clear();
    for (CachedRequest request : requests.toArray()) {
      if (!request.isRelevant(horizon)) {
        remove(PackedId.of(request.requestId()), request);
        dropped++;
      } else {
        // What survives is shared again, so the interners hold only values still in use.
        roleLists.intern(request.roles);
        resourceLists.intern(request.resources);
        ttls.intern(request.ttl);
      }
    }
    deletedLocks.clear();
    return dropped;
  }

  private boolean putRequest(RequestObject object) {
    PackedId id = PackedId.of(object.id());
    CachedRequest current = requests.get(id);
    if (current != null && current.resourceVersion >= object.resourceVersion()) {
      return false;
    }
    if (current != null && !current.user.name().equals(object.user())) {
      // A plane that moved a request to another user: it is no longer the old user's.
      remove(id, current);
    }
    UserRequests user = byUser.computeIfAbsent(object.user(), UserRequests::new);
    CachedRequest request =
        new CachedRequest(
            id,
            user,
            roleLists.intern(object.roles()),
            resourceLists.intern(object.resources()),
            object.reason(),
            ttls.intern(object.ttl()),
            object.state(),
            object.created(),
            object.approved(),
            object.expires(),
            object.resourceVersion());
    requests.put(id, request);
    user.put(id, request);
    return true;
  }

  private void remove(PackedId id, CachedRequest request) {
    requests.remove(id);
    UserRequests user = request.user;
    user.remove(id);
    if (user.size() == 0) {
      byUser.remove(user.name(), user);
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
        CachedRequest request = requests.get(PackedId.of(r.id()));
        yield request == null ? Set.of() : Set.of(request.user.name());
      }
      case LockTarget.User u -> Set.of(u.name());
      case LockTarget.Role r -> usersHolding(r.name());
      case LockTarget.Identity i -> Set.of();
    };
  }

  private Set<UserName> usersHolding(RoleName role) {
    Set<UserName> users = new HashSet<>();
    requests.forEach(
        request -> {
          if (request.roles.contains(role)) {
            users.add(request.user.name());
          }
        });
    return users;
  }
}
