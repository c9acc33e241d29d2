package dev.warden.core.access;

import dev.warden.core.Identifiers;
import org.jspecify.annotations.Nullable;

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

  // Written out, with the meaning a record gives them, rather than left to the generated ones:
  // these are map keys and list members in every decision, and the generated methods go through
  // method handles, which the compilers inline into every lookup and search that uses them.
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof LockId that && value.equals(that.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
