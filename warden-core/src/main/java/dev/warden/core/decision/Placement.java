package dev.warden.core.decision;

import dev.warden.core.policy.Rule;
import java.util.List;
import java.util.Set;

/**
 * Where a role, resource or request lies: its environments, and where those fall among the
 * environments of each exclusive-environments rule, worked out once rather than per decision.
 *
 * @param environments sorted, and never changed, so that {@link Facts} can keep it as it is
 * @param codes for each exclusive-environments rule of the policy, in policy order: the index of
 *     the one listed environment this lies in, {@link #NONE} or {@link #SPANS}
 * @param bits the environments as bits of the {@link EnvironmentIndex} that made this placement, so
 *     that a union of placements is an OR; {@link #NO_BITS} when the index has too many
 *     environments to number them so
 */
record Placement(Set<String> environments, int[] codes, long bits) {

  /** In none of the rule's environments. */
  static final int NONE = -1;

  /** In two or more of the rule's environments at once. */
  static final int SPANS = -2;

  /** The bits of a placement whose environments have no numbers. */
  static final long NO_BITS = -1;

  Placement {
    environments = SortedEnvironments.copyOf(environments);
  }

  static Placement of(
      Set<String> environments, List<Rule.ExclusiveEnvironments> separations, long bits) {
    int[] codes = new int[separations.size()];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = code(environments, separations.get(i));
    }
    return new Placement(environments, codes, bits);
  }

  private static int code(Set<String> environments, Rule.ExclusiveEnvironments rule) {
    int code = NONE;
    List<String> listed = rule.environments();
    for (int i = 0; i < listed.size() && !environments.isEmpty(); i++) {
      if (environments.contains(listed.get(i))) {
        if (code != NONE) {
          return SPANS;
        }
        code = i;
      }
    }
    return code;
  }
}
