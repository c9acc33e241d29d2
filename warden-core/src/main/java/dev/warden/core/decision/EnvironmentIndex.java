package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.policy.EnvironmentModel;
import dev.warden.core.policy.Rule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The placement of every role and resource of one catalog under one policy, computed once so that a
 * decision costs map lookups rather than label and pattern scans.
 *
 * <p>Entries with equal environments share one {@link Placement}, so most requests of a user have
 * placements that are one object, and comparing them costs a reference check. The index is never
 * changed after construction and may be shared between threads.
 */
final class EnvironmentIndex {

  private final Catalog catalog;
  private final EnvironmentModel model;
  private final List<Rule.ExclusiveEnvironments> separations;
  private final Map<Set<String>, Placement> shared = new HashMap<>();
  // Keyed by the name's text: String hashes are cached and String.equals is an intrinsic.
  private final Map<String, Placement> roles = new HashMap<>();
  private final Map<String, Placement> resources = new HashMap<>();

  EnvironmentIndex(
      Catalog catalog, EnvironmentModel model, List<Rule.ExclusiveEnvironments> separations) {
    this.catalog = catalog;
    this.model = model;
    this.separations = List.copyOf(separations);
    for (Role role : catalog.roles()) {
      roles.put(
          role.name().value(), share(model.environmentsOf(role.name().value(), role.labels())));
    }
    for (Resource resource : catalog.resources()) {
      resources.put(
          resource.id().value(),
          share(model.environmentsOf(resource.id().value(), resource.labels())));
    }
  }

  boolean covers(Catalog other) {
    return catalog == other;
  }

  /** Where a request lies: the union of the environments of its roles and resources. */
  Placement placementOf(AccessRequest request) {
    List<RoleName> requestRoles = request.roles();
    List<ResourceId> requestResources = request.resources();
    if (requestRoles.size() + requestResources.size() == 1) {
      return requestRoles.isEmpty() ? resource(requestResources.get(0)) : role(requestRoles.get(0));
    }
    @Nullable Placement first = null;
    boolean same = true;
    for (RoleName name : request.roles()) {
      Placement next = role(name);
      same &= first == null || next == first;
      first = first == null ? next : first;
    }
    for (ResourceId id : request.resources()) {
      Placement next = resource(id);
      same &= first == null || next == first;
      first = first == null ? next : first;
    }
    if (first == null) {
      return Placement.of(Set.of(), separations);
    }
    return same ? first : union(request);
  }

  private Placement union(AccessRequest request) {
    Set<String> union = new TreeSet<>();
    for (RoleName name : request.roles()) {
      union.addAll(role(name).environments());
    }
    for (ResourceId id : request.resources()) {
      union.addAll(resource(id).environments());
    }
    return Placement.of(union, separations);
  }

  private Placement role(RoleName name) {
    Placement known = roles.get(name.value());
    // A role the catalog does not list has no labels, but name patterns may still place it.
    return known != null
        ? known
        : Placement.of(model.environmentsOf(name.value(), Map.of()), separations);
  }

  private Placement resource(ResourceId id) {
    Placement known = resources.get(id.value());
    return known != null
        ? known
        : Placement.of(model.environmentsOf(id.value(), Map.of()), separations);
  }

  private Placement share(Set<String> environments) {
    return shared.computeIfAbsent(environments, e -> Placement.of(e, separations, shared.size()));
  }
}
