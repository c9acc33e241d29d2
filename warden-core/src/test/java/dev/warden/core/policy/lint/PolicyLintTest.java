package dev.warden.core.policy.lint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.policy.LoadedPolicy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.yaml.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PolicyLintTest {

  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final String HEAD =
      """
      apiVersion: warden/v1
      kind: Policy
      name: p
      """;

  private static Catalog catalog;

  @BeforeAll
  static void loadCatalog() throws Exception {
    catalog = CatalogLoader.load("c", Files.readString(EXAMPLES.resolve("catalog.yaml")));
  }

  @Test
  void check_examplePolicyAndCatalog_findsNothing() throws Exception {
    LoadedPolicy loaded =
        PolicyLoader.loadWithPositions("p", Files.readString(EXAMPLES.resolve("policy.yaml")));

    List<Finding> findings = PolicyLint.check(loaded, catalog);

    assertThat(findings).isEmpty();
  }

  @Test
  void check_looserRequestLimit_isShadowedByTheStricterWhereverItStands() throws Exception {
    LoadedPolicy loaded =
        policy(
            """
            default: escalate
            rules:
              - {name: loose, type: request-resource-limit, max: 5}
              - {name: strict, type: request-resource-limit, max: 3, countRoles: true}
            """);

    List<Finding> findings = PolicyLint.check(loaded, null);

    assertThat(findings)
        .extracting(Finding::code, Finding::rule, Finding::severity)
        .containsExactly(tuple("shadowed-rule", "loose", Severity.WARNING));
    assertThat(findings.get(0).position().line()).isEqualTo(6);
    assertThat(findings.get(0).message())
        .contains("shadowed by rule 'strict'")
        .contains("more than 3 roles and resources");
  }

  @Test
  void check_strictLimitCountingOnlyResources_doesNotShadowOneCountingRoles() throws Exception {
    LoadedPolicy loaded =
        policy(
            """
            rules:
              - {name: resources, type: request-resource-limit, max: 3}
              - {name: everything, type: request-resource-limit, max: 3, countRoles: true}
            """);

    List<Finding> findings = PolicyLint.check(loaded, null);

    assertThat(findings).extracting(Finding::rule).containsExactly("resources");
  }

  @Test
  void check_twoEqualRules_reportsOnlyTheLater() throws Exception {
    LoadedPolicy loaded =
        policy(
            """
            rules:
              - {name: first, type: max-ttl, max: PT8H}
              - {name: second, type: max-ttl, max: PT480M}
              - {name: reason-a, type: require-reason, minLength: 10}
              - {name: reason-b, type: require-reason, minLength: 4}
              - {name: pending-a, type: pending-limit, max: 2}
              - {name: pending-b, type: pending-limit, max: 3}
            """);

    List<Finding> findings = PolicyLint.check(loaded, null);

    assertThat(findings)
        .extracting(Finding::code, Finding::rule)
        .containsExactly(
            tuple("shadowed-rule", "second"),
            tuple("shadowed-rule", "reason-b"),
            tuple("shadowed-rule", "pending-b"));
  }

  @Test
  void check_activeLimits_shadowOnlyWhenTheStricterComesFirst() throws Exception {
    LoadedPolicy stricterFirst =
        policy(
            """
            rules:
              - {name: strict, type: active-resource-limit, max: 2}
              - {name: loose, type: active-resource-limit, max: 4, resolve: deny-new}
            """);
    LoadedPolicy looserFirst =
        policy(
            """
            rules:
              - {name: loose, type: active-resource-limit, max: 4}
              - {name: strict, type: active-resource-limit, max: 2}
            """);

    List<Finding> shadowed = PolicyLint.check(stricterFirst, null);
    List<Finding> notShadowed = PolicyLint.check(looserFirst, null);

    assertThat(shadowed).extracting(Finding::rule).containsExactly("loose");
    assertThat(notShadowed).isEmpty();
  }

  @Test
  void check_exclusiveSubsetAfterSuperset_isShadowed_andBeforeItOverlaps() throws Exception {
    LoadedPolicy subsetAfter =
        policy(
            """
            rules:
              - {name: all, type: exclusive-environments,
                 environments: [production, research, development]}
              - {name: two, type: exclusive-environments, environments: [research, production]}
            """);
    LoadedPolicy subsetBefore =
        policy(
            """
            rules:
              - {name: two, type: exclusive-environments, environments: [production, research]}
              - {name: all, type: exclusive-environments,
                 environments: [production, research, development]}
            """);

    List<Finding> after = PolicyLint.check(subsetAfter, catalog);
    List<Finding> before = PolicyLint.check(subsetBefore, catalog);

    assertThat(after)
        .extracting(Finding::code, Finding::rule)
        .containsExactly(tuple("shadowed-rule", "two"));
    assertThat(before)
        .extracting(Finding::code, Finding::rule)
        .containsExactly(tuple("overlapping-exclusive-sets", "all"));
    assertThat(before.get(0).message()).contains("both list production, research");
  }

  @Test
  void check_disjointExclusiveSets_areFine() throws Exception {
    LoadedPolicy loaded =
        policy(
            """
            environments:
              patterns: {a: [a-], b: [b-], c: [c-], d: [d-]}
            rules:
              - {name: ab, type: exclusive-environments, environments: [a, b]}
              - {name: cd, type: exclusive-environments, environments: [c, d]}
            """);

    List<Finding> findings = PolicyLint.check(loaded, null);

    assertThat(findings).isEmpty();
  }

  @Test
  void check_approveWithTheSameConditionAsADeny_isOverridden() throws Exception {
    LoadedPolicy loaded =
        policy(
            """
            default: escalate
            rules:
              - name: block-contractors
                type: custom
                when: '"contractor" in user.traits'
                action: deny
                reason: no contractors
              - name: let-contractors
                type: custom
                when: >-
                  ( "contractor"   in user.traits )
                action: approve
                reason: contractors may
            """);

    List<Finding> findings = PolicyLint.check(loaded, null);

    assertThat(findings)
        .extracting(Finding::code, Finding::rule)
        .containsExactly(tuple("overridden-rule", "let-contractors"));
    assertThat(findings.get(0).message()).contains("'block-contractors' has the same condition");
  }

  @Test
  void check_denyWhoseConditionIsTrue_overridesEveryApproveAndEscalation() throws Exception {
    LoadedPolicy loaded =
        policy(
            """
            default: escalate
            rules:
              - {name: freeze, type: custom, when: (true), action: deny, reason: change freeze}
              - {name: budget, type: approval-rate-limit, max: 5, window: PT24H}
              - {name: oncall, type: custom, when: '"oncall" in user.traits', action: approve,
                 reason: on call}
              - {name: odd-hours, type: custom, when: 'request.ttlSeconds > 3600',
                 action: escalate, reason: long}
            """);

    List<Finding> findings = PolicyLint.check(loaded, null);

    assertThat(findings)
        .extracting(Finding::code, Finding::rule)
        .containsExactly(
            tuple("overridden-rule", "budget"),
            tuple("overridden-rule", "oncall"),
            tuple("overridden-rule", "odd-hours"));
    assertThat(findings.get(0).message()).contains("'freeze' denies every request");
  }

  @Test
  void check_approveRuleUnderDefaultApprove_isShadowedByTheDefault() throws Exception {
    LoadedPolicy loaded =
        policy(
            """
            default: approve
            rules:
              - {name: oncall, type: custom, when: '"oncall" in user.traits', action: approve,
                 reason: on call}
            """);

    List<Finding> findings = PolicyLint.check(loaded, null);

    assertThat(findings)
        .extracting(Finding::code, Finding::rule)
        .containsExactly(tuple("shadowed-rule", "oncall"));
    assertThat(findings.get(0).message()).contains("default is approve already");
  }

  @Test
  void check_requestLimitAtOrAboveTheCatalogsSize_canNeverMatch() throws Exception {
    LoadedPolicy loaded =
        policy(
            """
            rules:
              - {name: resources, type: request-resource-limit, max: 8}
              - {name: everything, type: request-resource-limit, max: 15, countRoles: true}
              - {name: fine, type: max-ttl, max: PT1H}
            """);

    List<Finding> findings = PolicyLint.check(loaded, catalog);

    assertThat(findings)
        .extracting(Finding::code, Finding::rule)
        .containsExactly(
            tuple("limit-above-catalog", "resources"), tuple("limit-above-catalog", "everything"));
    assertThat(findings.get(0).message()).contains("but the catalog has 8");
    assertThat(findings.get(1).message()).contains("but the catalog has 15");
  }

  @Test
  void check_environmentNothingIsIn_isAnErrorAtTheEnvironment() throws Exception {
    LoadedPolicy loaded =
        policy(
            """
            rules:
              - name: separation
                type: exclusive-environments
                environments: [production, reserch]
            """);

    List<Finding> findings = PolicyLint.check(loaded, catalog);

    assertThat(findings)
        .extracting(Finding::code, Finding::severity, Finding::rule)
        .containsExactly(tuple("unknown-environment", Severity.ERROR, "separation"));
    assertThat(findings.get(0).diagnostic("policy.yaml").format())
        .startsWith("policy.yaml:7:32: error: rule 'separation' names the environment 'reserch'")
        .contains("did you mean 'research'?");
  }

  @Test
  void check_patternsPlacingOneRoleInTwoExclusiveEnvironments_reportUngrantableAccess()
      throws Exception {
    LoadedPolicy loaded =
        policy(
            """
            environments:
              patterns: {production: [prod], research: [research]}
            rules:
              - {name: separation, type: exclusive-environments,
                 environments: [production, research]}
            """);
    Catalog withBoth =
        CatalogLoader.load(
            "c", "roles: [{name: prod-db}, {name: research-notebook}, {name: prod-research}]\n");

    List<Finding> findings = PolicyLint.check(loaded, withBoth);

    assertThat(findings)
        .extracting(Finding::code, Finding::rule)
        .containsExactly(tuple("ungrantable-access", "separation"));
    assertThat(findings.get(0).message())
        .isEqualTo(
            "role prod-research is in production and research at once, so rule 'separation'"
                + " denies every request for it");
  }

  private static LoadedPolicy policy(String rest) throws Exception {
    return PolicyLoader.loadWithPositions("policy.yaml", HEAD + rest);
  }
}
