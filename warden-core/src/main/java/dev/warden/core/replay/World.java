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
import java.util.Arrays;
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
 *
 * <p>A replay decides millions of requests, each against state that lies scattered over a large
 * heap, so the cost of a decision here is mostly memory latency: every object a decision touches is
 * likely a cache miss. A user's records are therefore kept in flat arrays that say, without
 * following a reference, which request ids are remembered (by hash) and when each grant was
 * approved and expires; {@code decide} is handed only the grants it can read, with the pending
 * request first, where it looks for it.
 */
final class World {

  private static final Duration MIN_MEMORY = Duration.ofHours(1);
  private static final int PRUNE_ABOVE = 16;

  private final PolicyEngine engine;
  private final Catalog catalog;
  private final Duration memory;
  private final Duration window;
  private final Map<UserName, Records> users = new HashMap<>();
  private @Nullable Records last;
  private @Nullable UserName lastUser;
  // The records by the number a replay gave their user; filled as users arrive.
  private @Nullable Records[] numbered = new Records[1024];

  /**
   * One user's requests and the locks that touch them.
   *
   * <p>Approved requests only are kept as requests: a request that was not approved never changes a
   * decision ({@code decide} counts pending, active and approved ones), so refused ones are kept
   * apart, as ids, only to recognise a repeat; the state each decision reads stays small.
   */
  private static final class Records {
    // Per grant, GRANT longs: the hash of its id, when it was approved and when it expires (each
    // as epoch second and nano). One array, so that a decision reads one object for all of it.
    static final int GRANT = 5;
    // Per refused request, REFUSED longs: the hash of its id and when it was created.
    static final int REFUSED = 3;

    final User user;
    // The approved requests in the order they were approved, and their numbers.
    AccessRequest[] grants = new AccessRequest[4];
    long[] grantFacts = new long[4 * GRANT];
    int grantCount;
    // The ids of requests that were not approved, and their numbers.
    RequestId[] refused = new RequestId[4];
    long[] refusedFacts = new long[4 * REFUSED];
    int refusedCount;
    // Copied on change: a lock is placed by few decisions, and the state of every decision wants
    // an immutable list.
    List<Lock> locks = List.of();
    // When the records are next pruned whatever their size: a window after the last time.
    long pruneSecond = Long.MIN_VALUE;
    long pruneNano;

    Records(User user) {
      this.user = user;
    }

    boolean remembers(RequestId id, int hash) {
      for (int i = 0; i < refusedCount; i++) {
        if (refusedFacts[REFUSED * i] == hash && refused[i].equals(id)) {
          return true;
        }
      }
      for (int i = 0; i < grantCount; i++) {
        if (grantFacts[GRANT * i] == hash && grants[i].id().equals(id)) {
          return true;
        }
      }
      return false;
    }

    void grant(AccessRequest approved, int hash) {
      if (grantCount == grants.length) {
        grants = Arrays.copyOf(grants, grantCount * 2);
        grantFacts = Arrays.copyOf(grantFacts, grantCount * 2 * GRANT);
      }
      grants[grantCount] = approved;
      int at = GRANT * grantCount;
      grantFacts[at] = hash;
      put(grantFacts, at + 1, required(approved.approved()));
      put(grantFacts, at + 3, required(approved.expires()));
      grantCount++;
    }

    void refuse(AccessRequest request, int hash) {
      if (refusedCount == refused.length) {
        refused = Arrays.copyOf(refused, refusedCount * 2);
        refusedFacts = Arrays.copyOf(refusedFacts, refusedCount * 2 * REFUSED);
      }
      refused[refusedCount] = request.id();
      int at = REFUSED * refusedCount;
      refusedFacts[at] = hash;
      put(refusedFacts, at + 1, request.created());
      refusedCount++;
    }

    void lock(Lock lock) {
      List<Lock> next = new ArrayList<>(locks.size() + 1);
      for (Lock held : locks) {
        if (!held.id().equals(lock.id())) {
          next.add(held);
        }
      }
      next.add(lock);
      locks = List.copyOf(next);
    }
  }

  /**
   * A world for one policy.
   *
   * @param memory how long finished requests are remembered; at least the longest window of the
   *     policy, and the same for both sides of a replay, so that both recognise the same repeats
   */
  World(Policy policy, Catalog catalog, Duration memory) {
    if (memory.compareTo(policy.longestWindow()) < 0) {
      throw new IllegalArgumentException(
          "bug: a world must remember at least " + policy.longestWindow() + ", not " + memory);
    }
    this.engine = new PolicyEngine(policy);
    this.catalog = catalog;
    this.memory = memory;
    this.window = policy.longestWindow();
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
    return decideIfNew(recordsOf(pending.user()), pending, at, PolicyEngine.Detail.FULL);
  }

  /**
   * As {@link #decideIfNew(AccessRequest, Instant)}, for a user the replay numbered {@code user}:
   * their records are found by that number, without a map lookup. A number always stands for the
   * same user; the records are the same either way.
   *
   * @param detail how much of the decision to work out; carrying it out here reads only its actions
   *     and outcome, so a decision that is only counted need not be explained
   */
  @Nullable Decision decideIfNew(
      AccessRequest pending, Instant at, int user, PolicyEngine.Detail detail) {
    if (user >= numbered.length) {
      numbered = Arrays.copyOf(numbered, Math.max(user + 1, numbered.length * 2));
    }
    Records records = numbered[user];
    if (records == null) {
      records = recordsOf(pending.user());
      numbered[user] = records;
    }
    return decideIfNew(records, pending, at, detail);
  }

  private @Nullable Decision decideIfNew(
      Records records, AccessRequest pending, Instant at, PolicyEngine.Detail detail) {
    forget(records, at);
    int hash = pending.id().hashCode();
    if (records.remembers(pending.id(), hash)) {
      return null;
    }
    UserState state =
        new UserState(records.user, visible(records, pending, at), records.locks, catalog);
    // One call whatever the detail: two would each inline the whole engine, and compiling it twice
    // cost a replay more than a tenth of a second of its compiler's time.
    Decision decision = engine.decide(state, pending.id(), at, detail);
    carryOut(records, pending, hash, decision, at);
    return decision;
  }

  /**
   * The user's records, made on their first request. A replay hands this world one user's requests
   * of a batch one after another, so the last user's are kept at hand and most requests need no
   * lookup in the map.
   */
  private Records recordsOf(UserName user) {
    if (last != null && user.equals(lastUser)) {
      return last;
    }
    Records records = users.get(user);
    if (records == null) {
      records = new Records(catalog.userOrUnlisted(user));
      users.put(user, records);
    }
    last = records;
    lastUser = user;
    return records;
  }

  /**
   * The requests {@code decide} is given: the pending one, then every grant it can read at {@code
   * at}, in the order they were approved. It reads a grant while it has not expired (to hold it, or
   * as already locked) and while its approval lies within the window of some rate limit; the rest
   * of what this world remembers is kept only to recognise repeats, and leaving it out changes no
   * decision.
   */
  private List<AccessRequest> visible(Records records, AccessRequest pending, Instant at) {
    long nowSecond = at.getEpochSecond();
    long nowNano = at.getNano();
    Instant start = at.minus(window);
    long startSecond = start.getEpochSecond();
    long startNano = start.getNano();
    long[] facts = records.grantFacts;
    // Counted first, from the flat facts alone, so that the list is made once at its size: most
    // users hold one grant or none, and a list of one or two is made without an array.
    int count = 1;
    int only = -1;
    for (int i = 0; i < records.grantCount; i++) {
      if (readable(facts, i, startSecond, startNano, nowSecond, nowNano)) {
        count++;
        only = i;
      }
    }
    if (count == 1) {
      return List.of(pending);
    }
    if (count == 2) {
      return List.of(pending, records.grants[only]);
    }
    AccessRequest[] visible = new AccessRequest[count];
    visible[0] = pending;
    int next = 1;
    for (int i = 0; i < records.grantCount; i++) {
      if (readable(facts, i, startSecond, startNano, nowSecond, nowNano)) {
        visible[next++] = records.grants[i];
      }
    }
    // UserState keeps an immutable list as it is instead of copying it again.
    return List.of(visible);
  }

  /** Whether grant {@code i} was approved within the window or has not expired yet. */
  private static boolean readable(
      long[] facts, int i, long startSecond, long startNano, long nowSecond, long nowNano) {
    int approved = Records.GRANT * i + 1;
    return compare(facts, approved, startSecond, startNano) > 0
        || compare(facts, approved + 2, nowSecond, nowNano) > 0;
  }

  /**
   * Applies the decision. An escalated request is kept as not approved: a replay cannot know what a
   * person would have decided, and taking it as approved would credit the policy with access it did
   * not grant.
   */
  private void carryOut(
      Records records, AccessRequest pending, int hash, Decision decision, Instant at) {
    List<Action> actions = decision.actions();
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i) instanceof Action.Lock lock) {
        records.lock(new Lock(lock.id(), lock.target(), lock.message(), lock.expires()));
      }
    }
    if (decision.outcome() == Outcome.APPROVE) {
      records.grant(pending.approvedAt(at, catalog), hash);
    } else {
      records.refuse(pending, hash);
    }
  }

  /**
   * Drops what can no longer matter, when a user's records have grown or a window has passed since
   * the last time. What is kept a little longer changes no decision: {@code decide} ignores expired
   * grants and locks no longer in force, and counts approvals only within the window this world
   * remembers; pruning on every request would cost more than deciding it. When this prunes decides
   * which repeats are recognised, so it keeps to that schedule exactly.
   */
  private void forget(Records records, Instant at) {
    long nowSecond = at.getEpochSecond();
    long nowNano = at.getNano();
    int held = records.grantCount + records.refusedCount + records.locks.size();
    if (held < PRUNE_ABOVE
        && (nowSecond < records.pruneSecond
            || (nowSecond == records.pruneSecond && nowNano < records.pruneNano))) {
      return;
    }
    Instant due = at.plus(memory);
    records.pruneSecond = due.getEpochSecond();
    records.pruneNano = due.getNano();
    Instant horizon = at.minus(memory);
    long horizonSecond = horizon.getEpochSecond();
    long horizonNano = horizon.getNano();

    int kept = 0;
    long[] grants = records.grantFacts;
    for (int i = 0; i < records.grantCount; i++) {
      int approved = Records.GRANT * i + 1;
      boolean approvedBefore = compare(grants, approved, horizonSecond, horizonNano) < 0;
      boolean expired = compare(grants, approved + 2, nowSecond, nowNano) <= 0;
      if (approvedBefore && expired) {
        continue;
      }
      records.grants[kept] = records.grants[i];
      System.arraycopy(grants, Records.GRANT * i, grants, Records.GRANT * kept, Records.GRANT);
      kept++;
    }
    Arrays.fill(records.grants, kept, records.grantCount, null);
    records.grantCount = kept;

    kept = 0;
    long[] refused = records.refusedFacts;
    for (int i = 0; i < records.refusedCount; i++) {
      if (compare(refused, Records.REFUSED * i + 1, horizonSecond, horizonNano) < 0) {
        continue;
      }
      records.refused[kept] = records.refused[i];
      System.arraycopy(
          refused, Records.REFUSED * i, refused, Records.REFUSED * kept, Records.REFUSED);
      kept++;
    }
    Arrays.fill(records.refused, kept, records.refusedCount, null);
    records.refusedCount = kept;

    if (!records.locks.isEmpty()) {
      List<Lock> inForce = new ArrayList<>(records.locks);
      inForce.removeIf(lock -> !lock.inForceAt(at));
      records.locks = List.copyOf(inForce);
    }
  }

  /** The number of requests remembered, over all users; for tests of bounded memory. */
  int remembered() {
    int count = 0;
    for (Records records : users.values()) {
      count += records.grantCount + records.refusedCount;
    }
    return count;
  }

  private static void put(long[] times, int at, Instant instant) {
    times[at] = instant.getEpochSecond();
    times[at + 1] = instant.getNano();
  }

  /** Compares the instant stored at {@code times[at]} with the one given as second and nano. */
  private static int compare(long[] times, int at, long second, long nano) {
    int bySecond = Long.compare(times[at], second);
    return bySecond != 0 ? bySecond : Long.compare(times[at + 1], nano);
  }

  private static Instant required(@Nullable Instant value) {
    if (value == null) {
      throw new IllegalStateException("bug: an approved request has no approval or expiry time");
    }
    return value;
  }
}
