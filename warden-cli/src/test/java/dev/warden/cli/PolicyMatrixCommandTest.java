package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.api.json.Json;
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
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyMatrixCommandTest {

  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final String POLICY = EXAMPLES.resolve("policy.yaml").toString();
  private static final String CATALOG = EXAMPLES.resolve("catalog.yaml").toString();

  @Test
  void matrix_markdown_showsTheLocksAndSaysNoCellBreaksAStateRule() {
    Cli.Run run = Cli.run("policy", "matrix", POLICY, "--catalog", CATALOG);

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .startsWith("# Policy matrix: default")
        .contains("| holds \\ asks for | prod-db | prod-deploy |")
        .contains(
            "| prod-db | APPROVE | APPROVE | APPROVE | APPROVE, locks prod-db | APPROVE, locks"
                + " prod-db |")
        .contains("No cell of 240 ends with the user holding exclusive environments together");
    assertThat(run.err()).contains("No cell of 240 ends");
  }

  @Test
  void matrix_json_everyCellIsWhatDecideSaysDirectly() throws Exception {
    Cli.Run run =
        Cli.run("policy", "matrix", POLICY, "--catalog", CATALOG, "--hold", "2", "-o", "json");

    JsonNode matrix = Json.mapper().readTree(run.out());
    PolicyEngine engine =
        new PolicyEngine(PolicyLoader.load(POLICY, Files.readString(Path.of(POLICY))));
    Catalog catalog = CatalogLoader.load(CATALOG, Files.readString(Path.of(CATALOG)));
    assertThat(run.exit()).isZero();
    assertThat(matrix.path("cells")).hasSize(matrix.path("items").size() * (121 - 28));
    for (JsonNode cell : matrix.path("cells")) {
      Decision direct = engine.decide(state(cell, catalog), RequestId.of("x"), NOON);
      assertThat(cell.path("outcome").asText()).isEqualTo(direct.outcome().name());
      assertThat(names(cell.path("locks"))).isEqualTo(locked(cell, direct));
      assertThat(cell.path("violations")).isEmpty();
    }
    assertThat(matrix.path("violations").asInt()).isZero();
  }

  @Test
  void matrix_csv_hasOneRowPerCell() {
    Cli.Run run = Cli.run("policy", "matrix", POLICY, "--catalog", CATALOG, "-o", "csv");

    List<String> lines = run.out().lines().toList();
    assertThat(run.exit()).isZero();
    assertThat(lines.get(0)).isEqualTo("held,requested,outcome,locks,rules,violations");
    assertThat(lines).hasSize(1 + 240);
    assertThat(lines)
        .contains("prod-db,research-notebook,APPROVE,prod-db,production-research-separation,");
  }

  @Test
  void matrix_html_isOneSelfContainedColourCodedPage() {
    Cli.Run run = Cli.run("policy", "matrix", POLICY, "--catalog", CATALOG, "-o", "html");

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .startsWith("<!DOCTYPE html>")
        .contains("<style>")
        .contains("<td class=\"locks\" title=\"APPROVE next: production-research-separation:")
        .contains("<td class=\"approve\"")
        .endsWith("</body></html>\n")
        .doesNotContain("<script")
        .doesNotContain("http://")
        .doesNotContain("https://")
        .doesNotContain("<link");
  }

  @Test
  void matrix_unknownFormatOrUser_exitsOneSayingWhy() {
    Cli.Run format = Cli.run("policy", "matrix", POLICY, "--catalog", CATALOG, "-o", "pdf");
    Cli.Run user = Cli.run("policy", "matrix", POLICY, "--catalog", CATALOG, "--user", "zed");

    assertThat(format.exit()).isEqualTo(1);
    assertThat(format.err()).contains("-o must be md, csv, json or html, not 'pdf'");
    assertThat(user.exit()).isEqualTo(1);
    assertThat(user.err()).contains("has no user zed");
  }

  @Test
  void matrix_withoutCatalog_isAUsageError() {
    Cli.Run run = Cli.run("policy", "matrix", POLICY);

    assertThat(run.exit()).isEqualTo(2);
  }

  private static final Instant NOON = Instant.parse("2026-01-01T12:00:00Z");

  /** The cell's situation as this test builds it, from the JSON alone. */
  private static UserState state(JsonNode cell, Catalog catalog) {
    User user = User.unlisted(UserName.of("someone"));
    List<AccessRequest> requests = new ArrayList<>();
    JsonNode held = cell.path("held");
    for (int i = 0; i < held.size(); i++) {
      Instant approved = NOON.minusSeconds(held.size() - i);
      requests.add(
          request("g" + i, held.get(i), approved.minusSeconds(5), Duration.ofHours(8))
              .approvedAt(approved, catalog));
    }
    requests.add(request("x", cell.path("requested"), NOON, Duration.ofMinutes(30)));
    return new UserState(user, requests, List.of(), catalog);
  }

  private static AccessRequest request(String id, JsonNode item, Instant created, Duration ttl) {
    boolean role = item.path("kind").asText().equals("role");
    String name = item.path("name").asText();
    return AccessRequest.pending(
        RequestId.of(id),
        UserName.of("someone"),
        role ? List.of(RoleName.of(name)) : List.of(),
        role ? List.of() : List.of(ResourceId.of(name)),
        "compared with the matrix",
        ttl,
        created);
  }

  private static List<String> locked(JsonNode cell, Decision decision) {
    List<String> names = new ArrayList<>();
    JsonNode held = cell.path("held");
    for (int i = 0; i < held.size(); i++) {
      LockTarget target = new LockTarget.Request(RequestId.of("g" + i));
      if (decision.locks().stream().anyMatch(l -> l.target().equals(target))) {
        names.add(held.get(i).path("name").asText());
      }
    }
    return names;
  }

  private static List<String> names(JsonNode items) {
    List<String> names = new ArrayList<>();
    items.forEach(item -> names.add(item.path("name").asText()));
    return names;
  }
}
