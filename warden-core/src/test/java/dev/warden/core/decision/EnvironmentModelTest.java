package dev.warden.core.decision;

import static dev.warden.core.decision.Decisions.decide;
import static dev.warden.core.decision.Decisions.lockedRequests;
import static dev.warden.core.decision.Requests.approved;
import static dev.warden.core.decision.Requests.pending;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.policy.EnvironmentModel;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Resolve;
import dev.warden.core.policy.Rule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the engine places grants in environments: by catalog label, or by name patterns. */
class EnvironmentModelTest {

  private static final Rule SEPARATION =
      new Rule.ExclusiveEnvironments(
          "separation", List.of("production", "research"), Resolve.LOCK_OLDER);

  private static final Map<String, List<String>> PATTERNS =
      Map.of("production", List.of("prod"), "research", List.of("research"));

  private static final Policy BY_PATTERN =
      Policies.withPatterns(new EnvironmentModel(null, PATTERNS), SEPARATION);

  @Test
  void patterns_placeUnlabelledRolesByTheirNames() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(20), "prod-db");
    AccessRequest research = pending("r-2", "research-notebook");

    Decision decision = decide(BY_PATTERN, unlabelled(production, research), "r-2");

    assertThat(lockedRequests(decision)).containsExactly("p-1");
    assertThat(decision.facts().requestEnvironments()).containsExactly("research");
    assertThat(decision.facts().activeEnvironments()).containsExactly("production");
  }

  @Test
  void patterns_placeResourcesByTheirIds() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(20), "node/prod-web-1");
    AccessRequest research = pending("r-2", "node/research-gpu-1");

    Decision decision = decide(BY_PATTERN, unlabelled(production, research), "r-2");

    assertThat(lockedRequests(decision)).containsExactly("p-1");
  }

  @Test
  void patterns_areCoarse_prodAlsoMatchesProduct() {
    // product-analytics is a development role, but its name contains "prod": the documented cost
    // of the name-pattern model.
    AccessRequest analytics = approved("a-1", Duration.ofMinutes(20), "product-analytics");
    AccessRequest research = pending("r-2", "research-notebook");

    Decision decision = decide(BY_PATTERN, unlabelled(analytics, research), "r-2");

    assertThat(lockedRequests(decision)).containsExactly("a-1");
  }

  @Test
  void patterns_ignoreCase() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(20), "PROD-Console");
    AccessRequest research = pending("r-2", "research-notebook");
    Policy upperCase =
        Policies.withPatterns(
            new EnvironmentModel(
                null, Map.of("production", List.of("PROD"), "research", List.of("Research"))),
            SEPARATION);

    Decision decision = decide(upperCase, unlabelled(production, research), "r-2");

    assertThat(lockedRequests(decision)).containsExactly("p-1");
  }

  @Test
  void aLabelWinsOverThePatterns() {
    Catalog catalog =
        new Catalog(
            List.of(
                Catalogs.role("product-analytics", "development", null),
                Catalogs.role("research-notebook", "research", null)),
            List.of(),
            List.of());
    Policy both = Policies.withPatterns(new EnvironmentModel("env", PATTERNS), SEPARATION);
    AccessRequest analytics = approved("a-1", Duration.ofMinutes(20), "product-analytics");
    AccessRequest research = pending("r-2", "research-notebook");

    Decision decision =
        decide(both, States.of(catalog, "alice", List.of(analytics, research), List.of()), "r-2");

    assertThat(decision.locks()).isEmpty();
  }

  @Test
  void withoutPatterns_anUnlabelledRoleHasNoEnvironment() {
    AccessRequest unplaced = approved("u-1", Duration.ofMinutes(20), "prod-db");
    AccessRequest research = pending("r-2", "research-notebook");

    Decision decision = decide(Policies.of(SEPARATION), unlabelled(unplaced, research), "r-2");

    assertThat(decision.locks()).isEmpty();
    assertThat(decision.facts().activeEnvironments()).isEmpty();
  }

  @Test
  void aRoleTheCatalogDoesNotList_isStillPlacedByPatterns() {
    AccessRequest ghost = approved("g-1", Duration.ofMinutes(20), "prod-ghost");
    AccessRequest research = pending("r-2", "research-notebook");

    Decision decision = decide(BY_PATTERN, unlabelled(ghost, research), "r-2");

    assertThat(lockedRequests(decision)).containsExactly("g-1");
  }

  private static dev.warden.core.access.UserState unlabelled(AccessRequest... requests) {
    return States.of(Catalogs.unlabelled(), "alice", List.of(requests), List.of());
  }
}
