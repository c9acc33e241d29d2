package dev.warden.core.decision;

import dev.warden.core.policy.ConditionInputs;
import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The {@code active} variable of custom conditions: each grant as a request map, built the first
 * time a condition reads it. Most conditions look only at the pending request, and a user may hold
 * many grants.
 */
final class ActiveGrants extends AbstractList<Map<String, Object>> implements RandomAccess {

  private final List<Grant> grants;
  private final Map<String, Object>[] built;

  @SuppressWarnings("unchecked")
  ActiveGrants(List<Grant> grants) {
    this.grants = grants;
    this.built = (Map<String, Object>[]) new Map<?, ?>[grants.size()];
  }

  @Override
  public Map<String, Object> get(int index) {
    Map<String, Object> fields = built[index];
    if (fields == null) {
      Grant grant = grants.get(index);
      fields = ConditionInputs.request(grant.request(), grant.environments());
      built[index] = fields;
    }
    return fields;
  }

  @Override
  public int size() {
    return grants.size();
  }
}
