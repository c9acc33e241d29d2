package dev.warden.core.decision;

import dev.warden.core.policy.Rule;
import java.util.List;
import java.util.Set;

/**
 * Where a role, resource or request lies: its environments, and where those fall among the
 * environments of each exclusive-environments rule, worked out once rather than per decision.
 *
 * @param codes for each exclusive-environments rule of the policy, in policy order: the index of
 *     the one listed environment this lies in, {@link #NONE} or {@link #SPANS}
 * @param id a small number that tells the placements of one index apart, or -1 for a placement made
 *     for one decision (a request spanning several, a role the catalog does not list)
 */
record Placement(Set<String> environments, int[] codes, int id) {

  /** In none of the rule's environments. */
  static final int NONE = -1;

  /** In two or more of the rule's environments at once. */
  static final int SPANS = -2;

  static Placement of(Set<String> environments, List<Rule.ExclusiveEnvironments> separations) {
    return of(environments, separations, -1);
  }

  static Placement of(
      Set<String> environments, List<Rule.ExclusiveEnvironments> separations, int id) {
    int[] codes = new int[separations.size()];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = code(environments, separations.get(i));
    }
    return new Placement(environments, codes, id);
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
