package dev.warden.core.policy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The variables a custom condition sees, as plain values.
 *
 * @param request the pending request: {@code id, user, roles, resources, environments, reason,
 *     ttlSeconds, created}
 * @param user the requester: {@code name, traits}
 * @param active the user's active grants, each with the same fields as {@code request}
 * @param now the decision time
 */
public record ConditionInput(
    Map<String, Object> request,
    Map<String, Object> user,
    List<Map<String, Object>> active,
    Instant now) {}
