package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;

/**
 * An active grant as the state rules see it: the request, where it lies, and when it began.
 *
 * @param since when the grant was approved; the pending request counts as approved "now"
 * @param expires when the grant ends, which is also when a lock on it may end
 */
record Grant(AccessRequest request, Placement placement, Instant since, Instant expires) {

  /** Oldest first; ties broken by request id so that the order never depends on input order. */
  static final Comparator<Grant> OLDEST_FIRST =
      (a, b) -> {
        int bySince = a.since.compareTo(b.since);
        return bySince != 0 ? bySince : a.request.id().compareTo(b.request.id());
      };

  Set<String> environments() {
    return placement.environments();
  }

  int weight(boolean countRoles) {
    int resources = request.resources().size();
    return countRoles ? resources + request.roles().size() : resources;
  }
}
