package dev.warden.core.cases;

import dev.warden.core.decision.Outcome;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a case expects of the decision.
 *
 * @param rules rules that must be among those that matched, or null to not check
 * @param locks exactly the targets that must be locked (request ids, or {@code user:NAME} for a
 *     user lock), or null to not check
 */
public record Expectation(
    Outcome outcome, @Nullable List<String> rules, @Nullable List<String> locks) {

  public Expectation {
    rules = rules == null ? null : List.copyOf(rules);
    locks = locks == null ? null : List.copyOf(locks);
  }
}
