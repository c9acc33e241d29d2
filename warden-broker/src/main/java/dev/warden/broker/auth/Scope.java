package dev.warden.broker.auth;

import dev.warden.core.Identifiers;
import org.jspecify.annotations.Nullable;

/**
 * Which objects of a resource a rule covers: all of them, the caller's own requests, other users'
 * requests, or locks whose id starts with a prefix.
 *
 * <p>On the wire and in role files a scope is absent for {@link All}, and otherwise {@code self},
 * {@code others} or the prefix followed by {@code *}, such as {@code warden-*}.
 */
public sealed interface Scope {

  /** The scope of the watcher's own locks. */
  Scope WARDEN_LOCKS = new IdPrefix("warden-");

  /** Every object of the resource. */
  record All() implements Scope {}

  /** Requests of the calling identity's own user (the user named like the identity). */
  record Self() implements Scope {}

  /** Requests of every user but the calling identity's own. */
  record Others() implements Scope {}

  /** Locks whose id starts with {@code prefix}. */
  record IdPrefix(String prefix) implements Scope {
    public IdPrefix {
      Identifiers.requireSafe("lock id prefix", prefix);
    }
  }

  Scope ALL = new All();
  Scope SELF = new Self();
  Scope OTHERS = new Others();

  /** The scope as written on the wire; null for {@link All}. */
  default @Nullable String wireName() {
    return switch (this) {
      case All a -> null;
      case Self s -> "self";
      case Others o -> "others";
      case IdPrefix p -> p.prefix() + "*";
    };
  }

  /**
   * Parses a scope as written in a role file.
   *
   * @throws IllegalArgumentException saying what a scope may be
   */
  static Scope parse(String text) {
    return switch (text) {
      case "self" -> SELF;
      case "others" -> OTHERS;
      default -> {
        if (text.length() > 1 && text.endsWith("*")) {
          yield new IdPrefix(text.substring(0, text.length() - 1));
        }
        throw new IllegalArgumentException(
            "scope '" + text + "' is not self, others, or a lock id prefix ending in * (warden-*)");
      }
    };
  }

  /** Whether a rule with this scope may be written for {@code verb} on {@code resource}. */
  default boolean appliesTo(Resource resource, Verb verb) {
    return switch (this) {
      case All a -> true;
      case Self s ->
          resource == Resource.REQUESTS
              && (verb == Verb.LIST || verb == Verb.READ || verb == Verb.CREATE);
      case Others o -> resource == Resource.REQUESTS && verb == Verb.REVIEW;
      case IdPrefix p -> resource == Resource.LOCKS && (verb == Verb.CREATE || verb == Verb.DELETE);
    };
  }

  /** Whether everything this scope covers is also covered by {@code other}. */
  default boolean within(Scope other) {
    return switch (other) {
      case All a -> true;
      case IdPrefix wider -> this instanceof IdPrefix p && p.prefix().startsWith(wider.prefix());
      default -> this.equals(other);
    };
  }

  /** Whether this scope covers {@code subject} when {@code caller} asks. */
  default boolean covers(Subject subject, String caller) {
    return switch (this) {
      case All a -> true;
      case Self s -> subject instanceof Subject.RequestOf r && r.user().equals(caller);
      case Others o -> subject instanceof Subject.RequestOf r && !r.user().equals(caller);
      case IdPrefix p -> subject instanceof Subject.Lock l && l.id().startsWith(p.prefix());
    };
  }
}
