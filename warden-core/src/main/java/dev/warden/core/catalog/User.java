package dev.warden.core.catalog;

import java.util.List;
import java.util.Map;

/**
 * A user the catalog knows.
 *
 * @param traits attributes such as team or on-call status, each a list of strings
 */
public record User(UserName name, Map<String, List<String>> traits) {

  public User {
    traits =
        traits.entrySet().stream()
            .collect(
                java.util.stream.Collectors.toUnmodifiableMap(
                    Map.Entry::getKey, e -> List.copyOf(e.getValue())));
  }

  /** A user with no traits, used for requesters the catalog does not list. */
  public static User unlisted(UserName name) {
    return new User(name, Map.of());
  }
}
