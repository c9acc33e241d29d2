package dev.warden.core.policy;

import dev.warden.core.Identifiers;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.Role;
import dev.warden.core.yaml.Diagnostic;
import dev.warden.core.yaml.InvalidFileException;
import dev.warden.core.yaml.Problems;
import dev.warden.core.yaml.Suggestions;
import dev.warden.core.yaml.YamlDocument;
import dev.warden.core.yaml.YamlNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a policy file (format {@code warden/v1}) into a {@link Policy}.
 *
 * <p>Every problem of the file is collected, each with its line, column and a stable code, before
 * the file is rejected; nothing of a rejected file is returned, so a caller that keeps its previous
 * policy on error keeps it whole. Custom conditions are compiled here, so a policy that loads has
 * no CEL error left.
 *
 * <p>Defaults: {@code mode} is {@code enforce}; {@code default} is {@code approve}, the outcome the
 * shipped policy states, so that requests no rule objects to flow without a person; without an
 * {@code environments} section the catalog label {@code env} names environments. {@code rules} is
 * required, though it may be an empty list, so that a misplaced or misindented rules list is not
 * read as "no rules".
 */
public final class PolicyLoader {

  public static final String API_VERSION = "warden/v1";
  public static final String KIND = "Policy";

  /** The most rules a policy may hold. */
  public static final int MAX_RULES = RuleReader.MAX_RULES;

  /** The longest string a policy may hold, in UTF-8 bytes; conditions included. */
  public static final int MAX_TEXT_BYTES = PolicyFields.MAX_TEXT_BYTES;

  /** The longest rule name, so that lock ids named after rules stay valid ids. */
  public static final int MAX_RULE_NAME = RuleReader.MAX_RULE_NAME;

  private static final Set<String> KEYS =
      Set.of("apiVersion", "kind", "name", "mode", "default", "environments", "rules");
  private static final int MAX_PATTERNS = 64;

  private final Problems problems;
  private final String text;

  private PolicyLoader(Problems problems, String text) {
    this.problems = problems;
    this.text = text;
  }

  /**
   * Parses a policy.
   *
   * @param source the file name to use in messages
   * @param text the file's contents
   * @throws InvalidFileException with every problem found, each with its line and column
   */
  public static Policy load(String source, String text) throws InvalidFileException {
    return loadWithPositions(source, text).policy();
  }

  /**
   * Parses a policy file's bytes, which must be UTF-8; where they are not is a positioned error
   * like any other.
   *
   * @see #load(String, String)
   */
  public static LoadedPolicy loadWithPositions(String source, byte[] bytes)
      throws InvalidFileException {
    Problems problems = new Problems(source);
    Optional<String> text = YamlDocument.decode(bytes, problems);
    problems.throwIfErrors();
    return loadWithPositions(source, text.orElseThrow());
  }

  /**
   * Parses a policy and keeps the position of each rule, for checks made after loading.
   *
   * @see #load(String, String)
   */
  public static LoadedPolicy loadWithPositions(String source, String text)
      throws InvalidFileException {
    Problems problems = new Problems(source);
    PolicyLoader loader = new PolicyLoader(problems, text);
    Optional<LoadedPolicy> loaded =
        YamlDocument.parse(text, problems)
            .flatMap(root -> root.asMapping("the policy"))
            .flatMap(loader::read);
    problems.throwIfErrors();
    return loaded.orElseThrow(() -> new IllegalStateException("bug: no policy and no error"));
  }

  /**
   * Checks a loaded policy against a catalog: every environment an {@code exclusive-environments}
   * rule names must be the environment of at least one role or resource, or the rule can never
   * match, which is almost always a misspelling.
   *
   * @return one error per environment that nothing in the catalog is in, positioned at the
   *     environment in the policy file; empty when all are found
   */
  public static List<Diagnostic> checkAgainstCatalog(LoadedPolicy loaded, Catalog catalog) {
    EnvironmentModel model = loaded.policy().environments();
    Set<String> present = new TreeSet<>();
    for (Role role : catalog.roles()) {
      present.addAll(model.environmentsOf(role.name().value(), role.labels()));
    }
    for (Resource resource : catalog.resources()) {
      present.addAll(model.environmentsOf(resource.id().value(), resource.labels()));
    }

    Problems problems = new Problems(loaded.source());
    for (Rule rule : loaded.policy().rules()) {
      if (rule instanceof Rule.ExclusiveEnvironments exclusive) {
        List<String> listed = exclusive.environments();
        for (int i = 0; i < listed.size(); i++) {
          if (!present.contains(listed.get(i))) {
            problems.error(
                loaded.rule(rule.name()).item("environments", i),
                "unknown-environment",
                "rule '"
                    + rule.name()
                    + "' names the environment '"
                    + listed.get(i)
                    + "', but no role or resource of the catalog is in it",
                catalogHint(listed.get(i), present, model));
          }
        }
      }
    }
    return problems.all();
  }

  private static String catalogHint(
      String environment, Set<String> present, EnvironmentModel model) {
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

  private Optional<LoadedPolicy> read(YamlNode.Mapping root) {
    root.rejectUnknownKeys(KEYS, "the policy");
    constant(root, "apiVersion", API_VERSION, "bad-api-version");
    constant(root, "kind", KIND, "bad-kind");
    Optional<String> name =
        root.require("name", "the policy")
            .flatMap(
                node ->
                    PolicyFields.identifier(
                        node,
                        "policy name",
                        Identifiers.MAX_LENGTH,
                        "the policy name is recorded with every decision"));
    Optional<Mode> mode = PolicyFields.choice(root, "mode", "mode", modes(), Mode.ENFORCE);
    Optional<DefaultOutcome> outcome =
        PolicyFields.choice(root, "default", "default", outcomes(), DefaultOutcome.APPROVE);
    Optional<EnvironmentModel> environments =
        root.get("environments")
            .map(this::environments)
            .orElseGet(() -> Optional.of(EnvironmentModel.defaultModel()));

    RuleReader reader =
        new RuleReader(problems, new ExpressionLocator(text), environments.orElse(null));
    Optional<List<Rule>> rules = root.require("rules", "the policy").flatMap(reader::readAll);

    if (problems.hasErrors()) {
      return Optional.empty();
    }
    Policy policy =
        new Policy(
            present(name),
            present(mode),
            present(outcome),
            present(environments),
            present(rules),
            sha256(text));
    return Optional.of(
        new LoadedPolicy(policy, problems.source(), KeyPositions.read(root), reader.positions()));
  }

  /** A key that must hold exactly one value in this version of the format. */
  private void constant(YamlNode.Mapping root, String key, String expected, String code) {
    Optional<YamlNode> node = root.require(key, "the policy");
    Optional<String> value = node.flatMap(n -> n.asText(key));
    if (value.isPresent() && !value.get().equals(expected)) {
      problems.error(
          node.get().position(),
          code,
          key + " is '" + value.get() + "'; this version of Warden reads '" + expected + "'",
          "write " + key + ": " + expected);
    }
  }

  private Optional<EnvironmentModel> environments(YamlNode node) {
    Optional<YamlNode.Mapping> mapping = node.asMapping("environments");
    if (mapping.isEmpty()) {
      return Optional.empty();
    }
    YamlNode.Mapping section = mapping.get();
    section.rejectUnknownKeys(Set.of("label", "patterns"), "environments");
    if (!section.has("label") && !section.has("patterns")) {
      problems.error(
          section.position(),
          "missing-key",
          "environments needs 'label', 'patterns' or both",
          "for example: environments: {label: env}");
      return Optional.empty();
    }

    Optional<YamlNode> labelNode = section.get("label");
    Optional<String> label = labelNode.flatMap(l -> PolicyFields.nonBlank(l, "environments.label"));
    Optional<Map<String, List<String>>> patterns =
        section.get("patterns").map(this::patterns).orElseGet(() -> Optional.of(Map.of()));
    if ((labelNode.isPresent() && label.isEmpty()) || patterns.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new EnvironmentModel(label.orElse(null), patterns.get()));
  }

  private Optional<Map<String, List<String>>> patterns(YamlNode node) {
    Optional<YamlNode.Mapping> mapping = node.asMapping("environments.patterns");
    if (mapping.isEmpty()) {
      return Optional.empty();
    }
    Map<String, List<String>> patterns = new LinkedHashMap<>();
    boolean ok = true;
    for (YamlNode.Mapping.Entry entry : mapping.get().entries()) {
      Optional<List<String>> substrings = substrings(entry);
      substrings.ifPresent(list -> patterns.put(entry.key(), list));
      ok &= substrings.isPresent();
    }
    return ok ? Optional.of(patterns) : Optional.empty();
  }

  /** The substrings of one environment; an empty one would match every name, so none is. */
  private Optional<List<String>> substrings(YamlNode.Mapping.Entry entry) {
    String what = "the patterns of environment '" + entry.key() + "'";
    if (entry.key().isBlank()) {
      problems.error(entry.keyPosition(), "empty-value", "an environment name must not be empty");
      return Optional.empty();
    }
    Optional<List<String>> list =
        entry.value().asStringList(what, MAX_PATTERNS, PolicyFields.MAX_TEXT_BYTES);
    if (list.isEmpty()) {
      return list;
    }
    if (list.get().isEmpty()) {
      problems.error(entry.value().position(), "empty-value", what + " must not be empty");
      return Optional.empty();
    }
    if (list.get().stream().anyMatch(String::isEmpty)) {
      problems.error(
          entry.value().position(),
          "empty-value",
          what + " include an empty pattern, which every name contains");
      return Optional.empty();
    }
    return list;
  }

  private static <T> T present(Optional<T> value) {
    return value.orElseThrow(() -> new IllegalStateException("bug: a value is missing, no error"));
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static Map<String, Mode> modes() {
    Map<String, Mode> byName = new LinkedHashMap<>();
    for (Mode mode : Mode.values()) {
      byName.put(mode.wireName(), mode);
    }
    return byName;
  }

  private static Map<String, DefaultOutcome> outcomes() {
    Map<String, DefaultOutcome> byName = new LinkedHashMap<>();
    for (DefaultOutcome outcome : DefaultOutcome.values()) {
      byName.put(outcome.name().toLowerCase(Locale.ROOT), outcome);
    }
    return byName;
  }
}
