package dev.warden.cli.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one {@code warden bench} invocation measures, checked once so that every run can rely on it.
 *
 * @param users simulated users, each a catalog user of the generated catalog
 * @param rate requests per second the load offers, independent of how fast answers come
 * @param warmup how long a load of other users runs before each measured one, to get the processes'
 *     JIT compilers through the hot paths; zero for none
 * @param modes the runs, back to back: one, or watch, poll 1 s and poll 30 s with {@code --compare}
 * @param store null for SQLite in the run's directory, or a {@code postgresql://} URL
 * @param broker a running broker to load instead of starting one, or null
 * @param identity the admin identity for {@code broker}, or null when the bench starts its own
 * @param policy the policy the watcher enforces
 * @param samples where to write one line per measured decision ({@link Samples}), or null
 */
record BenchSettings(
    int users,
    double rate,
    Duration duration,
    Duration warmup,
    List<RunMode> modes,
    @Nullable String store,
    @Nullable URI broker,
    @Nullable Path identity,
    Path policy,
    @Nullable Path samples) {

  static final int MIN_USERS = 10;

  /** The generated catalog must fit the catalog loader's 1 MiB file limit. */
  static final int MAX_USERS = 50_000;

  static final double MAX_RATE = 5_000;
  static final Duration MAX_DURATION = Duration.ofMinutes(30);
  static final long MAX_REQUESTS = 2_000_000;
  static final Duration MAX_WARMUP = Duration.ofMinutes(5);
  static final Duration MIN_POLL = Duration.ofMillis(100);
  static final Duration MAX_POLL = Duration.ofMinutes(5);

  BenchSettings {
    modes = List.copyOf(modes);
    requireBetween("--users", users, MIN_USERS, MAX_USERS);
    if (!(rate > 0) || rate > MAX_RATE) {
      throw new IllegalArgumentException(
          "--rate " + rate + " must be above 0 and at most " + (int) MAX_RATE + " requests/s");
    }
    if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(
          "--duration " + duration + " must be from 1 s to " + MAX_DURATION.toMinutes() + " min");
    }
    // The fields are assigned only after this constructor body: compute from the parameters.
    long requests = requestsFor(rate, duration);
    if (requests < 1 || requests > MAX_REQUESTS) {
      throw new IllegalArgumentException(
          "--rate "
              + rate
              + " for "
              + duration.toSeconds()
              + " s makes "
              + requests
              + " requests; between 1 and "
              + MAX_REQUESTS
              + " are allowed");
    }
    if (warmup.isNegative() || warmup.compareTo(MAX_WARMUP) > 0) {
      throw new IllegalArgumentException(
          "--warmup " + warmup + " must be from 0 s to " + MAX_WARMUP.toMinutes() + " min");
    }
    for (RunMode mode : modes) {
      checkPoll(mode);
    }
    if (broker != null && identity == null) {
      throw new IllegalArgumentException(
          "--broker needs --identity DIR: an admin identity of that broker");
    }
    if (broker != null && store != null) {
      throw new IllegalArgumentException(
          "--store chooses the store of a broker the bench starts; it does not apply to --broker");
    }
  }

  /** How many requests the load sends. */
  long requests() {
    return requestsFor(rate, duration);
  }

  private static long requestsFor(double rate, Duration duration) {
    return Math.round(rate * duration.toNanos() / 1e9);
  }

  /** How many requests the warm-up sends, at the warm-up rate. */
  long warmupRequests() {
    return requestsFor(BenchRun.WARMUP_RATE, warmup);
  }

  boolean external() {
    return broker != null;
  }

  /** The store the broker runs on, for reports. */
  String storeName() {
    if (store == null) {
      return broker == null ? "SQLite" : "external broker";
    }
    return "PostgreSQL";
  }

  /**
   * Reads {@code --store}: {@code sqlite} (the default) or a PostgreSQL URL.
   *
   * @return null for SQLite
   */
  static @Nullable String parseStore(@Nullable String text) {
    if (text == null || text.equals("sqlite")) {
      return null;
    }
    if (text.startsWith("postgresql://") || text.startsWith("postgres://")) {
      return text;
    }
    throw new IllegalArgumentException(
        "--store '" + text + "' is neither sqlite nor a postgresql:// URL");
  }

  private static void checkPoll(RunMode mode) {
    if (!mode.polls()) {
      return;
    }
    Duration interval = mode.pollInterval();
    if (interval.compareTo(MIN_POLL) < 0 || interval.compareTo(MAX_POLL) > 0) {
      throw new IllegalArgumentException(
          "--poll-interval "
              + interval
              + " must be from 100 ms to "
              + MAX_POLL.toMinutes()
              + " min");
    }
  }

  private static void requireBetween(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          option + " " + value + " must be from " + min + " to " + max);
    }
  }
}
