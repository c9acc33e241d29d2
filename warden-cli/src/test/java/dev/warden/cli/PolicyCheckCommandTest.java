package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCheckCommandTest {

  private static final String POLICY = "../examples/policy.yaml";
  private static final String CATALOG = "../examples/catalog.yaml";

  @TempDir Path dir;

  @Test
  void check_examplePolicyAndCatalog_exitsZeroAndListsTheRules() {
    Cli.Run run = Cli.run("policy", "check", POLICY, "--catalog", CATALOG);

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("policy default is valid").contains("max-active-resources");
  }

  @Test
  void check_warningsOnly_exitsThreeAndStillListsTheRules() throws Exception {
    Path policy =
        write(
            "policy.yaml",
            """
            apiVersion: warden/v1
            kind: Policy
            name: p
            rules:
              - {name: strict, type: request-resource-limit, max: 3}
              - {name: loose, type: request-resource-limit, max: 20}
            """);

    Cli.Run run = Cli.run("policy", "check", policy.toString(), "--catalog", CATALOG);

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err())
        .contains(policy + ":6:5: warning: rule 'loose' is shadowed by rule 'strict'")
        .contains("[shadowed-rule]")
        .contains(policy + ":6:54: warning: rule 'loose' denies requests for more than 20")
        .contains("[limit-above-catalog]")
        .contains("0 errors, 2 warnings");
    assertThat(run.out()).contains("policy p is valid");
  }

  @Test
  void check_unknownEnvironment_exitsOne() throws Exception {
    Path policy =
        write(
            "policy.yaml",
            """
            apiVersion: warden/v1
            kind: Policy
            name: p
            rules:
              - {name: split, type: exclusive-environments, environments: [production, staging]}
            """);

    Cli.Run run = Cli.run("policy", "check", policy.toString(), "--catalog", CATALOG);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("error: rule 'split' names the environment 'staging'");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void check_policyThatDoesNotLoad_exitsOneWithThePosition() throws Exception {
    Path policy = write("policy.yaml", "apiVersion: warden/v1\nkind: Policy\nname: p\nrulez: []\n");

    Cli.Run run = Cli.run("policy", "check", policy.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains(policy + ":4:1: error:").doesNotContain("Exception");
  }

  @Test
  void check_withoutAFile_isAUsageError() {
    Cli.Run run = Cli.run("policy", "check");

    assertThat(run.exit()).isEqualTo(2);
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }
}
