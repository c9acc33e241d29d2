package dev.warden.core.catalog;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The roles, resources and users an access plane offers. Immutable; lookups are by typed name.
 *
 * <p>Names are unique within each kind. The order of the source file is kept, so listings and
 * matrices read in the order their author wrote them.
 */
public final class Catalog {

  private static final Catalog EMPTY = new Catalog(List.of(), List.of(), List.of());

  private final Map<RoleName, Role> roles;
  private final Map<ResourceId, Resource> resources;
  private final Map<UserName, User> users;

  /**
   * Builds a catalog.
   *
   * @throws IllegalArgumentException when a name appears twice within one kind
   */
  public Catalog(List<Role> roles, List<Resource> resources, List<User> users) {
    this.roles = index(roles, Role::name, "role");
    this.resources = index(resources, Resource::id, "resource");
    this.users = index(users, User::name, "user");
  }

  public static Catalog empty() {
    return EMPTY;
  }

  public Collection<Role> roles() {
    return roles.values();
  }

  public Collection<Resource> resources() {
    return resources.values();
  }

  public Collection<User> users() {
    return users.values();
  }

  public Optional<Role> role(RoleName name) {
    return Optional.ofNullable(roles.get(name));
  }

  public Optional<Resource> resource(ResourceId id) {
    return Optional.ofNullable(resources.get(id));
  }

  public Optional<User> user(UserName name) {
    return Optional.ofNullable(users.get(name));
  }

  /** The user as listed, or an unlisted user without traits. */
  public User userOrUnlisted(UserName name) {
    User user = users.get(name);
    return user != null ? user : User.unlisted(name);
  }

  private static <K, V> Map<K, V> index(
      List<V> values, java.util.function.Function<V, K> key, String kind) {
    Map<K, V> index = new LinkedHashMap<>();
    for (V value : values) {
      if (index.putIfAbsent(key.apply(value), value) != null) {
        throw new IllegalArgumentException(kind + " " + key.apply(value) + " is listed twice");
      }
    }
    return java.util.Collections.unmodifiableMap(index);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Catalog that
        && roles.equals(that.roles)
        && resources.equals(that.resources)
        && users.equals(that.users);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(roles, resources, users);
  }

  @Override
  public String toString() {
    return "Catalog[roles="
        + roles.size()
        + ", resources="
        + resources.size()
        + ", users="
        + users.size()
        + "]";
  }
}
