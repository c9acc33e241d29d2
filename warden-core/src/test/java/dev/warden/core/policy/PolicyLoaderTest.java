package dev.warden.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.yaml.Diagnostic;
import dev.warden.core.yaml.Position;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyLoaderTest {

  private static final Path EXAMPLES = Path.of("..", "examples");

  @Test
  void load_examplePolicy_readsEveryRuleInFileOrder() throws Exception {
    String text = Files.readString(EXAMPLES.resolve("policy.yaml"));

    Policy policy = PolicyLoader.load("examples/policy.yaml", text);

    assertThat(policy.name()).isEqualTo("default");
    assertThat(policy.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(policy.defaultOutcome()).isEqualTo(DefaultOutcome.APPROVE);
    assertThat(policy.environments()).isEqualTo(new EnvironmentModel("env", Map.of()));
    assertThat(policy.rules())
        .containsExactly(
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

  @Test
  void load_fullExampleWithCustomRule_compilesTheCondition() throws Exception {
    String text = resource("full-policy.yaml");

    Policy policy = PolicyLoader.load("full-policy.yaml", text);

    assertThat(policy.rules()).hasSize(8);
    assertThat(policy.environments().patterns())
        .containsExactly(
            Map.entry("production", List.of("prod")), Map.entry("research", List.of("research")));
    assertThat(policy.longestWindow()).isEqualTo(Duration.ofHours(24));
    Rule.Custom custom = (Rule.Custom) policy.rules().get(7);
    assertThat(custom.name()).isEqualTo("production-needs-on-call");
    assertThat(custom.when())
        .isEqualTo("\"production\" in request.environments && !(\"oncall\" in user.traits)");
    assertThat(custom.action()).isEqualTo(CustomAction.DENY);
    assertThat(custom.reason()).isEqualTo("production access is for the on-call engineer");
  }

  @Test
  void load_fullExampleCustomRule_holdsOnlyForProductionWithoutOnCall() throws Exception {
    Rule.Custom custom =
        (Rule.Custom) PolicyLoader.load("p", resource("full-policy.yaml")).rules().get(7);
    Map<String, Object> production = request(List.of("production"));
    Map<String, Object> research = request(List.of("research"));
    Map<String, Object> onCall = Map.of("name", "alice", "traits", Map.of("oncall", List.of("1")));
    Map<String, Object> offCall = Map.of("name", "bob", "traits", Map.of("team", List.of("x")));
    Instant now = Instant.parse("2026-01-01T12:00:00Z");

    boolean offCallProduction =
        custom.condition().test(new ConditionInput(production, offCall, List.of(), now));
    boolean onCallProduction =
        custom.condition().test(new ConditionInput(production, onCall, List.of(), now));
    boolean offCallResearch =
        custom.condition().test(new ConditionInput(research, offCall, List.of(), now));

    assertThat(offCallProduction).isTrue();
    assertThat(onCallProduction).isFalse();
    assertThat(offCallResearch).isFalse();
  }

  @Test
  void load_withoutOptionalKeys_appliesTheDocumentedDefaults() throws Exception {
    String text =
        """
        apiVersion: warden/v1
        kind: Policy
        name: minimal
        rules:
          - name: limit
            type: active-resource-limit
            max: 2
          - name: separation
            type: exclusive-environments
            environments: [a, b]
        """;

    Policy policy = PolicyLoader.load("p", text);

    assertThat(policy.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(policy.defaultOutcome()).isEqualTo(DefaultOutcome.APPROVE);
    assertThat(policy.environments()).isEqualTo(EnvironmentModel.defaultModel());
    assertThat(policy.rules())
        .containsExactly(
            new Rule.ActiveResourceLimit("limit", 2, false, Resolve.LOCK_OLDEST),
            new Rule.ExclusiveEnvironments("separation", List.of("a", "b"), Resolve.LOCK_OLDER));
  }

  @Test
  void load_withEveryChoiceSpelledOut_readsEachOne() throws Exception {
    String text =
        """
        apiVersion: warden/v1
        kind: Policy
        name: strict
        mode: dry-run
        default: escalate
        environments:
          patterns:
            production: [PROD, live]
            staging: [stage]
        rules:
          - {name: per-request, type: request-resource-limit, max: 4, countRoles: true}
          - {name: active, type: active-resource-limit, max: 5, resolve: deny-new, countRoles: true}
          - name: split
            type: exclusive-environments
            environments: [production, staging]
            resolve: deny-new
          - name: lock
            type: custom
            when: 'request.ttlSeconds > 3600'
            action: lock-user
            reason: asks for too long
        """;

    Policy policy = PolicyLoader.load("p", text);

    assertThat(policy.mode()).isEqualTo(Mode.DRY_RUN);
    assertThat(policy.defaultOutcome()).isEqualTo(DefaultOutcome.ESCALATE);
    assertThat(policy.environments().label()).isNull();
    assertThat(policy.environments().patterns())
        .containsEntry("production", List.of("prod", "live"))
        .containsEntry("staging", List.of("stage"));
    assertThat(policy.rules().subList(0, 3))
        .containsExactly(
            new Rule.RequestResourceLimit("per-request", 4, true),
            new Rule.ActiveResourceLimit("active", 5, true, Resolve.DENY_NEW),
            new Rule.ExclusiveEnvironments(
                "split", List.of("production", "staging"), Resolve.DENY_NEW));
    assertThat(((Rule.Custom) policy.rules().get(3)).action()).isEqualTo(CustomAction.LOCK_USER);
  }

  @Test
  void load_recordsTheSha256OfTheText() throws Exception {
    String text = Files.readString(EXAMPLES.resolve("policy.yaml"));
    String expected =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));

    Policy policy = PolicyLoader.load("p", text);

    assertThat(policy.sha256()).isEqualTo(expected).hasSize(64).isLowerCase();
  }

  @Test
  void load_textDifferingOnlyInAComment_hasAnotherSha256() throws Exception {
    String text = Files.readString(EXAMPLES.resolve("policy.yaml"));

    String original = PolicyLoader.load("p", text).sha256();
    String commented = PolicyLoader.load("p", text + "# changed\n").sha256();

    assertThat(commented).isNotEqualTo(original);
  }

  @Test
  void loadWithPositions_keepsWhereEachRuleAndItsValuesStart() throws Exception {
    String text = resource("full-policy.yaml");

    LoadedPolicy loaded = PolicyLoader.loadWithPositions("full-policy.yaml", text);

    KeyPositions separation = loaded.rule("production-research-separation");
    assertThat(loaded.source()).isEqualTo("full-policy.yaml");
    assertThat(separation.start()).isEqualTo(new Position(21, 5));
    assertThat(separation.of("environments")).isEqualTo(new Position(23, 19));
    assertThat(separation.item("environments", 1)).isEqualTo(new Position(23, 32));
    assertThat(separation.of("not-written")).isEqualTo(separation.start());
    assertThat(loaded.document().of("rules")).isEqualTo(new Position(13, 3));
  }

  @Test
  void checkAgainstCatalog_exampleFiles_findNothingMissing() throws Exception {
    LoadedPolicy loaded =
        PolicyLoader.loadWithPositions("p", Files.readString(EXAMPLES.resolve("policy.yaml")));
    Catalog catalog = CatalogLoader.load("c", Files.readString(EXAMPLES.resolve("catalog.yaml")));

    List<Diagnostic> diagnostics = PolicyLoader.checkAgainstCatalog(loaded, catalog);

    assertThat(diagnostics).isEmpty();
  }

  @Test
  void checkAgainstCatalog_misspeltEnvironment_pointsAtItAndSuggestsTheCatalogs() throws Exception {
    String text =
        """
        apiVersion: warden/v1
        kind: Policy
        name: p
        rules:
          - name: separation
            type: exclusive-environments
            environments: [production, reserch]
        """;
    LoadedPolicy loaded = PolicyLoader.loadWithPositions("policy.yaml", text);
    Catalog catalog = CatalogLoader.load("c", Files.readString(EXAMPLES.resolve("catalog.yaml")));

    List<Diagnostic> diagnostics = PolicyLoader.checkAgainstCatalog(loaded, catalog);

    assertThat(diagnostics).hasSize(1);
    Diagnostic only = diagnostics.get(0);
    assertThat(only.format())
        .startsWith("policy.yaml:7:32: error: rule 'separation' names the environment 'reserch'")
        .contains("[unknown-environment]")
        .contains("did you mean 'research'?")
        .contains("development, production, research");
  }

  @Test
  void checkAgainstCatalog_catalogWithoutTheLabel_saysNoEntryHasIt() throws Exception {
    LoadedPolicy loaded =
        PolicyLoader.loadWithPositions("p", Files.readString(EXAMPLES.resolve("policy.yaml")));
    Catalog catalog = CatalogLoader.load("c", "roles: [{name: prod-db, labels: {tier: gold}}]\n");

    List<Diagnostic> diagnostics = PolicyLoader.checkAgainstCatalog(loaded, catalog);

    assertThat(diagnostics)
        .extracting(Diagnostic::line, Diagnostic::column, Diagnostic::code)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(20, 20, "unknown-environment"),
            org.assertj.core.groups.Tuple.tuple(20, 32, "unknown-environment"));
    assertThat(diagnostics.get(0).hint()).contains("has the label 'env'");
  }

  @Test
  void checkAgainstCatalog_patternModel_matchesRoleNames() throws Exception {
    String text =
        """
        apiVersion: warden/v1
        kind: Policy
        name: p
        environments:
          patterns: {production: [prod], research: [research]}
        rules:
          - {name: separation, type: exclusive-environments, environments: [production, research]}
        """;
    LoadedPolicy loaded = PolicyLoader.loadWithPositions("p", text);
    Catalog catalog =
        CatalogLoader.load("c", "roles: [{name: prod-db}]\nresources: [{id: node/research-1}]\n");

    List<Diagnostic> diagnostics = PolicyLoader.checkAgainstCatalog(loaded, catalog);

    assertThat(diagnostics).isEmpty();
  }

  private static Map<String, Object> request(List<String> environments) {
    return Map.of(
        "id",
        "r-1",
        "user",
        "bob",
        "roles",
        List.of("some-role"),
        "resources",
        List.of(),
        "environments",
        environments,
        "reason",
        "investigating an incident",
        "ttlSeconds",
        3600L,
        "created",
        Instant.parse("2026-01-01T11:00:00Z"));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PolicyLoaderTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("test resource " + name + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
