package dev.warden.core.access;

import dev.warden.core.Identifiers;

/** The id of a lock; locks created by the watcher start with {@code warden-}. */
public record LockId(String value) implements Comparable<LockId> {

  public LockId {
    Identifiers.requireSafe("lock id", value);
  }

  /** Parses a lock id; throws {@link IllegalArgumentException} when it is not a safe id. */
  public static LockId of(String value) {
    return new LockId(value);
  }

  @Override
  public int compareTo(LockId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
