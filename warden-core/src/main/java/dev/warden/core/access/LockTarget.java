package dev.warden.core.access;

import dev.warden.core.Identifiers;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;

/** What a lock suspends: exactly one request, user, role or machine identity. */
public sealed interface LockTarget {

  /** The field name used in files and on the wire: request, user, role or identity. */
  String kind();

  /** The locked thing's name or id. */
  String value();

  /** Suspends one grant. */
  record Request(RequestId id) implements LockTarget {
    @Override
    public String kind() {
      return "request";
    }

    @Override
    public String value() {
      return id.value();
    }
  }

  /** Suspends every grant of a user and stops them from asking for more. */
  record User(UserName name) implements LockTarget {
    @Override
    public String kind() {
      return "user";
    }

    @Override
    public String value() {
      return name.value();
    }
  }

  /** Suspends a role for everyone who holds it. */
  record Role(RoleName name) implements LockTarget {
    @Override
    public String kind() {
      return "role";
    }

    @Override
    public String value() {
      return name.value();
    }
  }

  /** Cuts off a client identity (a person's or a bot's certificate holder) at the broker. */
  record Identity(String name) implements LockTarget {
    public Identity {
      Identifiers.requireSafe("identity name", name);
    }

    @Override
    public String kind() {
      return "identity";
    }

    @Override
    public String value() {
      return name;
    }
  }

  /**
   * Builds a target from its wire form.
   *
   * @throws IllegalArgumentException for an unknown kind or an unsafe value
   */
  static LockTarget of(String kind, String value) {
    return switch (kind) {
      case "request" -> new Request(RequestId.of(value));
      case "user" -> new User(UserName.of(value));
      case "role" -> new Role(RoleName.of(value));
      case "identity" -> new Identity(value);
      default ->
          throw new IllegalArgumentException(
              "lock target '" + kind + "' is not one of request, user, role, identity");
    };
  }
}
