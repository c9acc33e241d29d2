package dev.warden.core.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * How a policy tells which environment a role or resource belongs to.
 *
 * <p>The catalog label named by {@code label} wins where it is present. Where it is absent, the
 * optional name {@code patterns} apply: an environment matches when its name contains one of the
 * environment's substrings, ignoring case. That is the model of the published proof of concept, and
 * it is coarse: the pattern {@code prod} also matches {@code product-analytics}. Patterns apply to
 * role names and to resource ids alike, and one name may match several environments.
 *
 * @param label the catalog label naming the environment, or null to use patterns only
 * @param patterns environment name to lower-case substrings, in file order
 */
public record EnvironmentModel(@Nullable String label, Map<String, List<String>> patterns) {

  public EnvironmentModel {
    Map<String, List<String>> lowered = new LinkedHashMap<>();
    patterns.forEach(
        (env, subs) ->
            lowered.put(env, subs.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList()));
    patterns = java.util.Collections.unmodifiableMap(lowered);
  }

  /** The model used when a policy has no {@code environments} section: the label {@code env}. */
  public static EnvironmentModel defaultModel() {
    return new EnvironmentModel("env", Map.of());
  }

  /**
   * The environments of one role or resource.
   *
   * @param name the role name or resource id
   * @param labels its catalog labels (empty when the catalog does not list it)
   */
  public Set<String> environmentsOf(String name, Map<String, String> labels) {
    if (label != null) {
      String value = labels.get(label);
      if (value != null) {
        return Set.of(value);
      }
    }
    if (patterns.isEmpty()) {
      return Set.of();
    }
    String lower = name.toLowerCase(Locale.ROOT);
    Set<String> found = new TreeSet<>();
    patterns.forEach(
        (env, subs) -> {
          for (String sub : subs) {
            if (lower.contains(sub)) {
              found.add(env);
              return;
            }
          }
        });
    return found;
  }
}
