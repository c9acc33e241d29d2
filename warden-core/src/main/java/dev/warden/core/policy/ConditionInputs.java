package dev.warden.core.policy;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.User;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Builds the maps of a {@link ConditionInput} from domain values, in exactly the forms a CEL
 * condition reads without converting anything: strings, lists of strings, a {@code Long} and an
 * {@code Instant}.
 */
public final class ConditionInputs {

  private ConditionInputs() {}

  /**
   * A request as a condition sees it, for {@code request} and for each element of {@code active}.
   *
   * @param environments the request's environments under the policy's environment model
   */
  public static Map<String, Object> request(
      AccessRequest request, Collection<String> environments) {
    return Map.of(
        "id", request.id().value(),
        "user", request.user().value(),
        "roles", request.roles().stream().map(RoleName::value).toList(),
        "resources", request.resources().stream().map(ResourceId::value).toList(),
        "environments", List.copyOf(environments),
        "reason", request.reason(),
        "ttlSeconds", request.ttl().toSeconds(),
        "created", request.created());
  }

  /** A user as a condition sees it: {@code name} and {@code traits}. */
  public static Map<String, Object> user(User user) {
    return Map.of("name", user.name().value(), "traits", user.traits());
  }
}
