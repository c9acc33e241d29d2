package dev.warden.cli.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one run measured.
 *
 * @param requests requests the load created
 * @param decisionsPerSecond reviews seen per second, from the first send to the last review seen
 * @param mismatches created requests whose final state (and whether they are locked) differs from
 *     what {@code decide} predicts
 * @param watcher CPU time during the load and peak RSS of the watcher process, or null when the
 *     bench did not start it
 * @param broker the same for the broker process
 */
record RunResult(
    String mode,
    long requests,
    double decisionsPerSecond,
    Latency latencyMs,
    long mismatches,
    @Nullable ProcessUsage watcher,
    @Nullable ProcessUsage broker,
    Details details) {

  /**
   * The rest of what a person reading the report wants to know.
   *
   * @param unseen decisions predicted but not seen before the drain timed out
   * @param drain from the last send to the last review seen
   * @param bench the bench process's own CPU during the load, which shares the machine
   * @param stolenCores what the hypervisor took from the machine's virtual CPUs during the load, in
   *     cores (stolen seconds per second), or null where the system does not report it
   * @param stages the latency split where the watcher logged its intent and the broker took its
   *     review, or null when the bench did not start the watcher
   */
  record Details(
      Setup setup,
      long approved,
      long denied,
      long pending,
      long failedCreates,
      @Nullable String firstFailure,
      long unseen,
      Duration maxLag,
      long lateSends,
      boolean gaveUp,
      int locksPredicted,
      int locksPresent,
      List<String> mismatchExamples,
      Duration drain,
      int reconnects,
      ProcessUsage bench,
      @Nullable Double stolenCores,
      @Nullable Stages stages) {

    Details {
      mismatchExamples = List.copyOf(mismatchExamples);
    }

    /** Whether the system kept up with the offered load: on schedule, complete, nothing lost. */
    boolean keptUp() {
      return !gaveUp && failedCreates == 0 && unseen == 0 && lateSends * 100 <= setup.requests();
    }
  }

  /**
   * How a run was set up.
   *
   * @param abusers users brought to their approval budget before the load
   * @param seeds requests created and approved to do so
   */
  record Setup(
      double rate,
      Duration duration,
      long requests,
      int users,
      int abusers,
      long seeds,
      double ordinarySpacingSeconds,
      String store,
      String policy,
      List<String> policyChanges) {

    Setup {
      policyChanges = List.copyOf(policyChanges);
    }
  }

  /** The object {@code -o json} prints, with exactly the documented keys. */
  Map<String, Object> json() {
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("p50", round(latencyMs.p50(), 3));
    latency.put("p90", round(latencyMs.p90(), 3));
    latency.put("p99", round(latencyMs.p99(), 3));
    latency.put("max", round(latencyMs.max(), 3));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("requests", requests);
    json.put("decisionsPerSecond", round(decisionsPerSecond, 1));
    json.put("latencyMs", latency);
    json.put("mismatches", mismatches);
    json.put("watcher", usage(watcher));
    json.put("broker", usage(broker));
    return json;
  }

  private static Map<String, @Nullable Object> usage(@Nullable ProcessUsage usage) {
    Map<String, @Nullable Object> json = new LinkedHashMap<>();
    json.put("cpuSeconds", usage == null ? null : round(usage.cpuSeconds(), 2));
    json.put("peakRssMiB", usage == null ? null : round(usage.peakRssMiB(), 1));
    return json;
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
