package dev.warden.core.replay;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.User;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Action;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.Outcome;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The simulated access plane of one side of a replay: every user's requests and locks as that
 * side's own decisions left them. Nothing leaves it; carrying out a decision only changes it.
 *
 * <p>Memory stays bounded by what is live: a request is forgotten once it can no longer matter to a
 * decision (its access has expired and it left the longest window any rule looks back over), and a
 * lock once it is no longer in force.
 */
final class World {

  private static final Duration MIN_MEMORY = Duration.ofHours(1);
  private static final int PRUNE_ABOVE = 16;

  private final PolicyEngine engine;
  private final Catalog catalog;
  private final Duration memory;
  private final Map<UserName, Records> users = new HashMap<>();

  /** One user's requests and the locks that touch them. */
  private static final class Records {
    final User user;
    // Approved requests only: a request that was not approved never changes a decision (decide
    // counts pending, active and approved ones), so refused ones are kept apart, as ids, only to
    // recognise a repeat; the state each decision reads stays small.
    final List<AccessRequest> requests = new ArrayList<>();
    final List<Refused> refused = new ArrayList<>();
    final List<Lock> locks = new ArrayList<>();
    Instant forgotten = Instant.MIN;

    Records(User user) {
      this.user = user;
    }
  }

  /**
   * A world for one policy.
   *
   * @param memory how long finished requests are remembered; at least the longest window of the
   *     policy, and the same for both sides of a replay, so that both recognise the same repeats
   */
  /** A request that was not approved, remembered until it leaves the window. */
  private record Refused(RequestId id, Instant created) {}

  World(Policy policy, Catalog catalog, Duration memory) {
    if (memory.compareTo(policy.longestWindow()) < 0) {
      throw new IllegalArgumentException(
          "bug: a world must remember at least " + policy.longestWindow() + ", not " + memory);
    }
    this.engine = new PolicyEngine(policy);
    this.catalog = catalog;
    this.memory = memory;
  }

  /** How long both sides of a replay of these policies remember finished requests. */
  static Duration memoryFor(Policy candidate, @Nullable Policy baseline) {
    Duration longest = candidate.longestWindow();
    if (baseline != null && baseline.longestWindow().compareTo(longest) > 0) {
      longest = baseline.longestWindow();
    }
    return longest.compareTo(MIN_MEMORY) > 0 ? longest : MIN_MEMORY;
  }

  /**
   * Decides a newly arrived request at {@code at} and carries the decision out here.
   *
   * @return the decision, or null when this world already holds a request with that id: the same
   *     request decided again, which is not a new arrival
   */
  @Nullable Decision decideIfNew(AccessRequest pending, Instant at) {
    Records records =
        users.computeIfAbsent(pending.user(), u -> new Records(catalog.userOrUnlisted(u)));
    forget(records, at);
    for (Refused refused : records.refused) {
      if (refused.id().equals(pending.id())) {
        return null;
      }
    }
    List<AccessRequest> requests = new ArrayList<>(records.requests.size() + 1);
    for (AccessRequest request : records.requests) {
      if (request.id().equals(pending.id())) {
        return null;
      }
      requests.add(request);
    }
    requests.add(pending);
    UserState state = new UserState(records.user, requests, records.locks, catalog);
    Decision decision = engine.decide(state, pending.id(), at);
    carryOut(records, pending, decision, at);
    return decision;
  }

  /**
   * Applies the decision. An escalated request is kept as not approved: a replay cannot know what a
   * person would have decided, and taking it as approved would credit the policy with access it did
   * not grant.
   */
  private void carryOut(Records records, AccessRequest pending, Decision decision, Instant at) {
    for (Action action : decision.actions()) {
      if (action instanceof Action.Lock lock) {
        records.locks.removeIf(held -> held.id().equals(lock.id()));
        records.locks.add(new Lock(lock.id(), lock.target(), lock.message(), lock.expires()));
      }
    }
    if (decision.outcome() == Outcome.APPROVE) {
      records.requests.add(pending.approvedAt(at, catalog));
    } else {
      records.refused.add(new Refused(pending.id(), pending.created()));
    }
  }

  /**
   * Drops what can no longer matter, when a user's records have grown or a window has passed since
   * the last time. What is kept a little longer changes no decision: {@code decide} ignores expired
   * grants and locks no longer in force, and counts approvals only within the window this world
   * remembers; pruning on every request would cost more than deciding it.
   */
  private void forget(Records records, Instant at) {
    int held = records.requests.size() + records.refused.size() + records.locks.size();
    if (held < PRUNE_ABOVE && at.isBefore(records.forgotten.plus(memory))) {
      return;
    }
    records.forgotten = at;
    Instant horizon = at.minus(memory);
    records.requests.removeIf(
        request -> {
          Instant approved = request.approved();
          Instant expires = request.expires();
          return approved != null
              && approved.isBefore(horizon)
              && expires != null
              && !expires.isAfter(at);
        });
    records.refused.removeIf(refused -> refused.created().isBefore(horizon));
    records.locks.removeIf(lock -> !lock.inForceAt(at));
  }

  /** The number of requests remembered, over all users; for tests of bounded memory. */
  int remembered() {
    int count = 0;
    for (Records records : users.values()) {
      count += records.requests.size() + records.refused.size();
    }
    return count;
  }
}
