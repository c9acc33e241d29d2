package dev.warden.core.catalog;

import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A role users may request.
 *
 * @param labels free-form labels; the policy names the one that carries the environment
 * @param maxTtl the longest access this role may be granted for, or null for no cap
 */
public record Role(RoleName name, Map<String, String> labels, @Nullable Duration maxTtl) {

  public Role {
    labels = Map.copyOf(labels);
    if (maxTtl != null && (maxTtl.isNegative() || maxTtl.isZero())) {
      throw new IllegalArgumentException("maxTtl of role " + name + " must be positive");
    }
  }
}
