package dev.warden.watcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warden.core.yaml.InvalidFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code allowBroaderIdentity} key of watcher.yaml: off unless set, and a boolean. */
class AllowBroaderIdentityConfigTest {

  private static final String BASE =
      """
      broker: https://127.0.0.1:7443
      identity: watcher
      policy: policy.yaml
      decisionLog: decisions.jsonl
      """;

  @Test
  void absent_refusesABroaderIdentity() throws Exception {
    WatcherConfig config = WatcherConfigLoader.load("watcher.yaml", BASE, Path.of("/etc/warden"));

    assertThat(config.allowBroaderIdentity()).isFalse();
    assertThat(config.describe()).contains("allowBroaderIdentity=false");
  }

  @Test
  void setTrue_allowsIt() throws Exception {
    WatcherConfig config =
        WatcherConfigLoader.load(
            "watcher.yaml", BASE + "allowBroaderIdentity: true\n", Path.of("/etc/warden"));

    assertThat(config.allowBroaderIdentity()).isTrue();
  }

  @Test
  void notABoolean_isAnErrorAtItsPosition() {
    InvalidFileException failure =
        assertThrows(
            InvalidFileException.class,
            () ->
                WatcherConfigLoader.load(
                    "watcher.yaml", BASE + "allowBroaderIdentity: sometimes\n", Path.of("/")));

    assertThat(failure.getMessage())
        .startsWith("watcher.yaml:5:23")
        .contains("allowBroaderIdentity");
  }
}
