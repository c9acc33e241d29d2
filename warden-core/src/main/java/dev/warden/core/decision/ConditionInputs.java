package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.User;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

/** Builds the plain values custom conditions see, with the field names the policy docs list. */
final class ConditionInputs {

  private ConditionInputs() {}

  static Map<String, Object> request(AccessRequest request, Set<String> environments) {
    return Map.of(
        "id", request.id().value(),
        "user", request.user().value(),
        "roles", names(request.roles()),
        "resources", ids(request.resources()),
        "environments", List.copyOf(environments),
        "reason", request.reason(),
        "ttlSeconds", request.ttl().toSeconds(),
        "created", request.created());
  }

  static Map<String, Object> user(User user) {
    return Map.of("name", user.name().value(), "traits", user.traits());
  }

  /**
   * The {@code active} variable: each grant as a request map, built the first time a condition
   * reads it. Most conditions look only at the pending request, and a user may hold many grants.
   */
  static final class Grants extends AbstractList<Map<String, Object>> implements RandomAccess {

    private final List<Grant> grants;
    private final Map<String, Object>[] built;

    @SuppressWarnings("unchecked")
    Grants(List<Grant> grants) {
      this.grants = grants;
      this.built = (Map<String, Object>[]) new Map<?, ?>[grants.size()];
    }

    @Override
    public Map<String, Object> get(int index) {
      Map<String, Object> fields = built[index];
      if (fields == null) {
        Grant grant = grants.get(index);
        fields = request(grant.request(), grant.environments());
        built[index] = fields;
      }
      return fields;
    }

    @Override
    public int size() {
      return grants.size();
    }
  }

  private static List<String> names(List<RoleName> roles) {
    List<String> names = new ArrayList<>(roles.size());
    roles.forEach(r -> names.add(r.value()));
    return names;
  }

  private static List<String> ids(List<ResourceId> resources) {
    List<String> ids = new ArrayList<>(resources.size());
    resources.forEach(r -> ids.add(r.value()));
    return ids;
  }
}
