package dev.warden.core.catalog;

import dev.warden.core.Identifiers;

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

  @Override
  public String toString() {
    return value;
  }
}
