package dev.warden.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.groups.Tuple.tuple;

import dev.warden.core.yaml.Diagnostic;
import dev.warden.core.yaml.InvalidFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogLoaderTest {

  @Test
  void load_exampleCatalog_readsRolesResourcesAndUsersInFileOrder() throws Exception {
    String text = Files.readString(Path.of("..", "examples", "catalog.yaml"));

    Catalog catalog = CatalogLoader.load("examples/catalog.yaml", text);

    assertThat(catalog.roles())
        .extracting(role -> role.name().value())
        .containsExactly(
            "prod-db",
            "prod-deploy",
            "prod-readonly",
            "research-notebook",
            "research-gpu",
            "dev-admin",
            "dev-db");
    assertThat(catalog.resources()).hasSize(8);
    assertThat(catalog.users())
        .extracting(user -> user.name().value())
        .containsExactly("alice", "bob", "carol", "dave");
    assertThat(catalog.role(RoleName.of("prod-db")))
        .contains(
            new Role(RoleName.of("prod-db"), Map.of("env", "production"), Duration.ofHours(8)));
    assertThat(catalog.role(RoleName.of("prod-readonly")).orElseThrow().maxTtl()).isNull();
    assertThat(catalog.resource(ResourceId.of("node/research-gpu-1")).orElseThrow().labels())
        .containsExactly(Map.entry("env", "research"));
    assertThat(catalog.user(UserName.of("alice")).orElseThrow().traits())
        .containsEntry("team", List.of("sre"))
        .containsEntry("oncall", List.of("true"));
  }

  @Test
  void load_emptySections_giveAnEmptyCatalog() throws Exception {
    Catalog catalog = CatalogLoader.load("c", "roles: []\nresources:\nusers: []\n");

    assertThat(catalog).isEqualTo(Catalog.empty());
  }

  @Test
  void load_unknownRoleKey_suggestsTheClosest() {
    String text =
        """
        roles:
          - name: prod-db
            maxTTL: PT8H
        """;

    Diagnostic error = onlyError(text);

    assertAt(error, 3, 5, "unknown-key");
    assertThat(error.hint()).startsWith("did you mean 'maxTtl'?");
  }

  @Test
  void load_unknownTopLevelKey_isRejected() {
    Diagnostic error = onlyError("roles: []\ngroups: []\n");

    assertAt(error, 2, 1, "unknown-key");
  }

  @Test
  void load_duplicateRole_pointsAtTheSecondAndNamesTheFirstsLine() {
    String text =
        """
        roles:
          - name: prod-db
          - name: dev-db
          - name: prod-db
            maxTtl: PT1H
        """;

    Diagnostic error = onlyError(text);

    assertAt(error, 4, 5, "duplicate-name");
    assertThat(error.message()).contains("'prod-db' twice").contains("the first is at line 2");
  }

  /**
   * Duplicates used to be found only among valid entries, so a repeated name stayed hidden until
   * the other problem of its first entry was fixed.
   */
  @Test
  void load_duplicateOfAnInvalidEntry_isReportedInTheSamePass() {
    String text =
        """
        roles:
          - name: prod-db
            maxTtl: soon
          - name: prod-db
        """;

    List<Diagnostic> errors = errors(text);

    assertThat(errors)
        .extracting(Diagnostic::line, Diagnostic::column, Diagnostic::code)
        .containsExactly(tuple(3, 13, "bad-duration"), tuple(4, 5, "duplicate-name"));
  }

  @Test
  void load_duplicateUser_isRejectedToo() {
    Diagnostic error = onlyError("users:\n  - {name: alice}\n  - {name: alice}\n");

    assertAt(error, 3, 5, "duplicate-name");
  }

  @Test
  void load_badMaxTtl_isABadDurationAtTheValue() {
    String text =
        """
        roles:
          - name: prod-db
            maxTtl: 8 hours
        """;

    Diagnostic error = onlyError(text);

    assertAt(error, 3, 13, "bad-duration");
  }

  @Test
  void load_negativeMaxTtl_isOutOfRange() {
    Diagnostic error = onlyError("roles:\n  - {name: prod-db, maxTtl: -PT1H}\n");

    assertAt(error, 2, 29, "out-of-range");
  }

  @Test
  void load_labelsAsList_isAWrongType() {
    String text =
        """
        resources:
          - id: node/prod-web-1
            labels: [production]
        """;

    Diagnostic error = onlyError(text);

    assertAt(error, 3, 13, "wrong-type");
    assertThat(error.message()).isEqualTo("labels must be a mapping, not a list");
  }

  @Test
  void load_traitAsSingleString_isAWrongType() {
    String text =
        """
        users:
          - name: alice
            traits:
              team: sre
        """;

    Diagnostic error = onlyError(text);

    assertAt(error, 4, 13, "wrong-type");
    assertThat(error.message()).contains("trait 'team' must be a list");
  }

  @Test
  void load_rolesAsMapping_isAWrongType() {
    Diagnostic error = onlyError("roles: {name: prod-db}\n");

    assertAt(error, 1, 8, "wrong-type");
  }

  @Test
  void load_nameWithASpace_isABadNameAtTheValue() {
    Diagnostic error = onlyError("roles:\n  - name: prod db\n");

    assertAt(error, 2, 11, "bad-name");
    assertThat(error.message()).contains("'prod db'");
  }

  @Test
  void load_resourceWithoutId_isMissingAKeyAtTheEntry() {
    Diagnostic error = onlyError("resources:\n  - labels: {env: production}\n");

    assertAt(error, 2, 5, "missing-key");
    assertThat(error.message()).isEqualTo("a resource needs the key 'id'");
  }

  @Test
  void load_severalProblems_reportsThemAllInFileOrder() {
    String text =
        """
        roles:
          - name: prod-db
            maxTtl: soon
          - name: prod-db
        resources:
          - id: node/a
            label: {env: production}
        users:
          - name: alice
            traits: {team: sre}
        """;

    List<Diagnostic> errors = errors(text);

    assertThat(errors)
        .extracting(Diagnostic::line, Diagnostic::column, Diagnostic::code)
        .containsExactly(
            tuple(3, 13, "bad-duration"),
            tuple(4, 5, "duplicate-name"),
            tuple(7, 5, "unknown-key"),
            tuple(10, 20, "wrong-type"));
  }

  private static void assertAt(Diagnostic diagnostic, int line, int column, String code) {
    assertThat(diagnostic)
        .as(diagnostic.format())
        .extracting(Diagnostic::line, Diagnostic::column, Diagnostic::code)
        .containsExactly(line, column, code);
  }

  private static Diagnostic onlyError(String text) {
    List<Diagnostic> errors = errors(text);
    assertThat(errors).as("diagnostics").hasSize(1);
    return errors.get(0);
  }

  private static List<Diagnostic> errors(String text) {
    try {
      Catalog catalog = CatalogLoader.load("catalog.yaml", text);
      return fail("the catalog should have been rejected, but loaded: " + catalog);
    } catch (InvalidFileException e) {
      return e.diagnostics();
    }
  }
}
