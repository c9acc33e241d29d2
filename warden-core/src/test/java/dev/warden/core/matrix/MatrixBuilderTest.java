package dev.warden.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.User;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Action;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.Facts;
import dev.warden.core.decision.Outcome;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.decision.Snapshot;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MatrixBuilderTest {

  private static final Instant NOON = Instant.parse("2026-01-01T12:00:00Z");
  private static final User SOMEONE = User.unlisted(UserName.of("someone"));

  private static Policy policy;
  private static Catalog catalog;

  @BeforeAll
  static void loadExamples() throws Exception {
    Path examples = Path.of("..", "examples");
    policy = PolicyLoader.load("p", Files.readString(examples.resolve("policy.yaml")));
    catalog = CatalogLoader.load("c", Files.readString(examples.resolve("catalog.yaml")));
  }

  @Test
  void build_holdingTwo_everyCellIsWhatDecideSaysForThatState() {
    PolicyMatrix matrix = MatrixBuilder.build(policy, catalog, 2, SOMEONE, NOON);

    PolicyEngine engine = new PolicyEngine(policy);
    for (Cell cell : matrix.cells()) {
      Decision direct = engine.decide(stateFor(cell), RequestId.of("asked"), NOON);
      assertThat(cell.decision().outcome()).as(describe(cell)).isEqualTo(direct.outcome());
      assertThat(lockedNames(cell.held(), direct))
          .as(describe(cell))
          .isEqualTo(cell.locked().stream().map(Access::name).toList());
      assertThat(cell.violations()).as(describe(cell)).isEmpty();
    }
  }

  @Test
  void build_holdingTwo_leavesOutThePairsThePolicyWouldSeparate() {
    PolicyMatrix matrix = MatrixBuilder.build(policy, catalog, 2, SOMEONE, NOON);

    // Seven production items (three roles, four resources) times four research items.
    assertThat(matrix.refusedHoldings()).isEqualTo(28);
    assertThat(matrix.holdings()).hasSize(1 + 15 + 105 - 28);
    assertThat(matrix.cells()).hasSize(matrix.holdings().size() * 15);
  }

  @Test
  void build_researchAfterProduction_locksTheProductionGrant() {
    PolicyMatrix matrix = MatrixBuilder.build(policy, catalog, 1, SOMEONE, NOON);

    Cell cell =
        matrix.cells().stream()
            .filter(c -> c.held().equals(List.of(Access.of(RoleName.of("prod-db")))))
            .filter(c -> c.requested().equals(Access.of(RoleName.of("research-notebook"))))
            .findFirst()
            .orElseThrow();
    assertThat(cell.decision().outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(cell.locked()).containsExactly(Access.of(RoleName.of("prod-db")));
  }

  @Test
  void violations_aDecisionThatKeepsBothEnvironments_isReported() {
    List<Access> held = List.of(Access.of(RoleName.of("prod-db")));
    Access asked = Access.of(RoleName.of("research-notebook"));
    Decision careless =
        new Decision(
            Outcome.APPROVE,
            RequestId.of("next"),
            List.of(new Action.Approve(RequestId.of("next"), "looks fine")),
            List.of(),
            List.of(),
            new Snapshot(List.of(RequestId.of("h1")), List.of()),
            new Snapshot(List.of(RequestId.of("h1"), RequestId.of("next")), List.of()),
            Facts.none());

    List<String> violations = MatrixBuilder.violations(policy, catalog, held, asked, careless);

    assertThat(violations)
        .containsExactly(
            "holds production and research at once, which rule"
                + " 'production-research-separation' keeps apart");
  }

  @Test
  void violations_aDecisionThatKeepsFourResources_isReported() {
    List<Access> held =
        List.of(
            Access.of(ResourceId.of("node/dev-web-1")),
            Access.of(ResourceId.of("db/dev-orders")),
            Access.of(ResourceId.of("node/prod-web-1")));
    Access asked = Access.of(ResourceId.of("node/prod-web-2"));
    Decision careless =
        new Decision(
            Outcome.APPROVE,
            RequestId.of("next"),
            List.of(),
            List.of(),
            List.of(),
            new Snapshot(List.of(), List.of()),
            new Snapshot(List.of(), List.of()),
            Facts.none());

    List<String> violations = MatrixBuilder.violations(policy, catalog, held, asked, careless);

    assertThat(violations)
        .containsExactly("holds 4 resources, above the 3 rule 'max-active-resources' allows");
  }

  @Test
  void build_tooManyCells_isRefusedWithTheCount() throws Exception {
    StringBuilder text = new StringBuilder("resources:\n");
    for (int i = 0; i < 40; i++) {
      text.append("  - {id: node/n").append(i).append("}\n");
    }
    Catalog large = CatalogLoader.load("large", text.toString());

    assertThatThrownBy(() -> MatrixBuilder.build(policy, large, 4, SOMEONE, NOON))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "holding up to 4 of 40 items makes more than the 1000000 cells a matrix may have");
  }

  /** The cell's situation built again here, with ids and times of this test's own choosing. */
  private static UserState stateFor(Cell cell) {
    List<AccessRequest> requests = new ArrayList<>();
    for (int i = 0; i < cell.held().size(); i++) {
      Access access = cell.held().get(i);
      Instant approved = NOON.minus(Duration.ofSeconds(cell.held().size() - i));
      requests.add(
          AccessRequest.pending(
                  RequestId.of("held-" + i),
                  SOMEONE.name(),
                  access.role() == null ? List.of() : List.of(access.role()),
                  access.resource() == null ? List.of() : List.of(access.resource()),
                  "held for the comparison",
                  Duration.ofHours(8),
                  approved.minusSeconds(1))
              .approvedAt(approved, catalog));
    }
    Access asked = cell.requested();
    requests.add(
        AccessRequest.pending(
            RequestId.of("asked"),
            SOMEONE.name(),
            asked.role() == null ? List.of() : List.of(asked.role()),
            asked.resource() == null ? List.of() : List.of(asked.resource()),
            "asked for the comparison",
            Duration.ofHours(1),
            NOON));
    return new UserState(SOMEONE, requests, List.of(), catalog);
  }

  private static List<String> lockedNames(List<Access> held, Decision decision) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      RequestId id = RequestId.of("held-" + i);
      boolean locked =
          decision.locks().stream().anyMatch(l -> l.target().equals(new LockTarget.Request(id)));
      if (locked) {
        names.add(held.get(i).name());
      }
    }
    return names;
  }

  private static String describe(Cell cell) {
    return cell.held() + " then " + cell.requested();
  }
}
