package dev.warden.broker.auth;

import dev.warden.core.yaml.InvalidFileException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The roles a broker knows: the built-in ones, defined in the {@code builtin-roles.yaml} resource
 * in the same format as a roles file, and those of the broker's roles file.
 */
public final class RoleBook {

  /** The built-in role of whoever runs the broker; identity locks never cut it off. */
  public static final String ADMIN = "admin";

  /** The built-in role of the watcher; identities holding it are bots. */
  public static final String WATCHER = "watcher";

  private static final String BUILT_IN_RESOURCE = "builtin-roles.yaml";
  private static final RoleBook BUILT_IN = loadBuiltIn();

  private final Map<String, RoleDefinition> roles;

  RoleBook(List<RoleDefinition> definitions) {
    Map<String, RoleDefinition> byName = new LinkedHashMap<>();
    for (RoleDefinition role : definitions) {
      if (byName.putIfAbsent(role.name(), role) != null) {
        throw new IllegalArgumentException("role " + role.name() + " is defined twice");
      }
    }
    this.roles = java.util.Collections.unmodifiableMap(byName);
  }

  /** The built-in roles only: admin, watcher, requester and reviewer. */
  public static RoleBook builtIn() {
    return BUILT_IN;
  }

  /**
   * The built-in roles and those defined in a roles file.
   *
   * @param source the file name, for messages
   * @throws InvalidFileException with every problem of the file, each with its position
   */
  public static RoleBook withFile(String source, String text) throws InvalidFileException {
    return RoleFile.read(source, text, BUILT_IN);
  }

  /** This book with more roles; the names must be new. */
  RoleBook plus(List<RoleDefinition> more) {
    List<RoleDefinition> all = new ArrayList<>(roles.values());
    all.addAll(more);
    return new RoleBook(all);
  }

  public Optional<RoleDefinition> find(String name) {
    return Optional.ofNullable(roles.get(name));
  }

  public boolean isBuiltIn(String name) {
    return BUILT_IN.roles.containsKey(name);
  }

  /** Every role, built-ins first, each in file order. */
  public List<RoleDefinition> all() {
    return List.copyOf(roles.values());
  }

  /** The names of every role, for messages. */
  public List<String> names() {
    return List.copyOf(roles.keySet());
  }

  private static RoleBook loadBuiltIn() {
    try (InputStream in = RoleBook.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("bug: the resource " + BUILT_IN_RESOURCE + " is missing");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return RoleFile.readBuiltIn(BUILT_IN_RESOURCE, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InvalidFileException e) {
      throw new IllegalStateException("bug: the built-in roles do not load:\n" + e.getMessage(), e);
    }
  }
}
