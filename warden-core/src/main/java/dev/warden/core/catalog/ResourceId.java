package dev.warden.core.catalog;

import dev.warden.core.Identifiers;

/** The id of a resource in the catalog, such as {@code node/prod-web-1}. */
public record ResourceId(String value) implements Comparable<ResourceId> {

  public ResourceId {
    Identifiers.requireSafe("resource id", value);
  }

  /** Parses a resource id; throws {@link IllegalArgumentException} when it is not a safe id. */
  public static ResourceId of(String value) {
    return new ResourceId(value);
  }

  @Override
  public int compareTo(ResourceId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
