package dev.warden.watcher.config;

import dev.warden.core.policy.Mode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The watcher's settings, as read from {@code watcher.yaml}.
 *
 * @param mode overrides the policy's own mode when set
 * @param pollInterval how often {@code source: poll} lists everything
 * @param resyncInterval how often every user is reconciled even without events
 * @param listen where {@code /healthz}, {@code /readyz} and {@code /metrics} are served
 * @param shadowPolicy a policy evaluated beside the real one without acting, or null
 * @param allowBroaderIdentity start even when the identity holds permissions beyond what the
 *     watcher needs, warning at every start; without it such an identity is refused
 */
public record WatcherConfig(
    URI broker,
    Path identity,
    Path policy,
    Path decisionLog,
    @Nullable Mode mode,
    Source source,
    Duration pollInterval,
    Duration resyncInterval,
    InetSocketAddress listen,
    @Nullable Path shadowPolicy,
    boolean allowBroaderIdentity) {

  /** Where the watcher learns about changes. */
  public enum Source {
    /** List, then follow the broker's watch stream: changes are seen within milliseconds. */
    WATCH,
    /** List everything every poll interval: the fallback for access planes without a stream. */
    POLL
  }

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RESYNC_INTERVAL = Duration.ofMinutes(5);

  /** A configuration that refuses an identity broader than the watcher needs. */
  public WatcherConfig(
      URI broker,
      Path identity,
      Path policy,
      Path decisionLog,
      @Nullable Mode mode,
      Source source,
      Duration pollInterval,
      Duration resyncInterval,
      InetSocketAddress listen,
      @Nullable Path shadowPolicy) {
    this(
        broker,
        identity,
        policy,
        decisionLog,
        mode,
        source,
        pollInterval,
        resyncInterval,
        listen,
        shadowPolicy,
        false);
  }

  /** This configuration with {@code allowBroaderIdentity} set as given. */
  public WatcherConfig withAllowBroaderIdentity(boolean allow) {
    return new WatcherConfig(
        broker,
        identity,
        policy,
        decisionLog,
        mode,
        source,
        pollInterval,
        resyncInterval,
        listen,
        shadowPolicy,
        allow);
  }

  /** The effective configuration, one {@code key=value} a line, for the start-up log. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("broker=" + broker);
    lines.add("identity=" + identity);
    lines.add("policy=" + policy);
    lines.add("decisionLog=" + decisionLog);
    lines.add("mode=" + (mode == null ? "(from policy)" : mode.wireName()));
    lines.add("source=" + source.name().toLowerCase(java.util.Locale.ROOT));
    if (source == Source.POLL) {
      lines.add("pollInterval=" + pollInterval);
    }
    lines.add("resyncInterval=" + resyncInterval);
    lines.add("listen=" + listen.getHostString() + ":" + listen.getPort());
    if (shadowPolicy != null) {
      lines.add("shadowPolicy=" + shadowPolicy);
    }
    lines.add("allowBroaderIdentity=" + allowBroaderIdentity);
    return lines;
  }
}
