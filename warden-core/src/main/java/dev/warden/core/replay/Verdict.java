package dev.warden.core.replay;

import dev.warden.core.decision.Outcome;
import java.util.List;

/**
 * What one side of a replay decided about a request.
 *
 * @param rules each matched rule as {@code name: reason}, or only its name when the history
 *     recorded no reason
 * @param locks what the decision locks: request ids, or {@code kind:value} for other targets
 */
public record Verdict(Outcome outcome, List<String> rules, List<String> locks) {

  public Verdict {
    rules = List.copyOf(rules);
    locks = List.copyOf(locks);
  }
}
