package dev.warden.core.cases;

import dev.warden.core.decision.Decision;
import java.util.List;

/**
 * How one case went.
 *
 * @param rules every rule that matched or could not be evaluated, in the decision's order
 * @param locks what the decision locks: request ids, or {@code kind:value} for other targets
 * @param mismatches what differs from the expectation, in words; empty when the case passed
 */
public record CaseResult(
    PolicyCase testCase,
    Decision decision,
    List<String> rules,
    List<String> locks,
    List<String> mismatches) {

  public CaseResult {
    rules = List.copyOf(rules);
    locks = List.copyOf(locks);
    mismatches = List.copyOf(mismatches);
  }

  public boolean passed() {
    return mismatches.isEmpty();
  }

  /** {@code expected APPROVE, rules [a], locks [r1]; got DENY, rules [b], locks []}. */
  public String comparison() {
    Expectation expect = testCase.expect();
    StringBuilder text = new StringBuilder("expected ").append(expect.outcome());
    if (expect.rules() != null) {
      text.append(", rules ").append(expect.rules());
    }
    if (expect.locks() != null) {
      text.append(", locks ").append(expect.locks());
    }
    return text.append("; got ")
        .append(decision.outcome())
        .append(", rules ")
        .append(rules)
        .append(", locks ")
        .append(locks)
        .toString();
  }
}
