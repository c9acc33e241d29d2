package dev.warden.core.catalog;

import dev.warden.core.Identifiers;
import org.jspecify.annotations.Nullable;

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

  // Written out, with the meaning a record gives them, rather than left to the generated ones:
  // these are map keys and list members in every decision, and the generated methods go through
  // method handles, which the compilers inline into every lookup and search that uses them.
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof ResourceId that && value.equals(that.value);
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
