package dev.warden.cli.bench;

import dev.warden.core.policy.Policy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.Rule;
import dev.warden.core.yaml.InvalidFileException;
import dev.warden.core.yaml.Position;
import dev.warden.core.yaml.Problems;
import dev.warden.core.yaml.YamlDocument;
import dev.warden.core.yaml.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The policy a run enforces and predicts with: a policy file's text, changed at most in the {@code
 * max} of its approval rate limits.
 *
 * <p>Simulated users ask far more often than people do. Under the example policy's budget of five
 * approvals a day, a minute of load at 200 requests/s would turn almost every request into an
 * escalation, which leaves nothing visible to time. So the bench raises the budget just above what
 * one ordinary user asks for in the run, and keeps every other byte of the file; the abusive users
 * are brought to the raised budget before the load starts (see {@link LoadPlan}).
 *
 * @param changes one line per value changed, for the report
 */
public record BenchPolicy(String source, String text, Policy policy, List<String> changes) {

  private static final String BUDGET_TYPE = "approval-rate-limit";

  public BenchPolicy {
    changes = List.copyOf(changes);
  }

  /**
   * Loads a policy file's text.
   *
   * @throws InvalidFileException with every problem the policy loader found
   */
  public static BenchPolicy of(String source, String text) throws InvalidFileException {
    return new BenchPolicy(source, text, PolicyLoader.load(source, text), List.of());
  }

  /** The smallest approval budget of the policy, or {@link Integer#MAX_VALUE} without one. */
  public int approvalBudget() {
    int budget = Integer.MAX_VALUE;
    for (Rule rule : policy.rules()) {
      if (rule instanceof Rule.ApprovalRateLimit limit) {
        budget = Math.min(budget, limit.max());
      }
    }
    return budget;
  }

  /** The smallest pending limit, or {@link Integer#MAX_VALUE} without one. */
  public int pendingLimit() {
    int max = Integer.MAX_VALUE;
    for (Rule rule : policy.rules()) {
      if (rule instanceof Rule.PendingLimit limit) {
        max = Math.min(max, limit.max());
      }
    }
    return max;
  }

  /** The smallest number of resources one request may name, or 3 when no rule limits it. */
  int requestResourceLimit() {
    int max = Integer.MAX_VALUE;
    for (Rule rule : policy.rules()) {
      if (rule instanceof Rule.RequestResourceLimit limit && !limit.countRoles()) {
        max = Math.min(max, limit.max());
      }
    }
    return max == Integer.MAX_VALUE ? 3 : max;
  }

  /** The first two environments the policy keeps apart, if it keeps any apart. */
  Optional<List<String>> exclusivePair() {
    for (Rule rule : policy.rules()) {
      if (rule instanceof Rule.ExclusiveEnvironments exclusive) {
        return Optional.of(exclusive.environments().subList(0, 2));
      }
    }
    return Optional.empty();
  }

  /**
   * This policy with every approval budget below {@code budget} raised to it, edited in place in
   * the file's text so that everything else stays as written.
   */
  public BenchPolicy withApprovalBudgetAtLeast(int budget) throws InvalidFileException {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    List<String> changed = new ArrayList<>(changes);
    for (YamlNode.Scalar max : budgetMaxima()) {
      int current = Integer.parseInt(max.text());
      if (current < budget) {
        replace(lines, max.position(), max.text(), Integer.toString(budget));
        changed.add(
            "approval budget (rule at line "
                + max.position().line()
                + ") raised from "
                + current
                + " to "
                + budget);
      }
    }
    String edited = String.join("\n", lines);
    return new BenchPolicy(source, edited, PolicyLoader.load(source, edited), changed);
  }

  /** The {@code max} scalars of the approval rate limit rules, as the file spells them. */
  private List<YamlNode.Scalar> budgetMaxima() {
    Problems problems = new Problems(source);
    List<YamlNode.Scalar> maxima = new ArrayList<>();
    Optional<YamlNode.Sequence> rules =
        YamlDocument.parse(text, problems)
            .flatMap(root -> root.asMapping("the policy"))
            .flatMap(root -> root.get("rules"))
            .flatMap(node -> node.asSequence("rules"));
    for (YamlNode item : rules.map(YamlNode.Sequence::items).orElse(List.of())) {
      Optional<YamlNode.Mapping> rule = item.asMapping("a rule");
      boolean budget =
          rule.flatMap(r -> r.get("type"))
              .flatMap(t -> t.asText("type"))
              .filter(BUDGET_TYPE::equals)
              .isPresent();
      if (budget && rule.get().get("max").orElse(null) instanceof YamlNode.Scalar max) {
        maxima.add(max);
      }
    }
    return maxima;
  }

  private static void replace(List<String> lines, Position at, String old, String value) {
    int index = at.line() - 1;
    String line = lines.get(index);
    int column = at.column() - 1;
    if (!line.startsWith(old, column)) {
      throw new IllegalStateException(
          "bug: expected '" + old + "' at line " + at.line() + " column " + at.column());
    }
    lines.set(index, line.substring(0, column) + value + line.substring(column + old.length()));
  }
}
