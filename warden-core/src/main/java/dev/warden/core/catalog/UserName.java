package dev.warden.core.catalog;

import dev.warden.core.Identifiers;
import org.jspecify.annotations.Nullable;

/** The name of a human or machine user, such as {@code alice}. */
public record UserName(String value) implements Comparable<UserName> {

  public UserName {
    Identifiers.requireSafe("user name", value);
  }

  /** Parses a user name; throws {@link IllegalArgumentException} when it is not a safe id. */
  public static UserName of(String value) {
    return new UserName(value);
  }

  @Override
  public int compareTo(UserName other) {
    return value.compareTo(other.value);
  }

  // Written out, with the meaning a record gives them, rather than left to the generated ones:
  // these are map keys and list members in every decision, and the generated methods go through
  // method handles, which the compilers inline into every lookup and search that uses them.
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof UserName that && value.equals(that.value);
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
