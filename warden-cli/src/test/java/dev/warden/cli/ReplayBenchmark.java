package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay benchmark: a generated export of {@code -Dwarden.replay.benchmark=N} requests (one
 * million for the documented figure) replayed through a stricter candidate against the example
 * policy, both simulated, through the real command. Off unless the property is set, because the
 * file is large and the run measures the machine, not the code's correctness.
 *
 * <pre>
 * ./mvnw -pl warden-cli -am test -Dtest=ReplayBenchmark -Dwarden.replay.benchmark=1000000 \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>With {@code -Dwarden.replay.history=FILE} the generated history is written to FILE and kept,
 * so that the command can be timed again on it outside Maven, in a JVM of its own, as {@code
 * docs/benchmarks.md} does; an existing FILE is reused as it is.
 */
@EnabledIfSystemProperty(named = "warden.replay.benchmark", matches = "\\d+")
class ReplayBenchmark {

  @TempDir Path dir;

  @Test
  void replay_generatedHistory_reportsItsSpeed() throws Exception {
    int requests = Integer.getInteger("warden.replay.benchmark");
    Path catalogFile = Path.of("..", "examples", "catalog.yaml");
    Catalog catalog = CatalogLoader.load("c", Files.readString(catalogFile));
    String kept = System.getProperty("warden.replay.history");
    Path history = kept == null ? dir.resolve("requests.jsonl") : Path.of(kept).toAbsolutePath();
    if (!Files.exists(history)) {
      HistoryGenerator.write(history, catalog, requests, 5000, 1);
    }
    Path candidate = dir.resolve("candidate.yaml");
    Files.writeString(
        candidate,
        Files.readString(Path.of("..", "examples", "policy.yaml"))
            .replace("max: PT8H", "max: PT4H"));

    long started = System.nanoTime();
    Cli.Run run =
        Cli.run(
            "policy",
            "replay",
            candidate.toString(),
            "--history",
            history.toString(),
            "--baseline",
            "../examples/policy.yaml",
            "--catalog",
            catalogFile.toString());
    double seconds = (System.nanoTime() - started) / 1e9;

    System.out.printf(
        "replay benchmark: %d requests (%d MB) in %.2f s, %.0f requests/s, max heap %d MB%n%s%s",
        requests,
        Files.size(history) >> 20,
        seconds,
        requests / seconds,
        Runtime.getRuntime().maxMemory() >> 20,
        run.out().lines().limit(9).reduce("", (a, b) -> a + b + "\n"),
        run.err());
    assertThat(run.exit()).isZero();
  }
}
