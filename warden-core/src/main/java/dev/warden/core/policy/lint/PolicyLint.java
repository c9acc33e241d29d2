package dev.warden.core.policy.lint;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.Role;
import dev.warden.core.policy.CustomAction;
import dev.warden.core.policy.DefaultOutcome;
import dev.warden.core.policy.EnvironmentModel;
import dev.warden.core.policy.LoadedPolicy;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Rule;
import dev.warden.core.yaml.Position;
import dev.warden.core.yaml.Severity;
import dev.warden.core.yaml.Suggestions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Finds rules of a loaded policy that cannot do what their author most likely meant.
 *
 * <p>Every finding is sound: it is reported only when it holds for every possible request and
 * state, never because it is likely. A rule is <em>shadowed</em> when, whenever it matches, another
 * rule matches too and gives the same outcome, so removing it could change a reason but never an
 * outcome. It is <em>overridden</em> when, whenever it matches, a rule of a stronger kind (deny
 * over escalate over approve) matches too. Conditions count as the same only when their text is the
 * same once white space outside string literals and enclosing parentheses are ignored; two
 * conditions that mean the same but read differently are not reported.
 *
 * <p>The state rules ({@code exclusive-environments}, {@code active-resource-limit}) are applied in
 * policy order, each to what the ones before it kept, so one shadows another only when it comes
 * first: the reverse order can lock more than either rule would alone.
 */
public final class PolicyLint {

  /** Findings by code, for documentation and tests. */
  public static final String UNKNOWN_ENVIRONMENT = "unknown-environment";

  public static final String LIMIT_ABOVE_CATALOG = "limit-above-catalog";
  public static final String UNGRANTABLE_ACCESS = "ungrantable-access";
  public static final String SHADOWED_RULE = "shadowed-rule";
  public static final String OVERRIDDEN_RULE = "overridden-rule";
  public static final String OVERLAPPING_EXCLUSIVE_SETS = "overlapping-exclusive-sets";

  private final LoadedPolicy loaded;
  private final Policy policy;
  private final List<Finding> findings = new ArrayList<>();

  private PolicyLint(LoadedPolicy loaded) {
    this.loaded = loaded;
    this.policy = loaded.policy();
  }

  /**
   * Lints a policy.
   *
   * @param catalog the catalog the policy will govern, or null to skip the checks that need one
   * @return the findings in file order; errors are {@code unknown-environment} only, the rest are
   *     warnings
   */
  public static List<Finding> check(LoadedPolicy loaded, @Nullable Catalog catalog) {
    PolicyLint lint = new PolicyLint(loaded);
    lint.shadowedRules();
    lint.overriddenRules();
    lint.overlappingSets();
    if (catalog != null) {
      lint.unknownEnvironments(catalog);
      lint.limitsAboveCatalog(catalog);
      lint.ungrantableAccess(catalog);
    }
    List<Finding> sorted = new ArrayList<>(lint.findings);
    sorted.sort(
        Comparator.comparingInt((Finding f) -> f.position().line())
            .thenComparingInt(f -> f.position().column())
            .thenComparing(Finding::code)
            .thenComparing(Finding::message));
    return List.copyOf(sorted);
  }

  private void shadowedRules() {
    List<Rule> rules = policy.rules();
    for (int j = 0; j < rules.size(); j++) {
      Rule rule = rules.get(j);
      for (int i = 0; i < rules.size(); i++) {
        if (i == j) {
          continue;
        }
        @Nullable String why = Shadowing.shadowedBy(rule, rules.get(i), i < j);
        // Two rules that shadow each other (say, equal limits) are reported once, at the later.
        boolean mutual = Shadowing.shadowedBy(rules.get(i), rule, j < i) != null;
        if (why != null && (!mutual || i < j)) {
          warn(
              SHADOWED_RULE,
              rule,
              start(rule),
              "rule '"
                  + rule.name()
                  + "' is shadowed by rule '"
                  + rules.get(i).name()
                  + "': "
                  + why
                  + ", so it can never change an outcome",
              "remove it, or loosen or tighten one of the two so that each can decide alone");
          break;
        }
      }
      if (rule instanceof Rule.Custom custom
          && custom.action() == CustomAction.APPROVE
          && policy.defaultOutcome() == DefaultOutcome.APPROVE) {
        warn(
            SHADOWED_RULE,
            rule,
            loaded.rule(rule.name()).of("action"),
            "rule '"
                + rule.name()
                + "' approves, but the policy's default is approve already: it changes the"
                + " reason given, never an outcome",
            "with default: escalate or deny, approve rules name what may pass without a person");
      }
    }
  }

  private void overriddenRules() {
    List<Rule.Custom> custom = new ArrayList<>();
    for (Rule rule : policy.rules()) {
      if (rule instanceof Rule.Custom c) {
        custom.add(c);
      }
    }
    for (Rule rule : policy.rules()) {
      @Nullable String why = overriddenBy(rule, custom);
      if (why != null) {
        warn(
            OVERRIDDEN_RULE,
            rule,
            start(rule),
            "rule '" + rule.name() + "' is overridden: " + why,
            "deny wins over escalate, and escalate over approve; change or remove one of them");
      }
    }
  }

  /** Why a deciding rule of a weaker kind can never have its way, or null. */
  private static @Nullable String overriddenBy(Rule rule, List<Rule.Custom> custom) {
    int strength = strength(rule);
    if (strength == 0) {
      return null;
    }
    for (Rule.Custom other : custom) {
      if (other == rule || strength(other) <= strength) {
        continue;
      }
      String verb = strength(other) == DENY ? "denies" : "escalates";
      if (Conditions.isTrue(other.when())) {
        return "rule '" + other.name() + "' " + verb + " every request (its condition is true)";
      }
      if (rule instanceof Rule.Custom c && Conditions.same(c.when(), other.when())) {
        return "rule '"
            + other.name()
            + "' has the same condition and "
            + verb
            + " whenever this rule matches";
      }
    }
    return null;
  }

  private static final int APPROVE = 1;
  private static final int ESCALATE = 2;
  private static final int DENY = 3;

  /** How strongly a rule decides a pending request: 0 for rules that do not decide one alone. */
  private static int strength(Rule rule) {
    return switch (rule) {
      case Rule.Custom c ->
          switch (c.action()) {
            case APPROVE -> APPROVE;
            case ESCALATE -> ESCALATE;
            case DENY, LOCK_USER -> DENY;
          };
      case Rule.ApprovalRateLimit r -> ESCALATE;
      default -> 0;
    };
  }

  private void overlappingSets() {
    List<Rule> rules = policy.rules();
    for (int j = 0; j < rules.size(); j++) {
      if (!(rules.get(j) instanceof Rule.ExclusiveEnvironments later)) {
        continue;
      }
      for (int i = 0; i < j; i++) {
        if (!(rules.get(i) instanceof Rule.ExclusiveEnvironments earlier)
            || earlier.environments().containsAll(later.environments())) {
          // Disjoint sets do not interact, and a later subset is reported as shadowed.
          continue;
        }
        List<String> shared = new ArrayList<>(later.environments());
        shared.retainAll(earlier.environments());
        if (!shared.isEmpty()) {
          warn(
              OVERLAPPING_EXCLUSIVE_SETS,
              later,
              loaded.rule(later.name()).of("environments"),
              "rule '"
                  + later.name()
                  + "' and rule '"
                  + earlier.name()
                  + "' both list "
                  + String.join(", ", shared)
                  + ": where they disagree on which environment wins, '"
                  + earlier.name()
                  + "' locks first, and together they can lock access that neither would lock"
                  + " alone",
              "merge them into one rule, or make their environment lists disjoint");
        }
      }
    }
  }

  private void unknownEnvironments(Catalog catalog) {
    Map<String, List<String>> members = members(catalog);
    Set<String> present = members.keySet();
    for (Rule rule : policy.rules()) {
      if (!(rule instanceof Rule.ExclusiveEnvironments exclusive)) {
        continue;
      }
      List<String> listed = exclusive.environments();
      for (int i = 0; i < listed.size(); i++) {
        if (!present.contains(listed.get(i))) {
          findings.add(
              new Finding(
                  UNKNOWN_ENVIRONMENT,
                  Severity.ERROR,
                  rule.name(),
                  loaded.rule(rule.name()).item("environments", i),
                  "rule '"
                      + rule.name()
                      + "' names the environment '"
                      + listed.get(i)
                      + "', but no role or resource of the catalog is in it, so that part of"
                      + " the rule can never match",
                  environmentHint(listed.get(i), present)));
        }
      }
    }
  }

  private @Nullable String environmentHint(String environment, Set<String> present) {
    EnvironmentModel model = policy.environments();
    if (present.isEmpty()) {
      return model.label() == null
          ? "no role or resource name matches the policy's environment patterns"
          : "no role or resource of the catalog has the label '" + model.label() + "'";
    }
    String closest = Suggestions.closest(environment, present);
    return (closest == null ? "" : "did you mean '" + closest + "'? ")
        + "the catalog's environments are "
        + String.join(", ", present);
  }

  private void limitsAboveCatalog(Catalog catalog) {
    int resources = catalog.resources().size();
    int roles = catalog.roles().size();
    for (Rule rule : policy.rules()) {
      if (!(rule instanceof Rule.RequestResourceLimit limit)) {
        continue;
      }
      // The broker refuses unknown and repeated names, so a request holds at most every
      // resource (and, counted, every role) of the catalog once.
      int most = limit.countRoles() ? resources + roles : resources;
      String unit = limit.countRoles() ? "roles and resources" : "resources";
      if (limit.max() >= most) {
        warn(
            LIMIT_ABOVE_CATALOG,
            rule,
            loaded.rule(rule.name()).of("max"),
            "rule '"
                + rule.name()
                + "' denies requests for more than "
                + limit.max()
                + " "
                + unit
                + ", but the catalog has "
                + most
                + ", so no request can ever break it",
            "lower max below " + most + ", or remove the rule");
      }
    }
  }

  private void ungrantableAccess(Catalog catalog) {
    EnvironmentModel model = policy.environments();
    Map<String, Set<String>> placed = new LinkedHashMap<>();
    for (Role role : catalog.roles()) {
      placed.put("role " + role.name(), model.environmentsOf(role.name().value(), role.labels()));
    }
    for (Resource resource : catalog.resources()) {
      placed.put(
          "resource " + resource.id(),
          model.environmentsOf(resource.id().value(), resource.labels()));
    }
    for (Rule rule : policy.rules()) {
      if (!(rule instanceof Rule.ExclusiveEnvironments exclusive)) {
        continue;
      }
      placed.forEach(
          (what, environments) -> {
            List<String> listed = new ArrayList<>(exclusive.environments());
            listed.retainAll(environments);
            if (listed.size() >= 2) {
              warn(
                  UNGRANTABLE_ACCESS,
                  rule,
                  loaded.rule(rule.name()).of("environments"),
                  what
                      + " is in "
                      + String.join(" and ", listed)
                      + " at once, so rule '"
                      + rule.name()
                      + "' denies every request for it",
                  "give it one environment (a label wins over name patterns), or narrow the"
                      + " patterns that place it in both");
            }
          });
    }
  }

  /** Each environment the catalog has, with what is in it. */
  private Map<String, List<String>> members(Catalog catalog) {
    EnvironmentModel model = policy.environments();
    Map<String, List<String>> members = new java.util.TreeMap<>();
    for (Role role : catalog.roles()) {
      for (String environment : model.environmentsOf(role.name().value(), role.labels())) {
        members.computeIfAbsent(environment, e -> new ArrayList<>()).add(role.name().value());
      }
    }
    for (Resource resource : catalog.resources()) {
      for (String environment : model.environmentsOf(resource.id().value(), resource.labels())) {
        members.computeIfAbsent(environment, e -> new ArrayList<>()).add(resource.id().value());
      }
    }
    return members;
  }

  private Position start(Rule rule) {
    return loaded.rule(rule.name()).start();
  }

  private void warn(String code, Rule rule, Position at, String message, String hint) {
    findings.add(new Finding(code, Severity.WARNING, rule.name(), at, message, hint));
  }
}
