package dev.warden.core.policy;

import dev.warden.core.policy.cel.CelConditionCompiler;
import dev.warden.core.policy.cel.CelProblem;
import dev.warden.core.yaml.Position;
import dev.warden.core.yaml.Problems;
import dev.warden.core.yaml.Suggestions;
import dev.warden.core.yaml.YamlNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code rules} list of a policy file: one reader per rule type, each checking exactly
 * the keys of its type.
 */
final class RuleReader {

  /** The most rules a policy may hold. */
  static final int MAX_RULES = 1000;

  /**
   * The longest rule name. Lock ids are {@code warden-<rule>-<request id>} and, like every id, at
   * most 253 characters, so this leaves 181 characters for the request id.
   */
  static final int MAX_RULE_NAME = 64;

  private static final int MAX_ENVIRONMENTS = 64;

  private static final Map<String, Resolve> LOCK_OLDEST_OR_DENY =
      ordered(Resolve.LOCK_OLDEST, Resolve.DENY_NEW);
  private static final Map<String, Resolve> LOCK_OLDER_OR_DENY =
      ordered(Resolve.LOCK_OLDER, Resolve.DENY_NEW);
  private static final Map<String, CustomAction> ACTIONS = actions();

  /** What one rule type accepts besides {@code name} and {@code type}, and how to read it. */
  private record Spec(Set<String> keys, TypeReader reader) {}

  /** Reads the keys of one rule type into its record, or records why it cannot. */
  @FunctionalInterface
  private interface TypeReader {
    Optional<Rule> read(String name, YamlNode.Mapping node, String where);
  }

  private final Problems problems;
  private final ExpressionLocator locator;
  private final @Nullable EnvironmentModel environments;
  private final Map<String, Spec> specs = new LinkedHashMap<>();
  private final Map<String, Position> names = new HashMap<>();
  private final Map<String, KeyPositions> positions = new LinkedHashMap<>();

  /**
   * Prepares to read the rules of one file.
   *
   * @param environments the policy's environment model, or null when it did not load
   */
  RuleReader(
      Problems problems, ExpressionLocator locator, @Nullable EnvironmentModel environments) {
    this.problems = problems;
    this.locator = locator;
    this.environments = environments;
    specs.put("request-resource-limit", new Spec(Set.of("max", "countRoles"), this::requestLimit));
    specs.put(
        "active-resource-limit",
        new Spec(Set.of("max", "resolve", "countRoles"), this::activeLimit));
    specs.put(
        "exclusive-environments", new Spec(Set.of("environments", "resolve"), this::exclusive));
    specs.put("max-ttl", new Spec(Set.of("max"), this::maxTtl));
    specs.put("pending-limit", new Spec(Set.of("max"), this::pendingLimit));
    specs.put("require-reason", new Spec(Set.of("minLength"), this::requireReason));
    specs.put("approval-rate-limit", new Spec(Set.of("max", "window"), this::approvalRateLimit));
    specs.put("custom", new Spec(Set.of("when", "action", "reason"), this::custom));
  }

  /** Positions within each rule read so far, by rule name. */
  Map<String, KeyPositions> positions() {
    return positions;
  }

  /** Every rule of the list, or empty when any of them is wrong. */
  Optional<List<Rule>> readAll(YamlNode node) {
    Optional<YamlNode.Sequence> sequence = node.asSequence("rules");
    if (sequence.isEmpty()) {
      return Optional.empty();
    }
    List<YamlNode> items = sequence.get().items();
    if (items.size() > MAX_RULES) {
      problems.error(
          node.position(),
          "too-many",
          "the policy has " + items.size() + " rules; the limit is " + MAX_RULES);
      return Optional.empty();
    }

    List<Rule> rules = new ArrayList<>();
    boolean complete = true;
    for (YamlNode item : items) {
      Optional<Rule> rule = item.asMapping("each rule").flatMap(this::read);
      rule.ifPresent(rules::add);
      complete &= rule.isPresent();
    }
    return complete ? Optional.of(rules) : Optional.empty();
  }

  private Optional<Rule> read(YamlNode.Mapping node) {
    Optional<YamlNode> nameNode = node.require("name", "a rule");
    Optional<String> name = nameNode.flatMap(RuleReader::name);
    boolean unique = name.isPresent() && unique(name.get(), nameNode.get());
    String where = name.map(n -> "rule '" + n + "'").orElse("a rule");
    Optional<YamlNode> typeNode = node.require("type", where);
    Optional<String> type = typeNode.flatMap(t -> t.asText("the type of " + where));
    if (type.isEmpty()) {
      return Optional.empty();
    }
    Spec spec = specs.get(type.get());
    if (spec == null) {
      unknownType(typeNode.get(), type.get(), where);
      return Optional.empty();
    }

    Set<String> keys = new HashSet<>(spec.keys());
    keys.add("name");
    keys.add("type");
    node.rejectUnknownKeys(keys, where + " (" + type.get() + ")");
    Optional<Rule> rule = spec.reader().read(name.orElse(""), node, where);

    if (!unique) {
      return Optional.empty();
    }
    positions.put(name.get(), KeyPositions.read(node));
    return rule;
  }

  private static Optional<String> name(YamlNode node) {
    return PolicyFields.identifier(
        node,
        "rule name",
        MAX_RULE_NAME,
        "rule names are part of lock ids (warden-<rule>-<request id>), which are limited to"
            + " 253 characters");
  }

  private boolean unique(String name, YamlNode node) {
    Position first = names.putIfAbsent(name, node.position());
    if (first == null) {
      return true;
    }
    problems.error(
        node.position(),
        "duplicate-rule-name",
        "rule name '" + name + "' is used twice; the first is at line " + first.line(),
        "rule names must be unique: reasons and lock ids name the rule");
    return false;
  }

  private void unknownType(YamlNode node, String type, String where) {
    String closest = Suggestions.closest(type, specs.keySet());
    String all = String.join(", ", new TreeSet<>(specs.keySet()));
    problems.error(
        node.position(),
        "unknown-rule-type",
        "unknown rule type '" + type + "' in " + where,
        closest == null
            ? "the rule types are " + all
            : "did you mean '" + closest + "'? the rule types are " + all);
  }

  private Optional<Rule> requestLimit(String name, YamlNode.Mapping node, String where) {
    Optional<Integer> max = atLeastOne(node, "max", where);
    Optional<Boolean> countRoles = flag(node, "countRoles", where);
    if (max.isEmpty() || countRoles.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Rule.RequestResourceLimit(name, max.get(), countRoles.get()));
  }

  private Optional<Rule> activeLimit(String name, YamlNode.Mapping node, String where) {
    Optional<Integer> max = atLeastOne(node, "max", where);
    Optional<Boolean> countRoles = flag(node, "countRoles", where);
    Optional<Resolve> resolve =
        PolicyFields.choice(
            node, "resolve", "resolve of " + where, LOCK_OLDEST_OR_DENY, Resolve.LOCK_OLDEST);
    if (max.isEmpty() || countRoles.isEmpty() || resolve.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Rule.ActiveResourceLimit(name, max.get(), countRoles.get(), resolve.get()));
  }

  private Optional<Rule> exclusive(String name, YamlNode.Mapping node, String where) {
    Optional<List<String>> listed =
        node.require("environments", where).flatMap(list -> exclusiveEnvironments(list, where));
    Optional<Resolve> resolve =
        PolicyFields.choice(
            node, "resolve", "resolve of " + where, LOCK_OLDER_OR_DENY, Resolve.LOCK_OLDER);
    if (listed.isEmpty() || resolve.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Rule.ExclusiveEnvironments(name, listed.get(), resolve.get()));
  }

  /** At least two environments, each once, each one that the environment model can produce. */
  private Optional<List<String>> exclusiveEnvironments(YamlNode node, String where) {
    Optional<YamlNode.Sequence> sequence = node.asSequence("environments of " + where);
    if (sequence.isEmpty()) {
      return Optional.empty();
    }
    if (sequence.get().items().size() > MAX_ENVIRONMENTS) {
      problems.error(
          node.position(),
          "too-many",
          "environments of "
              + where
              + " has "
              + sequence.get().items().size()
              + " items; the limit is "
              + MAX_ENVIRONMENTS);
      return Optional.empty();
    }

    List<String> listed = new ArrayList<>();
    boolean ok = true;
    for (YamlNode item : sequence.get().items()) {
      Optional<String> environment = PolicyFields.nonBlank(item, "each environment of " + where);
      if (environment.isEmpty()) {
        ok = false;
      } else if (listed.contains(environment.get())) {
        problems.error(
            item.position(),
            "duplicate-environment",
            where + " lists the environment '" + environment.get() + "' twice");
        ok = false;
      } else {
        ok &= producible(item, environment.get(), where);
        listed.add(environment.get());
      }
    }

    if (ok && listed.size() < 2) {
      problems.error(
          node.position(),
          "too-few-environments",
          where
              + " lists "
              + listed.size()
              + " environment"
              + (listed.size() == 1 ? "" : "s")
              + "; exclusive-environments needs at least two",
          "list the environments a user must never hold at the same time, such as"
              + " [production, research]");
      ok = false;
    }
    return ok ? Optional.of(listed) : Optional.empty();
  }

  /**
   * Whether anything can be in {@code environment}. Only decidable here without a label: then the
   * patterns are the only source of environments. With a label, the catalog decides, and {@link
   * PolicyLoader#checkAgainstCatalog} checks it.
   */
  private boolean producible(YamlNode item, String environment, String where) {
    if (environments == null
        || environments.label() != null
        || environments.patterns().containsKey(environment)) {
      return true;
    }
    Set<String> known = environments.patterns().keySet();
    String closest = Suggestions.closest(environment, known);
    problems.error(
        item.position(),
        "unknown-environment",
        where
            + " names the environment '"
            + environment
            + "', but the policy has no label"
            + " and no patterns for it, so nothing can be in it",
        (closest == null ? "" : "did you mean '" + closest + "'? ")
            + "the environments with patterns are "
            + String.join(", ", new TreeSet<>(known)));
    return false;
  }

  private Optional<Rule> maxTtl(String name, YamlNode.Mapping node, String where) {
    return duration(node, "max", where).map(max -> new Rule.MaxTtl(name, max));
  }

  private Optional<Rule> pendingLimit(String name, YamlNode.Mapping node, String where) {
    return atLeastOne(node, "max", where).map(max -> new Rule.PendingLimit(name, max));
  }

  private Optional<Rule> requireReason(String name, YamlNode.Mapping node, String where) {
    Optional<Integer> minLength = atLeastOne(node, "minLength", where);
    if (minLength.isPresent() && minLength.get() > Rule.RequireReason.MAX_MIN_LENGTH) {
      problems.error(
          node.get("minLength").orElseThrow().position(),
          "out-of-range",
          "minLength of "
              + where
              + " is "
              + minLength.get()
              + "; a reason is at most "
              + Rule.RequireReason.MAX_MIN_LENGTH
              + " bytes, so no request could meet it",
          "write a minLength of at most " + Rule.RequireReason.MAX_MIN_LENGTH);
      return Optional.empty();
    }
    return minLength.map(length -> new Rule.RequireReason(name, length));
  }

  private Optional<Rule> approvalRateLimit(String name, YamlNode.Mapping node, String where) {
    Optional<Integer> max = atLeastOne(node, "max", where);
    Optional<Duration> window = duration(node, "window", where);
    if (window.isPresent()
        && (window.get().isNegative()
            || window.get().isZero()
            || window.get().compareTo(Rule.ApprovalRateLimit.MAX_WINDOW) > 0)) {
      problems.error(
          node.get("window").orElseThrow().position(),
          "out-of-range",
          "window of " + where + " is " + window.get() + "; it must be positive and at most P366D",
          "write a window of at most P366D, for example PT24H or P7D");
      return Optional.empty();
    }
    if (max.isEmpty() || window.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Rule.ApprovalRateLimit(name, max.get(), window.get()));
  }

  private Optional<Rule> custom(String name, YamlNode.Mapping node, String where) {
    Optional<YamlNode> whenNode = node.require("when", where);
    Optional<String> when = whenNode.flatMap(w -> PolicyFields.nonBlank(w, "when of " + where));
    Optional<Condition> condition = when.flatMap(w -> compile(whenNode.get(), w, where));
    Optional<CustomAction> action =
        node.require("action", where)
            .flatMap(a -> PolicyFields.choice(a, "action of " + where, ACTIONS));
    Optional<String> reason =
        node.require("reason", where).flatMap(r -> PolicyFields.nonBlank(r, "reason of " + where));
    if (condition.isEmpty() || action.isEmpty() || reason.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Rule.Custom(name, when.get(), condition.get(), action.get(), reason.get()));
  }

  /** Compiles a condition, reporting CEL's problems at their place in the file. */
  private Optional<Condition> compile(YamlNode node, String expression, String where) {
    return switch (CelConditionCompiler.standard().compile(expression)) {
      case CelConditionCompiler.Compiled compiled -> Optional.of(compiled.condition());
      case CelConditionCompiler.Rejected rejected -> {
        for (CelProblem problem : rejected.problems()) {
          Position at =
              problem.positioned()
                  ? locator.locate(node.position(), expression, problem.line(), problem.column())
                  : node.position();
          problems.error(
              at,
              problem.code(),
              "condition of " + where + ": " + problem.message(),
              problem.hint());
        }
        yield Optional.empty();
      }
    };
  }

  private static Optional<Integer> atLeastOne(YamlNode.Mapping node, String key, String where) {
    return node.require(key, where).flatMap(value -> value.asInt(key + " of " + where, 1));
  }

  private static Optional<Boolean> flag(YamlNode.Mapping node, String key, String where) {
    Optional<YamlNode> value = node.get(key);
    return value.isEmpty() ? Optional.of(false) : value.get().asBoolean(key + " of " + where);
  }

  private static Optional<Duration> duration(YamlNode.Mapping node, String key, String where) {
    return node.require(key, where).flatMap(value -> value.asDuration(key + " of " + where));
  }

  private static Map<String, Resolve> ordered(Resolve... values) {
    Map<String, Resolve> byName = new LinkedHashMap<>();
    for (Resolve value : values) {
      byName.put(value.wireName(), value);
    }
    return byName;
  }

  private static Map<String, CustomAction> actions() {
    Map<String, CustomAction> byName = new LinkedHashMap<>();
    for (CustomAction action : CustomAction.values()) {
      byName.put(action.wireName(), action);
    }
    return byName;
  }
}
