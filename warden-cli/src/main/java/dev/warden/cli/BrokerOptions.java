package dev.warden.cli;

import dev.warden.api.client.BrokerClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * How a command reaches a broker: {@code --broker URL} and {@code --identity DIR}, defaulting from
 * {@code --data DIR} (or {@code WARDEN_DATA}) to what {@code warden up} wrote there: the broker's
 * address and the admin identity.
 */
final class BrokerOptions {

  static final String URL_FILE = "broker.url";

  @Option(
      names = "--broker",
      paramLabel = "URL",
      description = "The broker, such as https://127.0.0.1:7443.")
  @Nullable URI broker;

  @Option(
      names = "--identity",
      paramLabel = "DIR",
      description = "Directory with tls.crt, tls.key and ca.crt to authenticate with.")
  @Nullable Path identity;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "A data directory of warden up; defaults the broker and the admin identity.")
  @Nullable Path data;

  BrokerClient connect() throws UserError {
    Path dataDir = data != null ? data : envData();
    URI url = broker != null ? broker : urlFrom(dataDir);
    Path identityDir = identity != null ? identity : identityFrom(dataDir);
    try {
      return BrokerClient.connect(url, identityDir);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  private static @Nullable Path envData() {
    String env = System.getenv("WARDEN_DATA");
    return env == null || env.isBlank() ? null : Path.of(env);
  }

  private static URI urlFrom(@Nullable Path dataDir) throws UserError {
    if (dataDir != null && Files.isRegularFile(dataDir.resolve(URL_FILE))) {
      try {
        return URI.create(Files.readString(dataDir.resolve(URL_FILE)).strip());
      } catch (java.io.IOException | IllegalArgumentException e) {
        throw new UserError(dataDir.resolve(URL_FILE) + ": cannot be read: " + e.getMessage());
      }
    }
    return URI.create("https://127.0.0.1:7443");
  }

  private static Path identityFrom(@Nullable Path dataDir) throws UserError {
    if (dataDir == null) {
      throw new UserError(
          "name an identity with --identity DIR, or a warden up data directory with --data DIR"
              + " (or WARDEN_DATA)");
    }
    return dataDir.resolve("identities").resolve("admin");
  }
}
