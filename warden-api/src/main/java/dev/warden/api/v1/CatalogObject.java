package dev.warden.api.v1;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.User;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The answer of {@code GET /v1/catalog}: the catalog in force, in the catalog file's shape. */
public record CatalogObject(
    List<CatalogObject.RoleEntry> roles,
    List<CatalogObject.ResourceEntry> resources,
    List<CatalogObject.UserEntry> users) {

  public CatalogObject {
    roles = Fields.listOrEmpty(roles);
    resources = Fields.listOrEmpty(resources);
    users = Fields.listOrEmpty(users);
  }

  /** A role of the catalog. */
  public record RoleEntry(RoleName name, Map<String, String> labels, @Nullable Duration maxTtl) {
    public RoleEntry {
      Fields.required(name, "name");
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
  }

  /** A resource of the catalog. */
  public record ResourceEntry(ResourceId id, Map<String, String> labels) {
    public ResourceEntry {
      Fields.required(id, "id");
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
  }

  /** A user of the catalog. */
  public record UserEntry(UserName name, Map<String, List<String>> traits) {
    public UserEntry {
      Fields.required(name, "name");
      traits = traits == null ? Map.of() : Map.copyOf(traits);
    }
  }

  /** The wire form of a catalog. */
  public static CatalogObject of(Catalog catalog) {
    return new CatalogObject(
        catalog.roles().stream().map(r -> new RoleEntry(r.name(), r.labels(), r.maxTtl())).toList(),
        catalog.resources().stream().map(r -> new ResourceEntry(r.id(), r.labels())).toList(),
        catalog.users().stream().map(u -> new UserEntry(u.name(), u.traits())).toList());
  }

  /** The core catalog this object describes. */
  public Catalog toCatalog() {
    return new Catalog(
        roles.stream().map(r -> new Role(r.name(), r.labels(), r.maxTtl())).toList(),
        resources.stream().map(r -> new Resource(r.id(), r.labels())).toList(),
        users.stream().map(u -> new User(u.name(), u.traits())).toList());
  }
}
