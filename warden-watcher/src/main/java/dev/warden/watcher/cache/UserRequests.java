package dev.warden.watcher.cache;

import dev.warden.core.catalog.UserName;
import java.util.Arrays;

/**
 * One user of the cache and their requests, in the order the cache first saw them.
 *
 * <p>A plain array rather than a set: a user has a handful of requests, which a scan finds faster
 * than a hash, and a set would cost some forty bytes per request in entries alone.
 */
final class UserRequests {

  private static final CachedRequest[] EMPTY = new CachedRequest[0];

  private final UserName name;
  private CachedRequest[] requests = EMPTY;
  private int size;

  UserRequests(UserName name) {
    this.name = name;
  }

  UserName name() {
    return name;
  }

  int size() {
    return size;
  }

  CachedRequest get(int index) {
    return requests[index];
  }

  /** Puts {@code request}, whose id is {@code id}, in place of the one with it, or last. */
  void put(PackedId id, CachedRequest request) {
    int at = indexOf(id);
    if (at >= 0) {
      requests[at] = request;
      return;
    }
    if (size == requests.length) {
      requests = Arrays.copyOf(requests, Math.max(2, size + (size >> 1) + 1));
    }
    requests[size++] = request;
  }

  /** Removes the request with this id, keeping the order of the others. */
  void remove(PackedId id) {
    int at = indexOf(id);
    if (at < 0) {
      return;
    }
    System.arraycopy(requests, at + 1, requests, at, size - at - 1);
    requests[--size] = null;
    if (size == 0) {
      requests = EMPTY;
    }
  }

  private int indexOf(PackedId id) {
    for (int i = 0; i < size; i++) {
      if (requests[i].hasId(id)) {
        return i;
      }
    }
    return -1;
  }
}
