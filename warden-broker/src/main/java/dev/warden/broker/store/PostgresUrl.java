package dev.warden.broker.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL store URL, {@code postgresql://user:password@host:port/database?parameters}, taken
 * apart into what the JDBC driver wants.
 *
 * @param parameters driver parameters from the query string, such as {@code sslmode} or {@code
 *     currentSchema}
 */
record PostgresUrl(
    String host,
    int port,
    String database,
    @Nullable String user,
    @Nullable String password,
    Map<String, String> parameters) {

  static final int DEFAULT_PORT = 5432;

  PostgresUrl {
    parameters = Map.copyOf(parameters);
  }

  /** Whether {@code url} names PostgreSQL at all, so the caller can tell a typo from SQLite. */
  static boolean isPostgres(String url) {
    return url.startsWith("postgresql://") || url.startsWith("postgres://");
  }

  /**
   * Parses a store URL.
   *
   * @throws IllegalArgumentException naming what is wrong with the URL (its password masked)
   */
  static PostgresUrl parse(String url) {
    if (!isPostgres(url)) {
      throw new IllegalArgumentException(
          "store URL '" + mask(url) + "' does not start with postgresql://");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "store URL '" + mask(url) + "' is malformed: " + e.getReason(), e);
    }

    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("store URL '" + mask(url) + "' names no host");
    }
    String path = uri.getRawPath();
    if (path == null || path.length() <= 1 || path.indexOf('/', 1) >= 0) {
      throw new IllegalArgumentException(
          "store URL '" + mask(url) + "' must name one database after the host, as in /warden");
    }

    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    return new PostgresUrl(
        host,
        uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
        decode(path.substring(1)),
        user,
        password,
        query(uri.getRawQuery(), url));
  }

  /** The JDBC URL, without credentials: they travel in {@link #properties()}. */
  String jdbcUrl() {
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://");
    jdbc.append(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host);
    jdbc.append(':').append(port).append('/').append(database);
    return jdbc.toString();
  }

  /** Driver properties: the credentials and every query parameter. */
  Properties properties() {
    Properties properties = new Properties();
    parameters.forEach(properties::setProperty);
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    return properties;
  }

  /** The schema named by {@code currentSchema}, or null for the user's default. */
  @Nullable String schema() {
    return parameters.get("currentSchema");
  }

  /** The URL as safe to log: the password replaced by stars. */
  @Override
  public String toString() {
    return "postgresql://"
        + (user == null ? "" : user + (password == null ? "" : ":***") + "@")
        + host
        + ":"
        + port
        + "/"
        + database
        + (schema() == null ? "" : "?currentSchema=" + schema());
  }

  private static Map<String, String> query(@Nullable String rawQuery, String url) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(
            "store URL '" + mask(url) + "' has the parameter '" + pair + "' without a value");
      }
      parameters.put(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
    }
    return parameters;
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Hides the password in {@code url} for error messages. */
  static String mask(String url) {
    return url.replaceFirst("(://[^:/@]*:)[^@/]*@", "$1***@");
  }
}
