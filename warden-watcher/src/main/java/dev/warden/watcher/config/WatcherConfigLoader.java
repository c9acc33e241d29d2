package dev.warden.watcher.config;

import dev.warden.core.policy.Mode;
import dev.warden.core.yaml.InvalidFileException;
import dev.warden.core.yaml.Problems;
import dev.warden.core.yaml.YamlDocument;
import dev.warden.core.yaml.YamlNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code watcher.yaml}. Unknown keys and bad values are errors with their line and column;
 * relative paths are resolved against the file's directory, so a config can travel with its files.
 */
public final class WatcherConfigLoader {

  private static final Set<String> KEYS =
      Set.of(
          "broker",
          "identity",
          "policy",
          "decisionLog",
          "mode",
          "source",
          "pollInterval",
          "resyncInterval",
          "listen",
          "shadowPolicy",
          "allowBroaderIdentity");

  private WatcherConfigLoader() {}

  /**
   * Parses a watcher configuration.
   *
   * @param source the file name for messages
   * @param base the directory relative paths are resolved against
   * @throws InvalidFileException with every problem found
   */
  public static WatcherConfig load(String source, String text, Path base)
      throws InvalidFileException {
    Problems problems = new Problems(source);
    Optional<YamlNode.Mapping> root =
        YamlDocument.parse(text, problems).flatMap(r -> r.asMapping("the watcher configuration"));
    if (root.isEmpty()) {
      problems.throwIfErrors();
      throw new IllegalStateException("bug: no configuration and no error");
    }
    YamlNode.Mapping config = root.get();
    config.rejectUnknownKeys(KEYS, "the watcher configuration");

    URI broker =
        config
            .require("broker", "the watcher configuration")
            .flatMap(n -> brokerUri(n, problems))
            .orElse(null);
    Path identity = path(config, "identity", base, true);
    Path policy = path(config, "policy", base, true);
    Path decisionLog = path(config, "decisionLog", base, true);
    Path shadowPolicy = path(config, "shadowPolicy", base, false);
    Mode mode = config.get("mode").flatMap(n -> mode(n, problems)).orElse(null);
    WatcherConfig.Source sourceKind =
        config
            .get("source")
            .flatMap(n -> sourceKind(n, problems))
            .orElse(WatcherConfig.Source.WATCH);
    Duration poll =
        config
            .get("pollInterval")
            .flatMap(n -> n.asDuration("pollInterval"))
            .orElse(WatcherConfig.DEFAULT_POLL_INTERVAL);
    Duration resync =
        config
            .get("resyncInterval")
            .flatMap(n -> n.asDuration("resyncInterval"))
            .orElse(WatcherConfig.DEFAULT_RESYNC_INTERVAL);
    InetSocketAddress listen =
        config
            .get("listen")
            .flatMap(n -> listen(n, problems))
            .orElse(new InetSocketAddress("127.0.0.1", 7444));

    boolean allowBroader =
        config
            .get("allowBroaderIdentity")
            .flatMap(n -> n.asBoolean("allowBroaderIdentity"))
            .orElse(false);

    problems.throwIfErrors();
    return new WatcherConfig(
        broker,
        identity,
        policy,
        decisionLog,
        mode,
        sourceKind,
        poll,
        resync,
        listen,
        shadowPolicy,
        allowBroader);
  }

  private static @Nullable Path path(
      YamlNode.Mapping config, String key, Path base, boolean required) {
    Optional<YamlNode> node =
        required ? config.require(key, "the watcher configuration") : config.get(key);
    return node.flatMap(n -> n.asString(key, 4096))
        .map(p -> base.resolve(p).normalize())
        .orElse(null);
  }

  private static Optional<URI> brokerUri(YamlNode node, Problems problems) {
    Optional<String> text = node.asString("broker", 2048);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(text.get());
      if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
        problems.error(
            node.position(),
            "bad-url",
            "broker '" + text.get() + "' must be an https URL with a host",
            "for example https://127.0.0.1:7443; the broker serves HTTPS with mTLS only");
        return Optional.empty();
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      problems.error(node.position(), "bad-url", "broker '" + text.get() + "' is not a URL");
      return Optional.empty();
    }
  }

  private static Optional<Mode> mode(YamlNode node, Problems problems) {
    return node.asText("mode")
        .flatMap(
            text -> {
              for (Mode mode : Mode.values()) {
                if (mode.wireName().equals(text)) {
                  return Optional.of(mode);
                }
              }
              problems.error(
                  node.position(), "bad-value", "mode '" + text + "' is not enforce or dry-run");
              return Optional.empty();
            });
  }

  private static Optional<WatcherConfig.Source> sourceKind(YamlNode node, Problems problems) {
    return node.asText("source")
        .flatMap(
            text ->
                switch (text) {
                  case "watch" -> Optional.of(WatcherConfig.Source.WATCH);
                  case "poll" -> Optional.of(WatcherConfig.Source.POLL);
                  default -> {
                    problems.error(
                        node.position(), "bad-value", "source '" + text + "' is not watch or poll");
                    yield Optional.empty();
                  }
                });
  }

  private static Optional<InetSocketAddress> listen(YamlNode node, Problems problems) {
    return node.asText("listen")
        .flatMap(
            text -> {
              int colon = text.lastIndexOf(':');
              if (colon <= 0) {
                problems.error(
                    node.position(), "bad-address", "listen '" + text + "' is not host:port");
                return Optional.empty();
              }
              String host = text.substring(0, colon);
              if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
              }
              try {
                int port = Integer.parseInt(text.substring(colon + 1));
                if (port < 0 || port > 65535) {
                  throw new NumberFormatException();
                }
                return Optional.of(InetSocketAddress.createUnresolved(host, port));
              } catch (NumberFormatException e) {
                problems.error(
                    node.position(),
                    "bad-address",
                    "listen '" + text + "' has no port number from 0 to 65535");
                return Optional.empty();
              }
            });
  }
}
