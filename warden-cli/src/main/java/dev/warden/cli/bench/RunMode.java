package dev.warden.cli.bench;

import dev.warden.watcher.config.WatcherConfig;
import java.time.Duration;

/**
 * How the watcher of one run learns about changes: the watch stream, or a full listing every poll
 * interval.
 *
 * @param label the name the report uses: {@code watch}, {@code poll-1s}, {@code poll-30s}
 */
record RunMode(String label, WatcherConfig.Source source, Duration pollInterval) {

  /** Beyond the poll interval, what a poll cycle may take to list and reconcile everything. */
  private static final Duration POLL_CYCLE_SLACK = Duration.ofSeconds(5);

  /** A generous bound on a healthy watch-mode decision; far beyond the targets. */
  private static final Duration WATCH_HORIZON = Duration.ofSeconds(2);

  static RunMode watch() {
    return new RunMode("watch", WatcherConfig.Source.WATCH, WatcherConfig.DEFAULT_POLL_INTERVAL);
  }

  static RunMode poll(Duration interval) {
    return new RunMode("poll-" + shortText(interval), WatcherConfig.Source.POLL, interval);
  }

  boolean polls() {
    return source == WatcherConfig.Source.POLL;
  }

  /**
   * How long after a change its decision may come: what the load must leave between a user's
   * requests so that the watcher sees them in the order, and the company, that the prediction
   * assumes.
   */
  Duration decisionHorizon() {
    return polls() ? pollInterval.plus(POLL_CYCLE_SLACK) : WATCH_HORIZON;
  }

  /** How long to wait after the last request for the decisions still due. */
  Duration drainTimeout() {
    return polls() ? pollInterval.multipliedBy(2).plus(POLL_CYCLE_SLACK) : Duration.ofSeconds(30);
  }

  static String shortText(Duration duration) {
    if (duration.toMillis() % 1000 != 0) {
      return duration.toMillis() + "ms";
    }
    long seconds = duration.toSeconds();
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0 && seconds >= 60) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
