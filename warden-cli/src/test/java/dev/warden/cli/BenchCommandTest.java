package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code warden bench} refuses before it starts any process. A run takes minutes, so a mistake
 * the command can see up front must fail it at once, saying what was wrong.
 */
class BenchCommandTest {

  private static final String POLICY = "../examples/policy.yaml";

  @TempDir Path dir;

  @Test
  void aSamplesFileThatCannotBeWritten_failsAtOnce_namingIt() {
    Path samples = dir.resolve("no-such-directory").resolve("samples.csv");

    Cli.Run run = Cli.run("bench", "--policy", POLICY, "--samples", samples.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .startsWith(
            "warden bench: cannot write the --samples file "
                + samples
                + ": its directory does not exist")
        .doesNotContain("\tat ");
  }

  @Test
  void anUnknownMode_isAUsageError() {
    Cli.Run run = Cli.run("bench", "--policy", POLICY, "--mode", "push");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--mode must be watch or poll, not 'push'");
  }
}
