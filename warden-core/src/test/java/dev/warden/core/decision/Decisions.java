package dev.warden.core.decision;

import static dev.warden.core.decision.Requests.NOW;

import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.UserState;
import dev.warden.core.policy.Policy;
import java.util.ArrayList;
import java.util.List;

/** Shortcuts for deciding and for reading decisions in engine tests. */
final class Decisions {

  private Decisions() {}

  /** Decides {@code request} of {@code state} at {@link Requests#NOW}. */
  static Decision decide(Policy policy, UserState state, String request) {
    return new PolicyEngine(policy).decide(state, RequestId.of(request), NOW);
  }

  /** Decides a resync of {@code state} at {@link Requests#NOW}. */
  static Decision resync(Policy policy, UserState state) {
    return new PolicyEngine(policy).decide(state, NOW);
  }

  /** The reason of the one match of {@code rule}; fails when it matched not exactly once. */
  static String reasonOf(Decision decision, String rule) {
    List<String> reasons = new ArrayList<>();
    for (RuleMatch match : decision.matches()) {
      if (match.rule().equals(rule)) {
        reasons.add(match.reason());
      }
    }
    if (reasons.size() != 1) {
      throw new AssertionError(
          "expected one match of " + rule + " but found " + reasons + " in " + decision);
    }
    return reasons.get(0);
  }

  /** The ids of the requests the decision locks, in action order. */
  static List<String> lockedRequests(Decision decision) {
    List<String> ids = new ArrayList<>();
    for (Action.Lock lock : decision.locks()) {
      if (lock.target() instanceof LockTarget.Request target) {
        ids.add(target.id().value());
      }
    }
    return ids;
  }

  static List<String> ids(List<RequestId> ids) {
    List<String> values = new ArrayList<>();
    ids.forEach(id -> values.add(id.value()));
    return values;
  }
}
