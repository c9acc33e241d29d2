package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An active grant as the state rules see it: the approved request and where it lies. The pending
 * request joins the state rules as a grant approved "now".
 */
record Grant(AccessRequest request, Placement placement) {

  Grant {
    if (request.approved() == null || request.expires() == null) {
      throw new IllegalArgumentException("bug: request " + request.id() + " is not a grant");
    }
  }

  /** When the grant was approved. */
  Instant since() {
    return Objects.requireNonNull(request.approved());
  }

  /** When the grant ends, which is also when a lock on it may end. */
  Instant expires() {
    return Objects.requireNonNull(request.expires());
  }

  /** Oldest first; ties broken by request id so that the order never depends on input order. */
  static final Comparator<Grant> OLDEST_FIRST = Grant::compare;

  static int compare(Grant a, Grant b) {
    int bySince = a.since().compareTo(b.since());
    return bySince != 0 ? bySince : a.request.id().compareTo(b.request.id());
  }

  /**
   * {@code grants} followed by {@code newest}, without copying: the grants a pending request would
   * join.
   */
  static List<Grant> followedBy(List<Grant> grants, Grant newest) {
    return new AbstractList<>() {
      @Override
      public Grant get(int index) {
        return index == grants.size() ? newest : grants.get(index);
      }

      @Override
      public int size() {
        return grants.size() + 1;
      }
    };
  }

  Set<String> environments() {
    return placement.environments();
  }

  int weight(boolean countRoles) {
    int resources = request.resources().size();
    return countRoles ? resources + request.roles().size() : resources;
  }
}
