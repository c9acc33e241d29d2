package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.watcher.log.DecisionEntry;
import dev.warden.watcher.log.DecisionLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The toolkit's commands run as a person runs them: the {@code ./warden} launcher at the root of
 * the repository, as its own process, on the shipped files, with the documented exit codes.
 */
class ToolkitProcessIT {

  private static final Path ROOT =
      Path.of(System.getProperty("warden.root", "..")).toAbsolutePath().normalize();

  @TempDir Path dir;

  /** What one run of {@code ./warden} printed, and its exit code. */
  private record Run(int exit, String out, String err) {}

  @Test
  void policyTest_shippedCases_passWithExitZero() throws Exception {
    Run run = warden("policy", "test", "examples/policy.yaml", "examples/tests");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("11 passed, 0 failed\n");
  }

  @Test
  void policyCheck_warningsOnly_exitsThree() throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        Files.readString(ROOT.resolve("examples/policy.yaml"))
            + "  - {name: loose-size, type: request-resource-limit, max: 5}\n");

    Run run = warden("policy", "check", policy.toString(), "--catalog", "examples/catalog.yaml");

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err()).contains("warning: rule 'loose-size' is shadowed by rule");
  }

  @Test
  void policyMatrix_html_exitsZeroWithAPage() throws Exception {
    Run run =
        warden(
            "policy",
            "matrix",
            "examples/policy.yaml",
            "--catalog",
            "examples/catalog.yaml",
            "-o",
            "html");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("<!DOCTYPE html>").contains("APPROVE, locks prod-db");
  }

  @Test
  void auditVerify_editedLog_exitsOne() throws Exception {
    Path log = dir.resolve("decisions.jsonl");
    try (DecisionLog decisions = DecisionLog.open(log, Clock.systemUTC(), Duration.ofSeconds(5))) {
      for (int i = 0; i < 3; i++) {
        decisions.intent(entry("d-" + i));
      }
    }
    Run intact = warden("audit", "verify", log.toString());
    byte[] bytes = Files.readAllBytes(log);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(log, bytes);

    Run edited = warden("audit", "verify", log.toString());

    assertThat(intact.exit()).as(intact.out() + intact.err()).isZero();
    assertThat(edited.exit()).isEqualTo(1);
    assertThat(edited.out()).contains(": edited: ").contains("the log is not intact");
  }

  private static DecisionEntry entry(String decisionId) {
    return new DecisionEntry(
        decisionId,
        new DecisionEntry.PolicyRef("default", "ab".repeat(32)),
        "enforce",
        new DecisionEntry.Actor("watcher", "0a1b"),
        DecisionEntry.Trigger.resync(),
        "alice",
        null,
        "NONE",
        List.of(),
        List.of(),
        new DecisionEntry.Grants(List.of("r1"), List.of()),
        new DecisionEntry.Grants(List.of("r1"), List.of()));
  }

  private Run warden(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("warden").toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(ROOT.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().remove("WARDEN_DATA");
    Process process = builder.start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("./warden " + String.join(" ", args) + " did not finish");
    }
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
