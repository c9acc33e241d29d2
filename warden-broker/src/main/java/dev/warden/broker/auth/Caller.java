package dev.warden.broker.auth;

import dev.warden.api.v1.Permission;
import dev.warden.broker.failure.CallFailure;
import dev.warden.broker.store.Actor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An authenticated caller: the identity named by its client certificate, with that certificate's
 * roles, serial and expiry.
 *
 * @param serial the certificate serial in lower-case hex
 */
public record Caller(String name, Set<BuiltInRole> roles, String serial, Instant expires) {

  public Caller {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
  }

  /** The caller as the store records an actor. */
  public Actor actor() {
    return new Actor(name, serial);
  }

  public boolean isAdmin() {
    return roles.contains(BuiltInRole.ADMIN);
  }

  /** Whether one of the caller's roles grants {@code verb} on {@code resource}. */
  public boolean may(Verb verb, String resource) {
    for (BuiltInRole role : roles) {
      for (Permission permission : role.permissions()) {
        if (permission.resource().equals(resource)
            && permission.verbs().contains(verb.wireName())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Fails unless the caller may {@code verb} on {@code resource}.
   *
   * @throws CallFailure.Forbidden naming the missing permission
   */
  public void require(Verb verb, String resource) {
    if (!may(verb, resource)) {
      throw forbidden(verb, resource, "");
    }
  }

  /** A refusal naming the permission {@code verb resource}, with an optional explanation. */
  public CallFailure.Forbidden forbidden(Verb verb, String resource, String why) {
    String permission = verb.wireName() + " " + resource;
    return new CallFailure.Forbidden(
        permission,
        "identity "
            + name
            + " (roles "
            + roleNames()
            + ") lacks the permission '"
            + permission
            + "'"
            + (why.isEmpty() ? "" : ": " + why));
  }

  /** The caller's permissions merged per resource, for {@code GET /v1/whoami}. */
  public List<Permission> permissions() {
    Map<String, Set<String>> merged = new LinkedHashMap<>();
    for (BuiltInRole role :
        EnumSet.copyOf(roles.isEmpty() ? EnumSet.noneOf(BuiltInRole.class) : roles)) {
      for (Permission permission : role.permissions()) {
        merged
            .computeIfAbsent(permission.resource(), r -> new LinkedHashSet<>())
            .addAll(permission.verbs());
      }
    }
    List<Permission> permissions = new ArrayList<>();
    merged.forEach(
        (resource, verbs) -> permissions.add(new Permission(resource, List.copyOf(verbs))));
    return permissions;
  }

  public List<String> roleNames() {
    return roles.stream().sorted().map(BuiltInRole::wireName).collect(Collectors.toList());
  }
}
