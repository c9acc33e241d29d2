package dev.warden.core.catalog;

import dev.warden.core.Identifiers;
import org.jspecify.annotations.Nullable;

/** The name of a role in the catalog, such as {@code prod-db}. */
public record RoleName(String value) implements Comparable<RoleName> {

  public RoleName {
    Identifiers.requireSafe("role name", value);
  }

  /** Parses a role name; throws {@link IllegalArgumentException} when it is not a safe id. */
  public static RoleName of(String value) {
    return new RoleName(value);
  }

  @Override
  public int compareTo(RoleName other) {
    return value.compareTo(other.value);
  }

  // Written out, with the meaning a record gives them, rather than left to the generated ones:
  // these are map keys and list members in every decision, and the generated methods go through
  // method handles, which the compilers inline into every lookup and search that uses them.
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof RoleName that && value.equals(that.value);
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
