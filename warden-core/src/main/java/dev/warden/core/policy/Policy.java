package dev.warden.core.policy;

import java.util.List;

/**
 * A loaded, validated policy. Built by the policy loader; rules keep their file order.
 *
 * @param sha256 the lowercase hex SHA-256 of the policy file's bytes, recorded with decisions
 */
public record Policy(
    String name,
    Mode mode,
    DefaultOutcome defaultOutcome,
    EnvironmentModel environments,
    List<Rule> rules,
    String sha256) {

  public Policy {
    rules = List.copyOf(rules);
  }

  /** The longest window any rule looks back over, so callers know how much history to keep. */
  public java.time.Duration longestWindow() {
    java.time.Duration longest = java.time.Duration.ZERO;
    for (Rule rule : rules) {
      if (rule instanceof Rule.ApprovalRateLimit limit && limit.window().compareTo(longest) > 0) {
        longest = limit.window();
      }
    }
    return longest;
  }
}
