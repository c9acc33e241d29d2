package dev.warden.watcher.cache;

import java.util.HashMap;
import java.util.Map;

/**
 * Hands out one shared instance per distinct value, so that a million requests naming the same few
 * roles, resources and ttls hold a million references to a few objects instead of a million copies
 * parsed from the wire.
 *
 * <p>The values must be immutable. What is kept would grow with every distinct value ever seen, so
 * the cache {@linkplain #clear clears} it when it prunes and interns the survivors' values again.
 */
final class Interner<T> {

  private Map<T, T> values = new HashMap<>();

  T intern(T value) {
    T shared = values.putIfAbsent(value, value);
    return shared == null ? value : shared;
  }

  void clear() {
    values = new HashMap<>();
  }
}
