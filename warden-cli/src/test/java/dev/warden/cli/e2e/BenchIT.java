package dev.warden.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden bench} as a user runs it: it starts a broker and a watcher of its own, drives a
 * short load through them and reports what it measured. The load is small so that the suite stays
 * fast; the figures themselves are not checked (that is what docs/benchmarks.md is for), only that
 * they are there, consistent, and that every request got the decision {@code decide} predicts.
 */
class BenchIT {

  private static final Duration BENCH_TIMEOUT = Duration.ofMinutes(3);
  private static final String POLICY =
      WardenProcess.root().resolve("examples/policy.yaml").toString();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void json_hasTheDocumentedKeys_andEveryRequestDecidedAsPredicted() throws Exception {
    try (WardenProcess bench = startBench("bench-json", "-o", "json")) {
      assertThat(bench.awaitExit(BENCH_TIMEOUT)).as(bench.errors()).isZero();

      // The JVM's own warnings (about its class-data archive, say) go to standard output too.
      String json =
          bench.output().lines().filter(line -> line.startsWith("{")).reduce("", (a, b) -> b);
      JsonNode result = new ObjectMapper().readTree(json);

      assertThat(result.fieldNames())
          .toIterable()
          .containsExactly(
              "requests", "decisionsPerSecond", "latencyMs", "mismatches", "watcher", "broker");
      assertThat(result.get("requests").asLong()).isEqualTo(120);
      assertThat(result.get("mismatches").asLong()).isZero();
      assertThat(result.get("decisionsPerSecond").asDouble()).isPositive();
      JsonNode latency = result.get("latencyMs");
      assertThat(latency.get("p50").asDouble()).isPositive();
      assertThat(latency.get("p50").asDouble()).isLessThanOrEqualTo(latency.get("p90").asDouble());
      assertThat(latency.get("p90").asDouble()).isLessThanOrEqualTo(latency.get("p99").asDouble());
      assertThat(latency.get("p99").asDouble()).isLessThanOrEqualTo(latency.get("max").asDouble());
      for (String process : List.of("watcher", "broker")) {
        assertThat(result.get(process).get("cpuSeconds").asDouble()).as(process).isPositive();
        assertThat(result.get(process).get("peakRssMiB").asDouble()).as(process).isPositive();
      }
    }
  }

  @Test
  void markdown_splitsTheLatencyIntoStagesThatAddUpToAboutTheWhole() throws Exception {
    Path samples = dir.resolve("samples.csv");
    try (WardenProcess bench = startBench("bench-md", "--samples", samples.toString())) {
      assertThat(bench.awaitExit(BENCH_TIMEOUT)).as(bench.errors()).isZero();
      String report = bench.output();

      assertThat(report).contains("| mismatches | 0 of 120");
      Matcher total =
          Pattern.compile("\\| latency p50 / p90 / p99 / max \\| ([\\d.,]+) / ").matcher(report);
      assertThat(total.find()).as(report).isTrue();
      Matcher stages =
          Pattern.compile(
                  "\\| latency by stage, p50 / p99 \\| created → intent logged ([\\d.,]+) /"
                      + " [\\d.,]+; intent → review taken ([\\d.,]+) / [\\d.,]+; review → seen"
                      + " ([\\d.,]+) / [\\d.,]+ ms \\|")
              .matcher(report);
      assertThat(stages.find()).as(report).isTrue();

      // Medians do not add exactly, but each stage is a part of the whole and none is empty.
      double whole = number(total.group(1));
      List<Double> parts = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        parts.add(number(stages.group(i)));
      }
      assertThat(parts).allSatisfy(part -> assertThat(part).isPositive().isLessThan(whole));
      // This machine is a Linux guest, whose kernel counts the time its hypervisor takes.
      assertThat(report)
          .containsPattern("\\| host \\| [\\d.]+ cores stolen by the hypervisor during the load");

      assertSamplesMatchTheReport(samples, report);
    }
  }

  /**
   * The samples file holds one line per decision the report counts, each with its times in causal
   * order and its latency, the largest of which is the report's maximum.
   */
  private static void assertSamplesMatchTheReport(Path samples, String report) throws Exception {
    List<String> lines = Files.readAllLines(samples);
    assertThat(lines.get(0))
        .isEqualTo("run,request,created,intentLogged,reviewTaken,reviewSeen,latencyMs");
    Matcher counted = Pattern.compile("ms, over (\\d+) decisions \\|").matcher(report);
    assertThat(counted.find()).as(report).isTrue();
    assertThat(lines).hasSize(1 + Integer.parseInt(counted.group(1)));

    double max = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] column = line.split(",", -1);
      assertThat(column).as(line).hasSize(7);
      assertThat(column[0]).isEqualTo("watch");
      assertThat(column[1]).isNotBlank();
      Instant created = Instant.parse(column[2]);
      Instant intent = Instant.parse(column[3]);
      Instant review = Instant.parse(column[4]);
      Instant seen = Instant.parse(column[5]);
      assertThat(intent).as(line).isAfterOrEqualTo(created);
      assertThat(review).as(line).isAfterOrEqualTo(intent);
      assertThat(seen).as(line).isAfterOrEqualTo(review);
      double latency = Double.parseDouble(column[6]);
      assertThat(latency)
          .as(line)
          .isCloseTo(Duration.between(created, seen).toNanos() / 1e6, within(0.001));
      max = Math.max(max, latency);
    }
    Matcher reported =
        Pattern.compile(
                "\\| latency p50 / p90 / p99 / max \\| [\\d.,]+ / [\\d.,]+ / [\\d.,]+ / ([\\d.,]+)"
                    + " ms")
            .matcher(report);
    assertThat(reported.find()).as(report).isTrue();
    // The report gives three significant digits.
    assertThat(max).isCloseTo(number(reported.group(1)), withinPercentage(1));
  }

  /**
   * Starts a short bench: 60 users at 40 requests/s for 3 s (120 requests), no warm-up, the example
   * policy.
   */
  private WardenProcess startBench(String name, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "--users",
                "60",
                "--rate",
                "40",
                "--duration",
                "3s",
                "--warmup",
                "0s",
                "--policy",
                POLICY));
    args.addAll(List.of(extra));
    return WardenProcess.start(name, dir, args.toArray(String[]::new));
  }

  private static double number(String text) {
    return Double.parseDouble(text.replace(",", ""));
  }
}
