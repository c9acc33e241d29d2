package dev.warden.broker.auth;

import dev.warden.api.v1.Permission;
import dev.warden.broker.ca.IdentityKind;
import dev.warden.broker.failure.CallFailure;
import dev.warden.broker.store.Actor;
import java.time.Instant;
import java.util.List;

/**
 * An authenticated caller: the identity named by its client certificate, with that certificate's
 * roles and their effective permissions, its serial and expiry, and the identity's kind.
 *
 * @param roles the role names, sorted
 * @param serial the certificate serial in lower-case hex
 */
public record Caller(
    String name,
    List<String> roles,
    Grants grants,
    String serial,
    Instant expires,
    IdentityKind kind) {

  public Caller {
    roles = roles.stream().sorted().distinct().toList();
  }

  /** The caller as the store records an actor. */
  public Actor actor() {
    return new Actor(name, serial);
  }

  /** Whether the caller holds the built-in admin role, which identity locks do not cut off. */
  public boolean isAdmin() {
    return roles.contains(RoleBook.ADMIN);
  }

  /** Whether the caller may {@code verb} every object of {@code resource}. */
  public boolean may(Verb verb, Resource resource) {
    return may(verb, resource, Subject.EVERYTHING);
  }

  /** Whether the caller may {@code verb} on {@code subject}, a request or lock of a resource. */
  public boolean may(Verb verb, Resource resource, Subject subject) {
    return grants.allows(verb, resource, subject, name);
  }

  /**
   * Fails unless the caller may {@code verb} every object of {@code resource}.
   *
   * @throws CallFailure.Forbidden naming the missing permission
   */
  public void require(Verb verb, Resource resource) {
    if (!may(verb, resource)) {
      throw forbidden(verb, resource, "");
    }
  }

  /**
   * Fails unless the caller may {@code verb} on {@code subject}.
   *
   * @param why what makes the subject out of the caller's scope, for the message
   * @throws CallFailure.Forbidden naming the missing permission
   */
  public void require(Verb verb, Resource resource, Subject subject, String why) {
    if (!may(verb, resource, subject)) {
      throw forbidden(verb, resource, why);
    }
  }

  /** A refusal naming the permission {@code verb resource}, with an optional explanation. */
  public CallFailure.Forbidden forbidden(Verb verb, Resource resource, String why) {
    String permission = verb.wireName() + " " + resource.wireName();
    return new CallFailure.Forbidden(
        permission,
        "identity "
            + name
            + " (roles "
            + roles
            + ") lacks the permission '"
            + permission
            + "'"
            + (why.isEmpty() ? "" : ": " + why));
  }

  /** The scopes, as written on the wire, within which the caller may {@code verb} on it. */
  public List<String> scopes(Verb verb, Resource resource) {
    return grants.scopes(verb, resource).stream().map(Scope::wireName).toList();
  }

  /** The caller's effective permissions, for {@code GET /v1/whoami}. */
  public List<Permission> permissions() {
    return grants.permissions();
  }

  public List<String> roleNames() {
    return roles;
  }
}
