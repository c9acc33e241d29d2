package dev.warden.broker;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How to run a broker.
 *
 * @param dataDirectory holds the CA ({@code ca/}) and, without a store URL, the SQLite file
 * @param catalogFile the catalog YAML file
 * @param host the address to listen on; the server certificate names it
 * @param port the port, or 0 for any free one (see {@link Broker#port()})
 * @param storeUrl null for SQLite in the data directory, or a {@code postgresql://} URL
 * @param pendingTtl how long a request may stay pending before it expires
 * @param bookmarkInterval the longest a watch stream goes without a bookmark
 * @param reloadOnHangup whether SIGHUP reloads the catalog; meant for the broker process, not for
 *     brokers embedded in tests
 * @param rolesFile a roles file defining roles besides the built-in ones, or null for none
 * @param historyRetention how many of the latest changes the watch history keeps; older ones are
 *     compacted away, and a watch resuming from before them gets {@code 410 Gone}. 0 keeps every
 *     change. The audit trail is never compacted.
 */
public record BrokerConfig(
    Path dataDirectory,
    Path catalogFile,
    String host,
    int port,
    @Nullable String storeUrl,
    Duration pendingTtl,
    Duration bookmarkInterval,
    boolean reloadOnHangup,
    Clock clock,
    @Nullable Path rolesFile,
    long historyRetention) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7443;
  public static final Duration DEFAULT_PENDING_TTL = Duration.ofHours(1);
  public static final Duration DEFAULT_BOOKMARK_INTERVAL = Duration.ofSeconds(10);

  public BrokerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
    }
    if (pendingTtl.isNegative() || pendingTtl.isZero()) {
      throw new IllegalArgumentException("the pending ttl must be positive, not " + pendingTtl);
    }
    if (historyRetention < 0) {
      throw new IllegalArgumentException(
          "the history retention must be 0 (keep everything) or positive, not " + historyRetention);
    }
    if (bookmarkInterval.isNegative()
        || bookmarkInterval.isZero()
        || bookmarkInterval.compareTo(DEFAULT_BOOKMARK_INTERVAL) > 0) {
      throw new IllegalArgumentException(
          "the bookmark interval must be positive and at most 10 s, not " + bookmarkInterval);
    }
  }

  /** The defaults: 127.0.0.1:7443, SQLite, pending ttl one hour, no SIGHUP handling. */
  public static BrokerConfig of(Path dataDirectory, Path catalogFile) {
    return new BrokerConfig(
        dataDirectory,
        catalogFile,
        DEFAULT_HOST,
        DEFAULT_PORT,
        null,
        DEFAULT_PENDING_TTL,
        DEFAULT_BOOKMARK_INTERVAL,
        false,
        Clock.systemUTC(),
        null,
        0);
  }

  public BrokerConfig withListen(String newHost, int newPort) {
    return new BrokerConfig(
        dataDirectory,
        catalogFile,
        newHost,
        newPort,
        storeUrl,
        pendingTtl,
        bookmarkInterval,
        reloadOnHangup,
        clock,
        rolesFile,
        historyRetention);
  }

  public BrokerConfig withStore(@Nullable String url) {
    return new BrokerConfig(
        dataDirectory,
        catalogFile,
        host,
        port,
        url,
        pendingTtl,
        bookmarkInterval,
        reloadOnHangup,
        clock,
        rolesFile,
        historyRetention);
  }

  public BrokerConfig withPendingTtl(Duration ttl) {
    return new BrokerConfig(
        dataDirectory,
        catalogFile,
        host,
        port,
        storeUrl,
        ttl,
        bookmarkInterval,
        reloadOnHangup,
        clock,
        rolesFile,
        historyRetention);
  }

  public BrokerConfig withBookmarkInterval(Duration interval) {
    return new BrokerConfig(
        dataDirectory,
        catalogFile,
        host,
        port,
        storeUrl,
        pendingTtl,
        interval,
        reloadOnHangup,
        clock,
        rolesFile,
        historyRetention);
  }

  public BrokerConfig withReloadOnHangup(boolean reload) {
    return new BrokerConfig(
        dataDirectory,
        catalogFile,
        host,
        port,
        storeUrl,
        pendingTtl,
        bookmarkInterval,
        reload,
        clock,
        rolesFile,
        historyRetention);
  }

  public BrokerConfig withClock(Clock newClock) {
    return new BrokerConfig(
        dataDirectory,
        catalogFile,
        host,
        port,
        storeUrl,
        pendingTtl,
        bookmarkInterval,
        reloadOnHangup,
        newClock,
        rolesFile,
        historyRetention);
  }

  /** This configuration with roles defined in {@code file} besides the built-in ones. */
  public BrokerConfig withRoles(@Nullable Path file) {
    return new BrokerConfig(
        dataDirectory,
        catalogFile,
        host,
        port,
        storeUrl,
        pendingTtl,
        bookmarkInterval,
        reloadOnHangup,
        clock,
        file,
        historyRetention);
  }

  /**
   * This configuration keeping only the latest {@code changes} changes of the watch history, or all
   * of them for 0.
   */
  public BrokerConfig withHistoryRetention(long changes) {
    return new BrokerConfig(
        dataDirectory,
        catalogFile,
        host,
        port,
        storeUrl,
        pendingTtl,
        bookmarkInterval,
        reloadOnHangup,
        clock,
        rolesFile,
        changes);
  }

  /** The store URL with any password replaced, for logs. */
  public String maskedStore() {
    if (storeUrl == null) {
      return "sqlite:" + dataDirectory.resolve("broker.db");
    }
    return storeUrl
        .replaceAll("(//[^:/@]+:)[^@]*@", "$1****@")
        .replaceAll("(?i)(password=)[^&]*", "$1****");
  }
}
