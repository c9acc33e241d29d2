package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.access.UserState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the broker does with a decision, reduced to its effect on one user's state: the model the
 * property tests check the engine's promises against.
 *
 * <p>It is written from the contract, not from the engine: locks are stored as asked, an approval
 * uses {@link AccessRequest#approvedAt}, and "active" is {@link UserState#isActive}.
 */
final class BrokerModel {

  /** Oldest grant first, ties by id: the order snapshots promise. */
  static final Comparator<AccessRequest> OLDEST_FIRST =
      Comparator.comparing((AccessRequest r) -> r.approved()).thenComparing(AccessRequest::id);

  private BrokerModel() {}

  /** The user's state once every action of {@code decision} is carried out at {@code now}. */
  static UserState apply(UserState state, Decision decision, Instant now) {
    List<Lock> locks = new ArrayList<>(state.locks());
    List<AccessRequest> requests = new ArrayList<>(state.requests());
    for (Action action : decision.actions()) {
      switch (action) {
        case Action.Lock lock -> store(locks, lock);
        case Action.Approve approve ->
            replace(requests, approve.request(), r -> r.approvedAt(now, state.catalog()));
        case Action.Deny deny ->
            replace(requests, deny.request(), r -> r.withState(RequestState.DENIED));
      }
    }
    return new UserState(state.user(), requests, locks, state.catalog());
  }

  /** The user's grants at {@code now} as a snapshot: unexpired grants, active or locked. */
  static Snapshot snapshot(UserState state, Instant now) {
    List<AccessRequest> active = new ArrayList<>();
    List<AccessRequest> locked = new ArrayList<>();
    for (AccessRequest request : state.requests()) {
      if (!request.isUnexpiredGrantAt(now)) {
        continue;
      }
      (state.isLocked(request, now) ? locked : active).add(request);
    }
    return new Snapshot(ids(active), ids(locked));
  }

  private static void store(List<Lock> locks, Action.Lock lock) {
    // A lock id names one lock: asking again for the same id replaces it, as the broker does.
    locks.removeIf(existing -> existing.id().equals(lock.id()));
    locks.add(new Lock(lock.id(), lock.target(), lock.message(), lock.expires()));
  }

  private static void replace(
      List<AccessRequest> requests,
      RequestId id,
      java.util.function.UnaryOperator<AccessRequest> change) {
    for (int i = 0; i < requests.size(); i++) {
      if (requests.get(i).id().equals(id)) {
        requests.set(i, change.apply(requests.get(i)));
        return;
      }
    }
    throw new AssertionError("decision acts on " + id + ", which the state does not hold");
  }

  private static List<RequestId> ids(List<AccessRequest> requests) {
    requests.sort(OLDEST_FIRST);
    List<RequestId> ids = new ArrayList<>(requests.size());
    requests.forEach(r -> ids.add(r.id()));
    return ids;
  }
}
