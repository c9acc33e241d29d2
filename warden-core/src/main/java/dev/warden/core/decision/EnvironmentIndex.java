package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.policy.EnvironmentModel;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The environments of every role and resource of one catalog under one policy's model, computed
 * once so that a decision costs map lookups rather than label and pattern scans.
 */
final class EnvironmentIndex {

  private final Catalog catalog;
  private final EnvironmentModel model;
  private final Map<RoleName, Set<String>> roles = new HashMap<>();
  private final Map<ResourceId, Set<String>> resources = new HashMap<>();

  EnvironmentIndex(Catalog catalog, EnvironmentModel model) {
    this.catalog = catalog;
    this.model = model;
    for (Role role : catalog.roles()) {
      roles.put(role.name(), model.environmentsOf(role.name().value(), role.labels()));
    }
    for (Resource resource : catalog.resources()) {
      resources.put(resource.id(), model.environmentsOf(resource.id().value(), resource.labels()));
    }
  }

  boolean covers(Catalog other) {
    return catalog == other;
  }

  /** The union of the environments of a request's roles and resources. */
  Set<String> environmentsOf(AccessRequest request) {
    if (request.roles().size() + request.resources().size() == 1) {
      return request.roles().isEmpty()
          ? resource(request.resources().get(0))
          : role(request.roles().get(0));
    }
    Set<String> union = new TreeSet<>();
    for (RoleName name : request.roles()) {
      union.addAll(role(name));
    }
    for (ResourceId id : request.resources()) {
      union.addAll(resource(id));
    }
    return union;
  }

  private Set<String> role(RoleName name) {
    Set<String> known = roles.get(name);
    // A role the catalog does not list has no labels, but name patterns may still place it.
    return known != null ? known : model.environmentsOf(name.value(), Map.of());
  }

  private Set<String> resource(ResourceId id) {
    Set<String> known = resources.get(id);
    return known != null ? known : model.environmentsOf(id.value(), Map.of());
  }
}
