package dev.warden.core.matrix;

import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One role or one resource of the catalog: what a single-item request asks for.
 *
 * @param role the role, or null for a resource
 * @param resource the resource, or null for a role
 */
public record Access(@Nullable RoleName role, @Nullable ResourceId resource) {

  public Access {
    if ((role == null) == (resource == null)) {
      throw new IllegalArgumentException("access is exactly one role or one resource");
    }
  }

  public static Access of(RoleName role) {
    return new Access(role, null);
  }

  public static Access of(ResourceId resource) {
    return new Access(null, resource);
  }

  /** {@code role} or {@code resource}. */
  public String kind() {
    return role != null ? "role" : "resource";
  }

  /** The role name or resource id. */
  public String name() {
    return role != null ? role.value() : resource.value();
  }

  List<RoleName> roles() {
    return role == null ? List.of() : List.of(role);
  }

  List<ResourceId> resources() {
    return resource == null ? List.of() : List.of(resource);
  }

  @Override
  public String toString() {
    return name();
  }
}
