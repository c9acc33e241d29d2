package dev.warden.core.decision;

import dev.warden.core.policy.DefaultOutcome;
import dev.warden.core.policy.EnvironmentModel;
import dev.warden.core.policy.Mode;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Resolve;
import dev.warden.core.policy.Rule;
import java.time.Duration;
import java.util.List;

/** Policies for engine tests: the shipped example and one-rule policies. */
public final class Policies {

  /** A stand-in for the file hash, which the engine does not read. */
  public static final String NO_FILE = "0".repeat(64);

  private Policies() {}

  /** The rules of {@code examples/policy.yaml}, built in code. */
  public static Policy example() {
    return enforcing(DefaultOutcome.APPROVE, exampleRules());
  }

  public static List<Rule> exampleRules() {
    return List.of(
        new Rule.RequestResourceLimit("max-resources-per-request", 3, false),
        new Rule.ActiveResourceLimit("max-active-resources", 3, false, Resolve.LOCK_OLDEST),
        new Rule.ExclusiveEnvironments(
            "production-research-separation",
            List.of("production", "research"),
            Resolve.LOCK_OLDER),
        new Rule.MaxTtl("max-duration", Duration.ofHours(8)),
        new Rule.PendingLimit("no-hoarding", 2),
        new Rule.RequireReason("reason-required", 10),
        new Rule.ApprovalRateLimit("auto-approval-budget", 5, Duration.ofHours(24)));
  }

  /** An enforcing policy over the {@code env} label with these rules. */
  public static Policy enforcing(DefaultOutcome defaultOutcome, List<Rule> rules) {
    return new Policy(
        "test", Mode.ENFORCE, defaultOutcome, EnvironmentModel.defaultModel(), rules, NO_FILE);
  }

  /** An approving policy over the {@code env} label with these rules. */
  public static Policy of(Rule... rules) {
    return enforcing(DefaultOutcome.APPROVE, List.of(rules));
  }

  /** An approving policy that tells environments by these name patterns (and no label). */
  public static Policy withPatterns(EnvironmentModel model, Rule... rules) {
    return new Policy("test", Mode.ENFORCE, DefaultOutcome.APPROVE, model, List.of(rules), NO_FILE);
  }
}
