package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.policy.EnvironmentModel;
import dev.warden.core.policy.Rule;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The placement of every role and resource of one catalog under one policy, computed once so that a
 * decision costs map lookups rather than label and pattern scans.
 *
 * <p>Every environment the index can meet (those of the catalog's entries and those the policy's
 * name patterns can give) gets a number, and each placement carries its environments as bits of
 * those numbers. A request that spans several placements, or the union of a user's grants, is then
 * an OR of bits, and its placement or sorted environments are made once per distinct set and
 * reused: building them again for every decision was a large part of what deciding cost.
 *
 * <p>The index may be shared between threads. What it caches it keeps in concurrent maps, and a
 * cached value is equal to the one computing it again would give, so the cache changes how fast a
 * decision is and never what it is. The caches hold one entry per distinct set of environments met,
 * and stop growing at {@link #MOST_UNIONS}.
 */
final class EnvironmentIndex {

  private static final int MOST_UNIONS = 4096;

  private final Catalog catalog;
  private final EnvironmentModel model;
  private final List<Rule.ExclusiveEnvironments> separations;
  // Sorted, so that the environments of a set of bits come out sorted; empty when there are too
  // many to number.
  private final String[] numbered;
  private final Map<Long, Placement> byBits = new ConcurrentHashMap<>();
  // Keyed by the name's text: String hashes are cached and String.equals is an intrinsic.
  private final Map<String, Placement> roles = new HashMap<>();
  private final Map<String, Placement> resources = new HashMap<>();

  EnvironmentIndex(
      Catalog catalog, EnvironmentModel model, List<Rule.ExclusiveEnvironments> separations) {
    this.catalog = catalog;
    this.model = model;
    this.separations = List.copyOf(separations);
    Map<String, Set<String>> roleEnvironments = new HashMap<>();
    Map<String, Set<String>> resourceEnvironments = new HashMap<>();
    Set<String> all = new TreeSet<>(model.patterns().keySet());
    for (Role role : catalog.roles()) {
      Set<String> environments = model.environmentsOf(role.name().value(), role.labels());
      roleEnvironments.put(role.name().value(), environments);
      all.addAll(environments);
    }
    for (Resource resource : catalog.resources()) {
      Set<String> environments = model.environmentsOf(resource.id().value(), resource.labels());
      resourceEnvironments.put(resource.id().value(), environments);
      all.addAll(environments);
    }
    this.numbered = all.size() < Long.SIZE ? all.toArray(String[]::new) : new String[0];
    roleEnvironments.forEach((name, environments) -> roles.put(name, shared(environments)));
    resourceEnvironments.forEach((id, environments) -> resources.put(id, shared(environments)));
  }

  boolean covers(Catalog other) {
    return catalog == other;
  }

  /** Where a request lies: the union of the environments of its roles and resources. */
  Placement placementOf(AccessRequest request) {
    List<RoleName> requestRoles = request.roles();
    List<ResourceId> requestResources = request.resources();
    int roleCount = requestRoles.size();
    int resourceCount = requestResources.size();
    if (roleCount + resourceCount == 1) {
      return roleCount == 0 ? resource(requestResources.get(0)) : role(requestRoles.get(0));
    }
    if (roleCount + resourceCount == 0) {
      return shared(Set.of());
    }
    Placement first =
        roleCount == 0 ? resource(requestResources.get(0)) : role(requestRoles.get(0));
    boolean same = true;
    long bits = first.bits();
    for (int i = 0; i < roleCount; i++) {
      Placement next = role(requestRoles.get(i));
      same &= next == first;
      bits = or(bits, next.bits());
    }
    for (int i = 0; i < resourceCount; i++) {
      Placement next = resource(requestResources.get(i));
      same &= next == first;
      bits = or(bits, next.bits());
    }
    if (same) {
      return first;
    }
    return bits == Placement.NO_BITS ? union(request) : forBits(bits);
  }

  /** The sorted environments of all of {@code grants} together. */
  Set<String> environmentsOf(List<Grant> grants) {
    long bits = 0;
    for (int i = 0; i < grants.size() && bits != Placement.NO_BITS; i++) {
      bits = or(bits, grants.get(i).placement().bits());
    }
    if (bits != Placement.NO_BITS) {
      return forBits(bits).environments();
    }
    Set<String> union = new TreeSet<>();
    for (int i = 0; i < grants.size(); i++) {
      union.addAll(grants.get(i).environments());
    }
    return SortedEnvironments.copyOf(union);
  }

  private static long or(long a, long b) {
    return a == Placement.NO_BITS || b == Placement.NO_BITS ? Placement.NO_BITS : a | b;
  }

  /** The union the slow way, for an index whose environments have no numbers. */
  private Placement union(AccessRequest request) {
    Set<String> union = new TreeSet<>();
    for (RoleName name : request.roles()) {
      union.addAll(role(name).environments());
    }
    for (ResourceId id : request.resources()) {
      union.addAll(resource(id).environments());
    }
    return Placement.of(union, separations, Placement.NO_BITS);
  }

  private Placement role(RoleName name) {
    Placement known = roles.get(name.value());
    // A role the catalog does not list has no labels, but name patterns may still place it.
    return known != null ? known : shared(model.environmentsOf(name.value(), Map.of()));
  }

  private Placement resource(ResourceId id) {
    Placement known = resources.get(id.value());
    return known != null ? known : shared(model.environmentsOf(id.value(), Map.of()));
  }

  /** The one placement of these environments. */
  private Placement shared(Set<String> environments) {
    long bits = bitsOf(environments);
    return bits == Placement.NO_BITS
        ? Placement.of(environments, separations, Placement.NO_BITS)
        : forBits(bits);
  }

  private Placement forBits(long bits) {
    Placement known = byBits.get(bits);
    if (known != null) {
      return known;
    }
    Placement made = Placement.of(namesOf(bits), separations, bits);
    if (byBits.size() >= MOST_UNIONS) {
      return made;
    }
    Placement raced = byBits.putIfAbsent(bits, made);
    return raced != null ? raced : made;
  }

  private long bitsOf(Set<String> environments) {
    if (numbered.length == 0 && !environments.isEmpty()) {
      return Placement.NO_BITS;
    }
    long bits = 0;
    for (String environment : environments) {
      int at = Arrays.binarySearch(numbered, environment);
      if (at < 0) {
        return Placement.NO_BITS;
      }
      bits |= 1L << at;
    }
    return bits;
  }

  private SortedEnvironments namesOf(long bits) {
    String[] names = new String[Long.bitCount(bits)];
    int count = 0;
    for (int i = 0; i < numbered.length; i++) {
      if ((bits & (1L << i)) != 0) {
        names[count++] = numbered[i];
      }
    }
    return SortedEnvironments.ofSorted(names);
  }
}
