package dev.warden.broker.watch;

import dev.warden.core.access.Lock;
import dev.warden.core.access.LockTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The current locks by the target they name, so that a question about one request, user, role or
 * identity looks only at the locks naming it.
 *
 * <p>Rendering asks whether each request is locked, for every answer and every watch event. Asked
 * of a flat list, that question cost time in proportion to all locks ever made, which grows with
 * every grant the watcher locks and came to dominate the broker's CPU under load. Lookups are
 * lock-free; updates come only from the change feed, one lock at a time.
 */
public final class LockIndex {

  private final ConcurrentHashMap<LockTarget, List<Lock>> byTarget = new ConcurrentHashMap<>();

  /** The locks naming exactly {@code target}, whether or not still in force. */
  public List<Lock> on(LockTarget target) {
    return byTarget.getOrDefault(target, List.of());
  }

  /** Adds a lock, replacing one with its id on the same target; the feed removes it elsewhere. */
  void put(Lock lock) {
    byTarget.compute(
        lock.target(),
        (target, current) -> {
          List<Lock> next = new ArrayList<>(current == null ? List.of() : current);
          next.removeIf(l -> l.id().equals(lock.id()));
          next.add(lock);
          return List.copyOf(next);
        });
  }

  void remove(Lock lock) {
    byTarget.computeIfPresent(
        lock.target(),
        (target, current) -> {
          List<Lock> next = new ArrayList<>(current);
          next.removeIf(l -> l.id().equals(lock.id()));
          return next.isEmpty() ? null : List.copyOf(next);
        });
  }

  void clear() {
    byTarget.clear();
  }
}
