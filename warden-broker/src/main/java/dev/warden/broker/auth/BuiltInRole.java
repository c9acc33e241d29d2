package dev.warden.broker.auth;

import dev.warden.api.v1.Permission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The roles the broker knows, each with exactly the permissions it grants.
 *
 * <p>Resources ending in {@code :self} cover only the caller's own requests; {@code reviews:others}
 * covers reviews of requests of other users; {@code locks:warden-*} covers locks whose id starts
 * with {@code warden-}.
 */
public enum BuiltInRole {
  /** Everything. */
  ADMIN(
      grant(Resources.CATALOG, Verb.GET),
      grant(Resources.REQUESTS, Verb.CREATE, Verb.GET, Verb.LIST, Verb.WATCH),
      grant(Resources.REVIEWS, Verb.CREATE),
      grant(Resources.LOCKS, Verb.CREATE, Verb.DELETE, Verb.GET, Verb.LIST, Verb.WATCH),
      grant(Resources.EVENTS, Verb.LIST)),
  /** The watcher: reads and watches everything, reviews, and manages its own locks. */
  WATCHER(
      grant(Resources.CATALOG, Verb.GET),
      grant(Resources.REQUESTS, Verb.GET, Verb.LIST, Verb.WATCH),
      grant(Resources.REVIEWS, Verb.CREATE),
      grant(Resources.LOCKS, Verb.GET, Verb.LIST, Verb.WATCH),
      grant(Resources.WARDEN_LOCKS, Verb.CREATE, Verb.DELETE)),
  /** A person asking for access for themselves. */
  REQUESTER(
      grant(Resources.CATALOG, Verb.GET),
      grant(Resources.OWN_REQUESTS, Verb.CREATE, Verb.GET, Verb.LIST)),
  /** A requester who also reads all requests and reviews those of others. */
  REVIEWER(
      grant(Resources.CATALOG, Verb.GET),
      grant(Resources.OWN_REQUESTS, Verb.CREATE, Verb.GET, Verb.LIST),
      grant(Resources.REQUESTS, Verb.GET, Verb.LIST),
      grant(Resources.OTHERS_REVIEWS, Verb.CREATE));

  private final List<Permission> permissions;

  BuiltInRole(Permission... permissions) {
    this.permissions = List.of(permissions);
  }

  /** The role's name as written in certificates and on the wire: lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public List<Permission> permissions() {
    return permissions;
  }

  /** The role with this wire name, if it is one. */
  public static Optional<BuiltInRole> parse(String name) {
    return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
  }

  /** The wire names of all roles, for messages. */
  public static List<String> names() {
    return Arrays.stream(values()).map(BuiltInRole::wireName).toList();
  }

  private static Permission grant(String resource, Verb... verbs) {
    List<String> names = new ArrayList<>();
    for (Verb verb : verbs) {
      names.add(verb.wireName());
    }
    return new Permission(resource, names);
  }
}
