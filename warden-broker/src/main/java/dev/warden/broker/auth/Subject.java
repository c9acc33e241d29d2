package dev.warden.broker.auth;

/** What one call acts on, as far as scopes tell objects apart. */
public sealed interface Subject {

  /** Every object of a resource at once, such as a full listing: only unscoped rules cover it. */
  record Everything() implements Subject {}

  /** One request, or the requests, of {@code user}. */
  record RequestOf(String user) implements Subject {}

  /** The lock with this id. */
  record Lock(String id) implements Subject {}

  Subject EVERYTHING = new Everything();

  static Subject requestOf(String user) {
    return new RequestOf(user);
  }

  static Subject lock(String id) {
    return new Lock(id);
  }
}
