package dev.warden.broker.auth;

import dev.warden.core.yaml.InvalidFileException;
import dev.warden.core.yaml.Problems;
import dev.warden.core.yaml.Suggestions;
import dev.warden.core.yaml.YamlDocument;
import dev.warden.core.yaml.YamlNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a roles file: a list of roles, each a name and a list of {@code {resource, verbs}} rules
 * with an optional {@code scope}. Every problem is collected with its position before the file is
 * rejected.
 *
 * <pre>
 * roles:
 *   - name: auditor
 *     description: Reads the audit trail and every request.
 *     rules:
 *       - resource: events
 *         verbs: [list]
 *       - resource: requests
 *         verbs: [list, read]
 * </pre>
 */
final class RoleFile {

  private static final int MAX_ROLES = 1000;
  private static final int MAX_RULES = 100;
  private static final int MAX_TEXT = 1024;

  private RoleFile() {}

  static RoleBook read(String source, String text, RoleBook base) throws InvalidFileException {
    Problems problems = new Problems(source);
    List<RoleDefinition> roles = parse(text, problems, base, false);
    problems.throwIfErrors();
    return base.plus(roles);
  }

  static RoleBook readBuiltIn(String source, String text) throws InvalidFileException {
    Problems problems = new Problems(source);
    List<RoleDefinition> roles = parse(text, problems, new RoleBook(List.of()), true);
    problems.throwIfErrors();
    return new RoleBook(roles);
  }

  private static List<RoleDefinition> parse(
      String text, Problems problems, RoleBook base, boolean builtIn) {
    Optional<YamlNode.Mapping> root =
        YamlDocument.parse(text, problems).flatMap(r -> r.asMapping("the roles file"));
    if (root.isEmpty()) {
      return List.of();
    }
    root.get().rejectUnknownKeys(Set.of("roles"), "the roles file");
    Optional<YamlNode.Sequence> list =
        root.get().require("roles", "the roles file").flatMap(n -> n.asSequence("roles"));
    if (list.isEmpty()) {
      return List.of();
    }
    if (list.get().items().size() > MAX_ROLES) {
      problems.error(
          list.get().position(),
          "too-many",
          "the file defines " + list.get().items().size() + " roles; the limit is " + MAX_ROLES);
      return List.of();
    }
    List<RoleDefinition> roles = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlNode item : list.get().items()) {
      item.asMapping("each role")
          .flatMap(role -> role(role, problems, base, names, builtIn))
          .ifPresent(roles::add);
    }
    return roles;
  }

  private static Optional<RoleDefinition> role(
      YamlNode.Mapping role, Problems problems, RoleBook base, Set<String> names, boolean builtIn) {
    role.rejectUnknownKeys(Set.of("name", "description", "rules"), "a role");
    Optional<YamlNode> nameNode = role.require("name", "a role");
    Optional<String> name = nameNode.flatMap(n -> n.asString("name", 63));
    String description =
        role.get("description").flatMap(n -> n.asString("description", MAX_TEXT)).orElse("");
    List<Rule> rules = rules(role, problems);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    YamlNode at = nameNode.get();
    if (!RoleDefinition.isRoleName(name.get())) {
      problems.error(
          at.position(),
          "bad-name",
          "role name '" + name.get() + "' is not lower-case letters, digits and -",
          "certificates carry role names as they are, so they are kept simple: auditor, lock-bot");
      return Optional.empty();
    }
    if (base.find(name.get()).isPresent()) {
      problems.error(
          at.position(),
          "redefines-built-in",
          "role '" + name.get() + "' is built in and cannot be redefined",
          "give your role another name; the built-in roles are " + base.names());
      return Optional.empty();
    }
    if (!names.add(name.get())) {
      problems.error(at.position(), "duplicate-role", "role '" + name.get() + "' is defined twice");
      return Optional.empty();
    }
    if (rules.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new RoleDefinition(name.get(), description, rules, builtIn));
  }

  /** The role's rules; empty after recording a problem. */
  private static List<Rule> rules(YamlNode.Mapping role, Problems problems) {
    Optional<YamlNode> node = role.require("rules", "a role");
    Optional<YamlNode.Sequence> list = node.flatMap(n -> n.asSequence("rules"));
    if (list.isEmpty()) {
      return List.of();
    }
    if (list.get().items().isEmpty()) {
      problems.error(list.get().position(), "no-rules", "a role needs at least one rule");
      return List.of();
    }
    if (list.get().items().size() > MAX_RULES) {
      problems.error(
          list.get().position(),
          "too-many",
          "the role has " + list.get().items().size() + " rules; the limit is " + MAX_RULES);
      return List.of();
    }
    List<Rule> rules = new ArrayList<>();
    boolean ok = true;
    for (YamlNode item : list.get().items()) {
      Optional<Rule> rule = item.asMapping("each rule").flatMap(r -> rule(r, problems));
      if (rule.isPresent()) {
        rules.add(rule.get());
      } else {
        ok = false;
      }
    }
    return ok ? rules : List.of();
  }

  private static Optional<Rule> rule(YamlNode.Mapping rule, Problems problems) {
    rule.rejectUnknownKeys(Set.of("resource", "verbs", "scope"), "a rule");
    Optional<Resource> resource =
        rule.require("resource", "a rule").flatMap(n -> resource(n, problems));
    Optional<YamlNode> verbsNode = rule.require("verbs", "a rule");
    Optional<Set<Verb>> verbs = verbsNode.flatMap(n -> verbs(n, problems));
    Optional<YamlNode> scopeNode = rule.get("scope");
    Optional<Scope> scope =
        scopeNode.isEmpty()
            ? Optional.of(Scope.ALL)
            : scopeNode.get().asString("scope", MAX_TEXT).flatMap(s -> scope(s, scopeNode.get()));
    if (resource.isEmpty() || verbs.isEmpty() || scope.isEmpty()) {
      return Optional.empty();
    }
    String wrongVerb = Rule.verbProblem(resource.get(), verbs.get());
    if (wrongVerb != null) {
      problems.error(verbsNode.get().position(), "bad-verb", wrongVerb);
      return Optional.empty();
    }
    String wrongScope = Rule.scopeProblem(resource.get(), verbs.get(), scope.get());
    if (wrongScope != null) {
      problems.error(scopeNode.orElse(rule).position(), "bad-scope", wrongScope);
      return Optional.empty();
    }
    return Optional.of(new Rule(resource.get(), verbs.get(), scope.get()));
  }

  private static Optional<Resource> resource(YamlNode node, Problems problems) {
    return node.asString("resource", MAX_TEXT)
        .flatMap(
            text -> {
              Optional<Resource> resource = Resource.parse(text);
              if (resource.isEmpty()) {
                problems.error(
                    node.position(),
                    "unknown-resource",
                    "unknown resource '" + text + "'",
                    suggestion(text, Resource.names()));
              }
              return resource;
            });
  }

  private static Optional<Set<Verb>> verbs(YamlNode node, Problems problems) {
    Optional<YamlNode.Sequence> list = node.asSequence("verbs");
    if (list.isEmpty()) {
      return Optional.empty();
    }
    if (list.get().items().isEmpty()) {
      problems.error(node.position(), "no-verbs", "a rule needs at least one verb");
      return Optional.empty();
    }
    Set<Verb> verbs = EnumSet.noneOf(Verb.class);
    boolean ok = true;
    for (YamlNode item : list.get().items()) {
      Optional<String> text = item.asString("each verb", MAX_TEXT);
      Optional<Verb> verb = text.flatMap(Verb::parse);
      if (verb.isPresent()) {
        verbs.add(verb.get());
      } else {
        ok = false;
        text.ifPresent(
            t ->
                problems.error(
                    item.position(),
                    "unknown-verb",
                    "unknown verb '" + t + "'",
                    suggestion(t, Verb.names())));
      }
    }
    return ok ? Optional.of(verbs) : Optional.empty();
  }

  private static Optional<Scope> scope(String text, YamlNode node) {
    try {
      return Optional.of(Scope.parse(text));
    } catch (IllegalArgumentException e) {
      node.problems().error(node.position(), "bad-scope", e.getMessage());
      return Optional.empty();
    }
  }

  private static String suggestion(String word, List<String> known) {
    String closest = Suggestions.closest(word, known);
    String all = String.join(", ", known);
    return closest == null
        ? "the known ones are " + all
        : "did you mean '" + closest + "'? the known ones are " + all;
  }
}
