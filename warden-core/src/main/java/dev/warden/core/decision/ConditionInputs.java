package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.User;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the plain values custom conditions see, with the field names the policy docs list. */
final class ConditionInputs {

  private ConditionInputs() {}

  static Map<String, Object> request(AccessRequest request, Set<String> environments) {
    Map<String, Object> fields = new HashMap<>(16);
    fields.put("id", request.id().value());
    fields.put("user", request.user().value());
    fields.put("roles", names(request.roles()));
    fields.put("resources", ids(request.resources()));
    fields.put("environments", List.copyOf(environments));
    fields.put("reason", request.reason());
    fields.put("ttlSeconds", request.ttl().toSeconds());
    fields.put("created", request.created());
    return fields;
  }

  static Map<String, Object> user(User user) {
    return Map.of("name", user.name().value(), "traits", user.traits());
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
