package dev.warden.watcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.api.v1.RequestObject;
import dev.warden.core.access.RequestState;
import dev.warden.core.policy.Mode;
import dev.warden.watcher.config.WatcherConfig;
import dev.warden.watcher.log.LogVerifier;
import dev.warden.watcher.metrics.WatcherMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shadow mode against a real broker: the shadow policy decides too, and nothing acts on it. */
class ShadowModeTest {

  @TempDir Path dir;
  private Harness harness;
  private Watcher watcher;

  @BeforeEach
  void start() throws Exception {
    harness = Harness.start(dir);
    Path shadow = dir.resolve("shadow.yaml");
    Files.writeString(
        shadow,
        Files.readString(harness.policy)
            .replace("name: default", "name: stricter")
            .replace(
                "type: request-resource-limit\n    max: 3",
                "type: request-resource-limit\n    max: 1"));
    WatcherConfig plain = harness.config(Mode.ENFORCE);
    WatcherConfig config =
        new WatcherConfig(
            plain.broker(),
            plain.identity(),
            plain.policy(),
            plain.decisionLog(),
            plain.mode(),
            plain.source(),
            plain.pollInterval(),
            plain.resyncInterval(),
            plain.listen(),
            shadow);
    watcher = Watcher.start(config, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
    harness.close();
  }

  @Test
  void shadowPolicyThatWouldDeny_isRecordedAndCounted_whileThePolicyInForceApproves()
      throws Exception {
    RequestObject two =
        harness.request("bob", List.of(), List.of("node/dev-web-1", "db/dev-orders"));
    RequestObject decided = harness.awaitDecided(two.id());
    watcher.awaitIdle(Duration.ofSeconds(5));

    long counted =
        watcher
            .metrics()
            .counter(WatcherMetrics.SHADOW_DIFFERENCES, "enforced", "APPROVE", "shadow", "DENY");
    watcher.close();
    watcher = null;
    List<JsonNode> shadows = records("shadow");
    assertThat(decided.state()).isEqualTo(RequestState.APPROVED);
    assertThat(counted).isEqualTo(1);
    assertThat(shadows).hasSize(1);
    JsonNode shadow = shadows.get(0);
    assertThat(shadow.path("request").asText()).isEqualTo(two.id().value());
    assertThat(shadow.path("policy").path("name").asText()).isEqualTo("stricter");
    assertThat(shadow.path("outcome").asText()).isEqualTo("DENY");
    assertThat(shadow.path("rules").get(0).path("reason").asText())
        .isEqualTo("request asks for 2 resources; the limit is 1");
    assertThat(shadow.path("enforced").path("outcome").asText()).isEqualTo("APPROVE");
    assertThat(shadow.path("enforced").path("policy").path("name").asText()).isEqualTo("default");
    assertThat(shadow.path("requested").path("resources"))
        .extracting(JsonNode::asText)
        .containsExactly("node/dev-web-1", "db/dev-orders");
    assertThat(LogVerifier.verify(harness.decisionLog).ok()).isTrue();
  }

  @Test
  void shadowPolicyThatAgrees_recordsNothing() throws Exception {
    RequestObject one = harness.request("bob", List.of("dev-db"), List.of());
    harness.awaitDecided(one.id());
    watcher.awaitIdle(Duration.ofSeconds(5));

    watcher.close();
    watcher = null;

    assertThat(records("shadow")).isEmpty();
    assertThat(records("intent")).hasSize(1);
  }

  private List<JsonNode> records(String phase) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> found = new ArrayList<>();
    for (String line : Files.readAllLines(harness.decisionLog)) {
      JsonNode record = mapper.readTree(line);
      if (record.path("phase").asText().equals(phase)) {
        found.add(record);
      }
    }
    return found;
  }
}
