package dev.warden.watcher.metrics;

/**
 * The watcher's series, by name, so that every place that records one spells it the same way. The
 * names are the watcher's public metrics; {@code docs/watcher.md} lists them.
 */
public final class WatcherMetrics {

  public static final String DECISIONS = "warden_decisions_total";
  public static final String DECISION_LATENCY = "warden_decision_latency_seconds";
  public static final String ACTIONS = "warden_actions_total";
  public static final String ACTION_FAILURES = "warden_action_failures_total";
  public static final String WATCH_RECONNECTS = "warden_watch_reconnects_total";
  public static final String WATCH_HISTORY_GONE = "warden_watch_history_gone_total";
  public static final String WATCH_CERTIFICATE_MOVES = "warden_watch_certificate_moves_total";
  public static final String IDENTITY_EXPIRY = "warden_identity_expiry_seconds";
  public static final String IDENTITY_EXCESS = "warden_identity_excess_permissions";
  public static final String SECONDS_SINCE_EVENT = "warden_seconds_since_last_event";
  public static final String POLICY_RELOADS = "warden_policy_reloads_total";
  public static final String LOG_FSYNC = "warden_decision_log_fsync_seconds";
  public static final String LOG_UNAVAILABLE = "warden_decision_log_unavailable_total";
  public static final String SHADOW_DIFFERENCES = "warden_shadow_differences_total";
  public static final String CACHE_REQUESTS = "warden_cache_requests";
  public static final String CACHE_LOCKS = "warden_cache_locks";

  /** Latency buckets from half a millisecond to a minute, in seconds. */
  public static final double[] LATENCY_BUCKETS = {
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  /** Fsync buckets from 50 microseconds to 5 seconds, in seconds. */
  public static final double[] FSYNC_BUCKETS = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5
  };

  private WatcherMetrics() {}
}
