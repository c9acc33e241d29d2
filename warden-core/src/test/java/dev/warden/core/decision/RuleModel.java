package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.policy.ConditionInput;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Rule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules' meaning as the issue states it, written apart from the engine so that the property
 * tests compare two readings of one contract rather than the engine with itself.
 */
final class RuleModel {

  private RuleModel() {}

  /** A request's environments: the union over its roles and resources. */
  static Set<String> environments(Policy policy, Catalog catalog, AccessRequest request) {
    Set<String> union = new TreeSet<>();
    for (RoleName name : request.roles()) {
      Map<String, String> labels = catalog.role(name).map(Role::labels).orElse(Map.of());
      union.addAll(policy.environments().environmentsOf(name.value(), labels));
    }
    for (ResourceId id : request.resources()) {
      Map<String, String> labels = catalog.resource(id).map(Resource::labels).orElse(Map.of());
      union.addAll(policy.environments().environmentsOf(id.value(), labels));
    }
    return union;
  }

  /** The environments of {@code environments} that the rule lists. */
  static Set<String> listed(Set<String> environments, Rule.ExclusiveEnvironments rule) {
    Set<String> listed = new TreeSet<>(environments);
    listed.retainAll(rule.environments());
    return listed;
  }

  static int weight(AccessRequest request, boolean countRoles) {
    return request.resources().size() + (countRoles ? request.roles().size() : 0);
  }

  /** The names of the built-in request rules {@code request} breaks, in policy order. */
  static List<String> brokenRequestRules(Policy policy, UserState state, AccessRequest request) {
    List<String> broken = new ArrayList<>();
    for (Rule rule : policy.rules()) {
      boolean breaks =
          switch (rule) {
            case Rule.RequestResourceLimit limit ->
                weight(request, limit.countRoles()) > limit.max();
            case Rule.MaxTtl maxTtl -> request.ttl().compareTo(maxTtl.max()) > 0;
            case Rule.PendingLimit limit -> otherPending(state, request) >= limit.max();
            case Rule.RequireReason required ->
                request.reason().strip().length() < required.minLength();
            case Rule.ExclusiveEnvironments exclusive ->
                listed(environments(policy, state.catalog(), request), exclusive).size() >= 2;
            default -> false;
          };
      if (breaks) {
        broken.add(rule.name());
      }
    }
    return broken;
  }

  static int otherPending(UserState state, AccessRequest request) {
    int count = 0;
    for (AccessRequest other : state.requests()) {
      boolean earlier =
          other.created().isBefore(request.created())
              || (other.created().equals(request.created())
                  && other.id().value().compareTo(request.id().value()) < 0);
      if (other.isPending() && earlier) {
        count++;
      }
    }
    return count;
  }

  /** Approvals of the user's requests in the window that ends at {@code now}. */
  static int approvalsWithin(UserState state, java.time.Duration window, Instant now) {
    int count = 0;
    for (AccessRequest request : state.requests()) {
      Instant approved = request.approved();
      if (approved != null && approved.isAfter(now.minus(window)) && !approved.isAfter(now)) {
        count++;
      }
    }
    return count;
  }

  /** What a custom condition sees; only the fields the test conditions read are filled in. */
  static ConditionInput conditionInput(
      Policy policy, UserState state, AccessRequest request, Instant now) {
    List<Map<String, Object>> active = new ArrayList<>();
    for (AccessRequest grant : state.activeGrants(now)) {
      active.add(Map.of("id", grant.id().value()));
    }
    return new ConditionInput(
        Map.of(
            "id",
            request.id().value(),
            "environments",
            List.copyOf(environments(policy, state.catalog(), request))),
        Map.of("name", state.user().name().value(), "traits", state.user().traits()),
        active,
        now);
  }
}
