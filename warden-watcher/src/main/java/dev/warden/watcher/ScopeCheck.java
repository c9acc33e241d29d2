package dev.warden.watcher;

import dev.warden.api.v1.Permission;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Compares the permissions the broker reports for the watcher's identity ({@code GET /v1/whoami})
 * with exactly those the watcher needs, in both directions.
 *
 * <p>The watcher reads the catalog; lists, reads and watches requests and locks; reviews requests;
 * and creates and deletes its own locks, whose ids start with {@code warden-}. It never creates
 * requests, reads the audit trail, manages identities, or touches locks it did not make, and an
 * identity that may is broader than it should be: whoever steals its key gets all of that.
 */
final class ScopeCheck {

  /** One verb on one resource within one scope; a null scope is every object of the resource. */
  record Grant(String resource, String verb, @Nullable String scope) {

    /** Whether this grant allows everything {@code other} does. */
    boolean covers(Grant other) {
      if (!resource.equals(other.resource) || !verb.equals(other.verb)) {
        return false;
      }
      if (scope == null || scope.equals(other.scope)) {
        return true;
      }
      return other.scope != null
          && scope.endsWith("*")
          && other.scope.endsWith("*")
          && other.scope.startsWith(scope.substring(0, scope.length() - 1));
    }

    @Override
    public String toString() {
      return verb + " " + resource + (scope == null ? "" : " (scope " + scope + ")");
    }
  }

  /** Exactly what the watcher needs, in the broker's vocabulary. */
  static final List<Grant> NEEDED =
      List.of(
          new Grant("catalog", "read", null),
          new Grant("requests", "list", null),
          new Grant("requests", "read", null),
          new Grant("requests", "watch", null),
          new Grant("requests", "review", null),
          new Grant("locks", "list", null),
          new Grant("locks", "read", null),
          new Grant("locks", "watch", null),
          new Grant("locks", "create", "warden-*"),
          new Grant("locks", "delete", "warden-*"));

  /**
   * The outcome: what is missing and what is more than needed, each in a stable order.
   *
   * @param missing needed grants the identity lacks; the watcher cannot work without them
   * @param excess grants the identity holds that the watcher does not need
   */
  record Result(List<Grant> missing, List<Grant> excess) {

    boolean exact() {
      return missing.isEmpty() && excess.isEmpty();
    }
  }

  private ScopeCheck() {}

  static Result compare(List<Permission> permissions) {
    Set<Grant> granted = new LinkedHashSet<>();
    for (Permission permission : permissions) {
      for (String verb : permission.verbs()) {
        granted.add(new Grant(permission.resource(), verb, permission.scope()));
      }
    }
    List<Grant> missing = new ArrayList<>();
    for (Grant needed : NEEDED) {
      if (granted.stream().noneMatch(g -> g.covers(needed))) {
        missing.add(needed);
      }
    }
    List<Grant> excess = new ArrayList<>();
    for (Grant grant : granted) {
      if (NEEDED.stream().noneMatch(n -> n.covers(grant))) {
        excess.add(grant);
      }
    }
    return new Result(missing, excess);
  }

  /** The grants as a sentence part: {@code read catalog, create locks}. */
  static String describe(List<Grant> grants) {
    return String.join(", ", grants.stream().map(Objects::toString).toList());
  }
}
