package dev.warden.cli.bench;

import java.util.Arrays;

/**
 * Percentiles of end-to-end decision latency, in milliseconds, by the nearest-rank method.
 *
 * @param samples how many decisions were timed; zero leaves every percentile at zero
 */
record Latency(double p50, double p90, double p99, double max, int samples) {

  static Latency of(double[] millis) {
    if (millis.length == 0) {
      return new Latency(0, 0, 0, 0, 0);
    }
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    return new Latency(
        rank(sorted, 0.50),
        rank(sorted, 0.90),
        rank(sorted, 0.99),
        sorted[sorted.length - 1],
        sorted.length);
  }

  private static double rank(double[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, index)];
  }
}
