package dev.warden.core.decision;

import java.util.List;
import java.util.Set;

/**
 * What a decision was based on, recorded so the decision can be explained without the inputs.
 *
 * @param requestEnvironments environments of the pending request (empty without one)
 * @param requestResources resources the pending request asks for
 * @param otherPending the user's other pending requests
 * @param approvalsInWindow approvals counted by the approval-rate-limit rule, or -1 without one
 * @param activeEnvironments environments of the user's active grants before the decision
 * @param activeResources resources held through active grants before the decision
 */
public record Facts(
    Set<String> requestEnvironments,
    int requestResources,
    int otherPending,
    int approvalsInWindow,
    Set<String> activeEnvironments,
    int activeResources) {

  public Facts {
    // Sorted, so that equal decisions also print and serialise the same in every run. The sets of
    // the engine's placements are sorted and immutable already, and kept as they are.
    requestEnvironments = SortedEnvironments.copyOf(requestEnvironments);
    activeEnvironments = SortedEnvironments.copyOf(activeEnvironments);
  }

  /** The facts of a decision that used none, such as one about an unknown request. */
  public static Facts none() {
    return new Facts(Set.of(), 0, 0, -1, Set.of(), 0);
  }

  public List<String> describe() {
    return List.of(
        "request environments " + requestEnvironments,
        "request resources " + requestResources,
        "other pending " + otherPending,
        "approvals in window " + approvalsInWindow,
        "active environments " + activeEnvironments,
        "active resources " + activeResources);
  }
}
