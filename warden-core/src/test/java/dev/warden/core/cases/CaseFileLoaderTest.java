package dev.warden.core.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.decision.Outcome;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.yaml.Diagnostic;
import dev.warden.core.yaml.InvalidFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CaseFileLoaderTest {

  private static final CatalogReader NO_FILES =
      path -> {
        throw new CatalogReader.UnreadableException(path + ": no such file");
      };

  private static final String INLINE_CATALOG =
      """
      catalog:
        roles:
          - {name: prod-db, labels: {env: production}, maxTtl: PT2H}
          - {name: research-notebook, labels: {env: research}}
      """;

  @Test
  void load_inlineCatalogAndGivenGrant_computesTheExpiryFromTheRolesMaxTtl() throws Exception {
    CaseFile file =
        CaseFileLoader.load(
            "t.yaml",
            INLINE_CATALOG
                + """
                cases:
                  - name: held
                    now: 2026-01-01T12:00:00Z
                    given:
                      - {id: r1, user: alice, roles: [prod-db], state: APPROVED,
                         approved: 2026-01-01T11:00:00Z, ttl: PT8H}
                    locks:
                      - {id: l1, target: {request: r1}, message: hold}
                    expect: {outcome: NONE}
                """,
            NO_FILES);

    PolicyCase only = file.cases().get(0);
    assertThat(file.catalog().roles()).hasSize(2);
    assertThat(only.request()).isNull();
    assertThat(only.given().get(0).state()).isEqualTo(RequestState.APPROVED);
    assertThat(only.given().get(0).created()).isEqualTo(Instant.parse("2026-01-01T11:00:00Z"));
    assertThat(only.given().get(0).expires()).isEqualTo(Instant.parse("2026-01-01T13:00:00Z"));
    assertThat(only.locks().get(0).target()).isEqualTo(new LockTarget.Request(RequestId.of("r1")));
    assertThat(only.locks().get(0).expires()).isNull();
    assertThat(only.at().line()).isEqualTo(6);
  }

  @Test
  void load_catalogPath_isReadThroughTheReader() throws Exception {
    String catalogText = Files.readString(Path.of("..", "examples", "catalog.yaml"));
    CatalogReader reader = path -> dev.warden.core.catalog.CatalogLoader.load(path, catalogText);

    CaseFile file =
        CaseFileLoader.load(
            "t.yaml",
            """
            catalog: ../catalog.yaml
            cases:
              - name: one
                now: 2026-01-01T12:00:00Z
                request: {id: r1, user: bob, roles: [dev-db], ttl: PT1H}
                expect: {outcome: APPROVE}
            """,
            reader);

    assertThat(file.catalog().users()).hasSize(4);
    assertThat(file.cases().get(0).request().created())
        .isEqualTo(Instant.parse("2026-01-01T12:00:00Z"));
  }

  @Test
  void load_everyProblem_isReportedWithItsPosition() {
    String text =
        INLINE_CATALOG
            + """
            cases:
              - name: bad
                now: yesterday
                request: {id: r1, user: alice, roles: [prod-db], ttl: 4h, state: PENDING}
                expect: {outcome: APPROVED, lock: [r1]}
            """;

    assertThatThrownBy(() -> CaseFileLoader.load("t.yaml", text, NO_FILES))
        .isInstanceOfSatisfying(
            InvalidFileException.class,
            e ->
                assertThat(e.diagnostics())
                    .extracting(Diagnostic::line, Diagnostic::code)
                    .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(7, "bad-time"),
                        org.assertj.core.groups.Tuple.tuple(8, "unknown-key"),
                        org.assertj.core.groups.Tuple.tuple(8, "bad-duration"),
                        org.assertj.core.groups.Tuple.tuple(9, "unknown-value"),
                        org.assertj.core.groups.Tuple.tuple(9, "unknown-key")));
  }

  @Test
  void load_requestsOfTwoUsersInOneCase_areRejected() {
    String text =
        INLINE_CATALOG
            + """
            cases:
              - name: two users
                now: 2026-01-01T12:00:00Z
                given:
                  - {id: r1, user: bob, roles: [prod-db], state: DENIED, ttl: PT1H}
                request: {id: r2, user: alice, roles: [prod-db], ttl: PT1H}
                expect: {outcome: APPROVE}
            """;

    assertThatThrownBy(() -> CaseFileLoader.load("t.yaml", text, NO_FILES))
        .hasMessageContaining("t.yaml:6:5: error: case 'two users': request r1 belongs to bob");
  }

  @Test
  void load_unreadableCatalogFile_isAnErrorAtThePath() {
    String text = "catalog: missing.yaml\ncases: []\n";

    assertThatThrownBy(() -> CaseFileLoader.load("t.yaml", text, NO_FILES))
        .hasMessageContaining("t.yaml:1:10: error: the catalog missing.yaml cannot be read");
  }

  @Test
  void run_caseWithWrongExpectation_namesEveryMismatch() throws Exception {
    CaseFile file =
        CaseFileLoader.load(
            "t.yaml",
            INLINE_CATALOG
                + """
                cases:
                  - name: wrong
                    now: 2026-01-01T12:00:00Z
                    given:
                      - {id: r1, user: alice, roles: [prod-db], state: APPROVED,
                         approved: 2026-01-01T11:00:00Z, ttl: PT8H}
                    request: {id: r2, user: alice, roles: [research-notebook], ttl: PT1H}
                    expect: {outcome: DENY, rules: [separation, nope], locks: []}
                """,
            NO_FILES);
    PolicyEngine engine =
        new PolicyEngine(
            PolicyLoader.load(
                "p",
                """
                apiVersion: warden/v1
                kind: Policy
                name: p
                rules:
                  - {name: separation, type: exclusive-environments,
                     environments: [production, research]}
                """));

    CaseResult result = CaseRunner.run(engine, file.catalog(), file.cases().get(0));

    assertThat(result.passed()).isFalse();
    assertThat(result.decision().outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(result.mismatches())
        .containsExactly(
            "outcome is APPROVE, not DENY", "rules [nope] did not match", "locks are [r1], not []");
    assertThat(result.comparison())
        .isEqualTo(
            "expected DENY, rules [separation, nope], locks []; got APPROVE, rules"
                + " [separation], locks [r1]");
  }
}
