package dev.warden.core.decision;

import dev.warden.core.access.RequestId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What {@code decide} concluded for one user, and why.
 *
 * @param request the pending request decided, or null for a resync of the user's grants
 * @param actions what to do, in order: every lock before the approval that needs it
 * @param matches every rule that matched, in policy order
 * @param errors rules that could not be evaluated; they make the outcome ESCALATE unless another
 *     rule denies the request, since a denial does not depend on them
 * @param before the user's grants before the actions
 * @param after the user's grants once the actions are applied
 */
public record Decision(
    Outcome outcome,
    @Nullable RequestId request,
    List<Action> actions,
    List<RuleMatch> matches,
    List<RuleError> errors,
    Snapshot before,
    Snapshot after,
    Facts facts) {

  public Decision {
    actions = List.copyOf(actions);
    matches = List.copyOf(matches);
    errors = List.copyOf(errors);
  }

  /** Whether carrying out this decision changes anything at the broker. */
  public boolean changesAnything() {
    return !actions.isEmpty();
  }

  /** The lock actions, in order. */
  public List<Action.Lock> locks() {
    List<Action.Lock> locks = new ArrayList<>();
    for (Action action : actions) {
      if (action instanceof Action.Lock lock) {
        locks.add(lock);
      }
    }
    return locks;
  }

  /**
   * One paragraph a person can read: the outcome and every reason, the same text that logs, the CLI
   * and the audit trail print.
   */
  public String explanation() {
    StringBuilder text = new StringBuilder();
    text.append(outcome);
    if (request != null) {
      text.append(' ').append(request);
    }
    if (!matches.isEmpty()) {
      text.append(": ")
          .append(
              matches.stream()
                  .map(m -> m.rule() + ": " + m.reason())
                  .collect(Collectors.joining("; ")));
    }
    for (RuleError error : errors) {
      text.append("; rule ")
          .append(error.rule())
          .append(" could not be evaluated: ")
          .append(error.message());
    }
    return text.toString();
  }
}
