package dev.warden.core.policy;

import java.util.Map;

/**
 * A policy together with where it came from: the file name and the position of every rule, for
 * diagnostics found after loading.
 *
 * @param source the file name as given to the loader
 * @param document positions of the policy's top-level keys
 * @param rules positions within each rule, by rule name
 */
public record LoadedPolicy(
    Policy policy, String source, KeyPositions document, Map<String, KeyPositions> rules) {

  public LoadedPolicy {
    rules = Map.copyOf(rules);
    for (Rule rule : policy.rules()) {
      if (!rules.containsKey(rule.name())) {
        throw new IllegalArgumentException("no positions for rule '" + rule.name() + "'");
      }
    }
  }

  /**
   * Positions within the rule called {@code name}.
   *
   * @throws IllegalArgumentException when the policy has no such rule
   */
  public KeyPositions rule(String name) {
    KeyPositions positions = rules.get(name);
    if (positions == null) {
      throw new IllegalArgumentException(
          "policy '" + policy.name() + "' has no rule named '" + name + "'");
    }
    return positions;
  }
}
