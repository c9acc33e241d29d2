package dev.warden.broker.auth;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A named role: the rules it grants, built in or read from the broker's roles file.
 *
 * @param name lower-case letters, digits and {@code -}, as certificates carry it
 */
public record RoleDefinition(String name, String description, List<Rule> rules, boolean builtIn) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  public RoleDefinition {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "role name '"
              + name
              + "' is not a lower-case name of letters, digits and - (at most 63)");
    }
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("role " + name + " has no rule");
    }
    rules = List.copyOf(rules);
  }

  /** Whether {@code name} could name a role. */
  public static boolean isRoleName(String name) {
    return NAME.matcher(name).matches();
  }
}
