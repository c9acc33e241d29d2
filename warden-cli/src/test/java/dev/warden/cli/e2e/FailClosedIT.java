package dev.warden.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.api.v1.RequestObject;
import dev.warden.core.access.RequestState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher process with a decision log that stops being writable while it runs.
 *
 * <p>How the log is made unwritable matters. Taking write permission away (chmod) does nothing to a
 * file that is already open, and root ignores it anyway. What does make writes through an open
 * descriptor fail is a full file system, so the log lives on a small tmpfs mounted for this test,
 * and the test fills that file system with a filler file: the watcher's next write gets ENOSPC,
 * exactly as on a full disk. Deleting the filler makes the log writable again. Mounting needs root
 * (or CAP_SYS_ADMIN); without it the test is skipped and says so.
 *
 * <p>The log is still empty when the file system fills, so it owns no partly used page that a small
 * record could still fit in, and the very first record the watcher tries must fail.
 */
class FailClosedIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private Path mount;
  private Deployment deployment;

  @BeforeEach
  void mountSmallFileSystem() throws Exception {
    mount = Files.createDirectory(dir.resolve("logfs"));
    Process process =
        new ProcessBuilder(
                "mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "warden-it", mount.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(
        process.waitFor() == 0,
        "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN), so there is no way to fill the"
            + " log's file system; skipped: "
            + output.trim());
  }

  @AfterEach
  void stopAndUnmount() throws Exception {
    if (deployment != null) {
      deployment.close();
    }
    Process process = new ProcessBuilder("umount", mount.toString()).inheritIO().start();
    if (process.waitFor() != 0) {
      new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void fullLogFileSystem_sendsNoAction_turnsNotReady_andRecoversWhenSpaceReturns()
      throws Exception {
    deployment = Deployment.start(dir);
    Deployment.WatcherSettings settings =
        deployment.watcherSettings().withDecisionLog(mount.resolve("decisions.jsonl"));
    deployment.startWatcher(settings);
    Path filler = fill(mount);

    RequestObject blocked = deployment.request("hal", List.of("dev-db"), List.of());
    Deployment.awaitTrue(
        () -> deployment.status("/readyz").statusCode() == 503,
        Duration.ofSeconds(15),
        () -> "the watcher stayed ready with a full log" + deployment.watcher().tail());
    WardenProcess.sleep(Duration.ofSeconds(2));

    assertThat(deployment.status("/readyz").body()).contains("decision log cannot be written");
    assertThat(deployment.admin.getRequest(blocked.id()).state()).isEqualTo(RequestState.PENDING);
    assertThat(deployment.auditTrail())
        .as("nothing but the request's creation reached the broker")
        .extracting(e -> e.type())
        .containsExactly("REQUEST_CREATED");
    assertThat(deployment.metric("warden_decision_log_healthy")).isZero();
    assertThat(deployment.metric("warden_decision_log_unavailable_total")).isPositive();

    Files.delete(filler);
    RequestObject decided = deployment.awaitDecided(blocked.id());
    Deployment.awaitTrue(
        () -> deployment.status("/readyz").statusCode() == 200,
        Duration.ofSeconds(15),
        () -> "the watcher did not become ready again" + deployment.watcher().tail());
    RequestObject after = deployment.request("ivy", List.of("dev-db"), List.of());
    RequestObject decidedAfter = deployment.awaitDecided(after.id());
    deployment.watcher().terminate(Duration.ofSeconds(30));

    assertThat(decided.state()).isEqualTo(RequestState.APPROVED);
    assertThat(decided.reviews()).hasSize(1);
    assertThat(decidedAfter.state()).isEqualTo(RequestState.APPROVED);
    List<JsonNode> records = deployment.decisionRecords(settings.decisionLog());
    assertThat(records)
        .extracting(r -> r.path("phase").asText() + " " + r.path("request").asText())
        .as("the failed attempts left nothing behind; the chain starts where it stopped")
        .containsExactly(
            "intent " + blocked.id(),
            "outcome " + blocked.id(),
            "intent " + after.id(),
            "outcome " + after.id());
    // Four decision records and the checkpoint the watcher signs at shutdown.
    assertThat(Deployment.recordCount(settings.decisionLog())).isEqualTo(5);
    assertThat(Deployment.verifyWithPython(settings.decisionLog())).endsWith("5 records verified");
    assertThat(deployment.watcher().errors())
        .contains("decision log not writable")
        .contains("decision log writable again");
  }

  /** Fills the file system under {@code directory} to its last byte; returns the filler file. */
  private static Path fill(Path directory) throws IOException {
    Path filler = directory.resolve("filler");
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int chunk = 64 * 1024; chunk >= 1; chunk /= 2) {
        byte[] bytes = new byte[chunk];
        try {
          while (true) {
            out.write(bytes);
            out.flush();
          }
        } catch (IOException full) {
          // This chunk no longer fits; a smaller one may.
        }
      }
    } catch (IOException closing) {
      // Closing may fail to flush the last bytes of a full file system; the file stays.
    }
    assertThatThrownBy(() -> Files.writeString(directory.resolve("probe"), "x"))
        .as("the file system is full")
        .hasMessageContaining("No space left on device");
    return filler;
  }
}
