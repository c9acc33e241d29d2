package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.cases.CaseFile;
import dev.warden.core.cases.CaseFileLoader;
import dev.warden.core.cases.PolicyCase;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.Rule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class PolicyTestCommandTest {

  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final String POLICY = EXAMPLES.resolve("policy.yaml").toString();

  @TempDir Path dir;

  @Test
  void test_shippedCasesAgainstTheShippedPolicy_allPass() {
    Cli.Run run = Cli.run("policy", "test", POLICY, EXAMPLES.resolve("tests").toString());

    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("11 passed, 0 failed\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void shippedCases_nameEveryRuleOfTheShippedPolicy() throws Exception {
    List<Rule> rules =
        PolicyLoader.load(POLICY, Files.readString(EXAMPLES.resolve("policy.yaml"))).rules();
    String catalogText = Files.readString(EXAMPLES.resolve("catalog.yaml"));
    Path file = EXAMPLES.resolve("tests").resolve("default-policy.yaml");

    CaseFile cases =
        CaseFileLoader.load(
            file.toString(), Files.readString(file), p -> CatalogLoader.load(p, catalogText));

    Set<String> expected = new HashSet<>();
    for (PolicyCase c : cases.cases()) {
      if (c.expect().rules() != null) {
        expected.addAll(c.expect().rules());
      }
    }
    assertThat(expected).containsAll(rules.stream().map(Rule::name).toList());
  }

  @Test
  void test_failingCase_printsExpectedAndActualAndExitsOne() throws Exception {
    Path cases = dir.resolve("cases");
    Files.createDirectories(cases.resolve("more"));
    Files.writeString(
        cases.resolve("more").resolve("wrong.yaml"),
        """
        catalog: %s
        cases:
          - name: passes
            now: 2026-01-01T12:00:00Z
            request: {id: r1, user: dave, roles: [dev-db], ttl: PT1H, reason: a good reason}
            expect: {outcome: APPROVE}
          - name: expects the wrong thing
            now: 2026-01-01T12:00:00Z
            request: {id: r1, user: dave, roles: [dev-db], ttl: PT12H, reason: a good reason}
            expect: {outcome: APPROVE, rules: [max-duration], locks: [r0]}
        """
            .formatted(EXAMPLES.resolve("catalog.yaml").toAbsolutePath()));
    Path junit = dir.resolve("report.xml");

    Cli.Run run = Cli.run("policy", "test", POLICY, cases.toString(), "--junit", junit.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out())
        .isEqualTo(
            "FAIL "
                + cases.resolve("more").resolve("wrong.yaml")
                + ":7: expects the wrong thing: expected APPROVE, rules [max-duration], locks"
                + " [r0]; got DENY, rules [max-duration], locks []\n"
                + "1 passed, 1 failed\n");
    Document report =
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
    Element suites = report.getDocumentElement();
    assertThat(suites.getAttribute("tests")).isEqualTo("2");
    assertThat(suites.getAttribute("failures")).isEqualTo("1");
    assertThat(report.getElementsByTagName("failure").item(0).getAttributes())
        .satisfies(
            a ->
                assertThat(a.getNamedItem("message").getNodeValue())
                    .isEqualTo("outcome is DENY, not APPROVE; locks are [], not [r0]"));
  }

  @Test
  void test_fileWithErrors_reportsThemAndExitsOne() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "catalog: nowhere.yaml\ncases: []\n");

    Cli.Run run = Cli.run("policy", "test", POLICY, bad.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains(bad + ":1:10: error: the catalog nowhere.yaml cannot be read")
        .contains("nowhere.yaml: no such file")
        .contains("1 test file could not be run");
    assertThat(run.out()).isEqualTo("0 passed, 0 failed\n");
  }

  @Test
  void test_missingCasesPath_saysSo() {
    Cli.Run run = Cli.run("policy", "test", POLICY, dir.resolve("absent").toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("absent: no such file or directory");
  }
}
