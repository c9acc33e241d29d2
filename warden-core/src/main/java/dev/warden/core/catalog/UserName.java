package dev.warden.core.catalog;

import dev.warden.core.Identifiers;

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

  @Override
  public String toString() {
    return value;
  }
}
