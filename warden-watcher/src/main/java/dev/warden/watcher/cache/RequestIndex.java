package dev.warden.watcher.cache;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The cache's requests by id: an open-addressing hash table of the requests themselves, with linear
 * probing.
 *
 * <p>A {@code HashMap<String, …>} would cost an entry object and a {@code String} key per request,
 * some sixty bytes, more than the rest of a cached request's id; here a request costs one slot of
 * an array kept at most two-thirds full. Removal shifts the following entries of the probe run back
 * instead of leaving tombstones, so lookups never slow down after many removals.
 */
final class RequestIndex {

  private static final int MIN_CAPACITY = 16;

  private @Nullable CachedRequest[] slots = new CachedRequest[MIN_CAPACITY];
  private int size;

  int size() {
    return size;
  }

  @Nullable CachedRequest get(PackedId id) {
    int mask = slots.length - 1;
    for (int i = id.hash() & mask; ; i = (i + 1) & mask) {
      CachedRequest slot = slots[i];
      if (slot == null || slot.hasId(id)) {
        return slot;
      }
    }
  }

  /** Puts {@code request}, whose id is {@code id}, in place of the one with that id, or adds it. */
  void put(PackedId id, CachedRequest request) {
    if ((size + 1) * 3 > slots.length * 2) {
      resize(slots.length * 2);
    }
    int mask = slots.length - 1;
    for (int i = id.hash() & mask; ; i = (i + 1) & mask) {
      CachedRequest slot = slots[i];
      if (slot == null) {
        slots[i] = request;
        size++;
        return;
      }
      if (slot.hasId(id)) {
        slots[i] = request;
        return;
      }
    }
  }

  void remove(PackedId id) {
    int mask = slots.length - 1;
    int i = id.hash() & mask;
    while (true) {
      CachedRequest slot = slots[i];
      if (slot == null) {
        return;
      }
      if (slot.hasId(id)) {
        break;
      }
      i = (i + 1) & mask;
    }
    slots[i] = null;
    size--;
    // Entries after the hole that would no longer be found move into it.
    int hole = i;
    for (int j = (hole + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
      CachedRequest moving = slots[j];
      int home = moving.idHash() & mask;
      boolean reachableWithoutHole =
          hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!reachableWithoutHole) {
        slots[hole] = moving;
        slots[j] = null;
        hole = j;
      }
    }
    if (slots.length > MIN_CAPACITY && size * 8 < slots.length) {
      resize(slots.length / 2);
    }
  }

  void forEach(Consumer<CachedRequest> action) {
    for (CachedRequest slot : slots) {
      if (slot != null) {
        action.accept(slot);
      }
    }
  }

  /** A copy of every request, so callers may change the index while they go through them. */
  CachedRequest[] toArray() {
    CachedRequest[] all = new CachedRequest[size];
    int next = 0;
    for (CachedRequest slot : slots) {
      if (slot != null) {
        all[next++] = slot;
      }
    }
    return all;
  }

  private void resize(int capacity) {
    @Nullable CachedRequest[] old = slots;
    slots = new CachedRequest[Math.max(MIN_CAPACITY, capacity)];
    int mask = slots.length - 1;
    for (CachedRequest request : old) {
      if (request != null) {
        int i = request.idHash() & mask;
        while (slots[i] != null) {
          i = (i + 1) & mask;
        }
        slots[i] = request;
      }
    }
  }
}
