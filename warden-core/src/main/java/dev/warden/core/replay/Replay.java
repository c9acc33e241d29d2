package dev.warden.core.replay;

import dev.warden.core.access.LockTarget;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Action;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.Outcome;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.decision.RuleError;
import dev.warden.core.decision.RuleMatch;
import dev.warden.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Replays a history of requests through a candidate policy and a baseline, in time order, and
 * counts what changes.
 *
 * <p>Each side keeps its own simulated world: a request the candidate approved is active for the
 * candidate's later decisions, whatever the baseline did with it. The baseline is either another
 * policy, simulated the same way, or the decisions the history recorded. Nothing is sent anywhere;
 * time is the history's.
 *
 * <p>Feed requests with {@link #accept} in the order they were decided; memory stays bounded by the
 * live state of the users, not the length of the history. Not thread-safe.
 */
public final class Replay {

  private static final Outcome[] OUTCOMES = Outcome.values();

  private final World candidate;
  private final @Nullable World baseline;
  private final int maxCases;

  private @Nullable Instant last;
  private long decisions;
  private long skipped;
  private long sameOutcome;
  private long changed;
  private long baselineLocks;
  private long candidateLocks;
  // By baseline outcome, then candidate outcome; the summary names them. A string key made for
  // every changed decision cost more than the comparison.
  private final long[][] transitions = new long[OUTCOMES.length][OUTCOMES.length];
  private final List<ChangedCase> cases = new ArrayList<>();
  private final UserNumbers users = new UserNumbers();
  // By user number, the group of the batch being sorted, or -1; kept between batches.
  private int[] groupOf = new int[0];

  /**
   * Prepares a replay.
   *
   * @param baselinePolicy the policy to compare with, or null to compare with what the history
   *     recorded
   * @param maxCases how many changed cases to keep in detail
   */
  public Replay(
      Policy candidatePolicy, @Nullable Policy baselinePolicy, Catalog catalog, int maxCases) {
    Duration memory = World.memoryFor(candidatePolicy, baselinePolicy);
    this.candidate = new World(candidatePolicy, catalog, memory);
    this.baseline = baselinePolicy == null ? null : new World(baselinePolicy, catalog, memory);
    this.maxCases = maxCases;
  }

  /**
   * Replays one request.
   *
   * @throws IllegalArgumentException when it was decided before the request replayed last, or it
   *     records no decision and there is no baseline policy
   */
  public void accept(RecordedRequest recorded) {
    check(recorded);
    Decision next = candidate.decideIfNew(recorded.request(), recorded.at());
    if (next == null) {
      // A request decided again later (say, escalated, then approved once a window passed) is
      // one arrival: it is replayed where it first appeared. Both worlds remember alike, so the
      // baseline recognises it too, and is not asked.
      skipped++;
      return;
    }
    if (baseline == null) {
      if (countRecorded(recorded, next.outcome(), lockTargets(next))) {
        keep(recorded, recordedVerdict(recorded), verdict(next));
      }
    } else {
      Decision baselineDecision = required(baseline.decideIfNew(recorded.request(), recorded.at()));
      if (count(
          baselineDecision.outcome(),
          lockTargets(baselineDecision),
          next.outcome(),
          lockTargets(next))) {
        keep(recorded, verdict(baselineDecision), verdict(next));
      }
    }
  }

  /**
   * Replays a batch of requests, the baseline's world on {@code executor} while the candidate's
   * runs on the calling thread. The two worlds share nothing, so this decides exactly what {@link
   * #accept} would, one request after another.
   *
   * <p>Within the batch each world decides one user's requests after another, each user's in batch
   * order, and the decisions are then counted in batch order. No decision reads another user's
   * state, so the order across users changes no decision; but a user's state, scattered over a
   * large heap, is then fetched into the cache once for all of their requests in the batch rather
   * than once for each, which was most of what a decision cost.
   *
   * @throws BatchException naming the request of the batch that is out of order or lacks a recorded
   *     decision; nothing of the batch is replayed then
   */
  public void acceptAll(List<RecordedRequest> batch, Executor executor) {
    Instant previous = last;
    for (int i = 0; i < batch.size(); i++) {
      try {
        check(batch.get(i));
      } catch (IllegalArgumentException e) {
        last = previous;
        throw new BatchException(i, e.getMessage());
      }
    }

    int[] numbers = new int[batch.size()];
    int[] order = byUser(batch, numbers);
    // Decisions are kept only while a changed case may still want their rules; past that, each
    // can be collected as soon as its outcome and locks are taken out, and is worked out without
    // the sentences that explain it.
    boolean keep = cases.size() < maxCases;
    Decided before = new Decided(batch.size(), keep);
    CompletableFuture<Void> baselineDone =
        baseline == null
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.runAsync(
                () -> before.decideAll(baseline, batch, order, numbers), executor);
    Decided next = new Decided(batch.size(), keep);
    next.decideAll(candidate, batch, order, numbers);
    await(baselineDone);

    for (int i = 0; i < batch.size(); i++) {
      Outcome outcome = next.outcomes[i];
      if (outcome == null) {
        // A repeat, as in accept; the baseline decided it too, and also found it known.
        skipped++;
      } else if (baseline == null) {
        if (countRecorded(batch.get(i), outcome, next.locks[i])) {
          keep(batch.get(i), recordedVerdict(batch.get(i)), verdict(next.decision(i)));
        }
      } else if (count(required(before.outcomes[i]), before.locks[i], outcome, next.locks[i])) {
        keep(batch.get(i), verdict(before.decision(i)), verdict(next.decision(i)));
      }
    }
  }

  /**
   * One world's decisions of a batch, by position: the outcome (null for a repeat) and lock targets
   * that counting compares, taken out while each decision was fresh in the cache, since counting
   * visits them in batch order rather than in the order they were made; and, when asked to keep
   * them, the decisions themselves, in full. Decisions not kept are only counted, and made without
   * their sentences, snapshots and facts.
   */
  private static final class Decided {
    final @Nullable Outcome[] outcomes;
    final List<String>[] locks;
    final @Nullable Decision @Nullable [] decisions;

    @SuppressWarnings("unchecked")
    Decided(int size, boolean keep) {
      this.outcomes = new Outcome[size];
      this.locks = (List<String>[]) new List<?>[size];
      this.decisions = keep ? new Decision[size] : null;
    }

    void decideAll(World world, List<RecordedRequest> batch, int[] order, int[] users) {
      PolicyEngine.Detail detail =
          decisions != null ? PolicyEngine.Detail.FULL : PolicyEngine.Detail.ACTIONS;
      for (int i : order) {
        RecordedRequest each = batch.get(i);
        Decision decision = world.decideIfNew(each.request(), each.at(), users[i], detail);
        if (decision != null) {
          outcomes[i] = decision.outcome();
          locks[i] = lockTargets(decision);
        }
        if (decisions != null) {
          decisions[i] = decision;
        }
      }
    }

    /** The decision at {@code i}, for a changed case; only asked for when kept. */
    Decision decision(int i) {
      return required(decisions == null ? null : decisions[i]);
    }
  }

  /**
   * The positions of the batch grouped by user, users in the order they first appear, each user's
   * requests in batch order: a stable counting sort. Puts the number of each request's user in
   * {@code numbers}.
   */
  private int[] byUser(List<RecordedRequest> batch, int[] numbers) {
    if (groupOf.length < users.size() + batch.size()) {
      groupOf = new int[(users.size() + batch.size()) * 2];
    }
    Arrays.fill(groupOf, -1);
    int groups = 0;
    int[] group = new int[batch.size()];
    int[] sizes = new int[batch.size()];
    for (int i = 0; i < group.length; i++) {
      numbers[i] = users.numberOf(batch.get(i).request().user());
      if (groupOf[numbers[i]] < 0) {
        groupOf[numbers[i]] = groups++;
      }
      group[i] = groupOf[numbers[i]];
      sizes[group[i]]++;
    }
    int[] starts = new int[groups];
    for (int g = 1; g < starts.length; g++) {
      starts[g] = starts[g - 1] + sizes[g - 1];
    }
    int[] order = new int[group.length];
    for (int i = 0; i < group.length; i++) {
      order[starts[group[i]]++] = i;
    }
    return order;
  }

  /**
   * Every user met, numbered in the order they first appeared: both worlds keep each user's records
   * at that number, so finding them is an index rather than a map lookup. An open-addressing table,
   * as a hash map boxed a number for every request. It grows with the users of the history, as the
   * worlds' records of them do.
   */
  private static final class UserNumbers {
    private UserName[] names = new UserName[1024];
    private int[] numbers = new int[1024];
    private int size;

    int numberOf(UserName user) {
      int slot = slot(names, user);
      if (names[slot] == null) {
        names[slot] = user;
        numbers[slot] = size++;
        if (size * 2 > names.length) {
          grow();
        }
        return size - 1;
      }
      return numbers[slot];
    }

    int size() {
      return size;
    }

    private void grow() {
      UserName[] oldNames = names;
      int[] oldNumbers = numbers;
      names = new UserName[oldNames.length * 2];
      numbers = new int[names.length];
      for (int i = 0; i < oldNames.length; i++) {
        if (oldNames[i] != null) {
          int slot = slot(names, oldNames[i]);
          names[slot] = oldNames[i];
          numbers[slot] = oldNumbers[i];
        }
      }
    }

    private static int slot(UserName[] names, UserName user) {
      int hash = user.hashCode();
      int mask = names.length - 1;
      int slot = (hash ^ (hash >>> 16)) & mask;
      while (names[slot] != null && !names[slot].equals(user)) {
        slot = (slot + 1) & mask;
      }
      return slot;
    }
  }

  /** A request of a batch could not be replayed; {@link #index()} says which. */
  public static final class BatchException extends IllegalArgumentException {
    private final int index;

    BatchException(int index, String message) {
      super(message);
      this.index = index;
    }

    /** The position of the offending request in its batch. */
    public int index() {
      return index;
    }
  }

  private void check(RecordedRequest recorded) {
    if (last != null && recorded.at().isBefore(last)) {
      throw new IllegalArgumentException(
          "request "
              + recorded.request().id()
              + " was decided at "
              + recorded.at()
              + ", before the one replayed last ("
              + last
              + "); a history must be in time order");
    }
    if (baseline == null && recorded.recorded() == null) {
      throw new IllegalArgumentException(
          "request "
              + recorded.request().id()
              + " has no recorded decision to compare with; name a baseline policy");
    }
    last = recorded.at();
  }

  /** Counts a decision against the one the history recorded, as {@link #count} does. */
  private boolean countRecorded(RecordedRequest recorded, Outcome outcome, List<String> locks) {
    RecordedRequest.Recorded was = required(recorded.recorded());
    return count(was.outcome(), was.locks(), outcome, locks);
  }

  private static Verdict recordedVerdict(RecordedRequest recorded) {
    RecordedRequest.Recorded was = required(recorded.recorded());
    return new Verdict(was.outcome(), was.rules(), was.locks());
  }

  private static void await(CompletableFuture<Void> done) {
    try {
      done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Counts one decision, and says whether it is a changed case to keep in detail. Rule texts are
   * written out only for the cases kept: for millions of requests, that would cost more than the
   * comparison itself.
   */
  private boolean count(
      Outcome beforeOutcome, List<String> beforeLocks, Outcome outcome, List<String> locks) {
    decisions++;
    baselineLocks += beforeLocks.size();
    candidateLocks += locks.size();
    if (beforeOutcome == outcome) {
      sameOutcome++;
    } else {
      transitions[beforeOutcome.ordinal()][outcome.ordinal()]++;
    }
    if (beforeOutcome != outcome || !sameTargets(beforeLocks, locks)) {
      changed++;
      return cases.size() < maxCases;
    }
    return false;
  }

  private void keep(RecordedRequest recorded, Verdict before, Verdict after) {
    cases.add(new ChangedCase(recorded.request(), recorded.at(), before, after));
  }

  public ReplaySummary summary() {
    Map<String, Long> named = new TreeMap<>();
    for (Outcome before : OUTCOMES) {
      for (Outcome after : OUTCOMES) {
        long count = transitions[before.ordinal()][after.ordinal()];
        if (count > 0) {
          named.put(before + "→" + after, count);
        }
      }
    }
    return new ReplaySummary(
        decisions, skipped, sameOutcome, named, baselineLocks, candidateLocks, changed, cases);
  }

  /**
   * Whether the two hold the same targets, as sets; they are short, so no set is built, and they
   * are indexed, as iterators were a good part of what counting allocated.
   */
  private static boolean sameTargets(List<String> a, List<String> b) {
    return containsAll(a, b) && containsAll(b, a);
  }

  private static boolean containsAll(List<String> all, List<String> some) {
    for (int i = 0; i < some.size(); i++) {
      if (!all.contains(some.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static <T> T required(@Nullable T value) {
    if (value == null) {
      throw new IllegalStateException(
          "bug: the two sides of a replay disagree on which requests they have seen");
    }
    return value;
  }

  private static Verdict verdict(Decision decision) {
    List<String> rules = new ArrayList<>();
    for (RuleMatch match : decision.matches()) {
      rules.add(match.rule() + ": " + match.reason());
    }
    for (RuleError error : decision.errors()) {
      rules.add(error.rule() + ": could not be evaluated: " + error.message());
    }
    return new Verdict(decision.outcome(), rules, lockTargets(decision));
  }

  private static List<String> lockTargets(Decision decision) {
    List<String> locks = List.of();
    List<Action> actions = decision.actions();
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i) instanceof Action.Lock lock) {
        if (locks.isEmpty()) {
          locks = new ArrayList<>(2);
        }
        locks.add(
            lock.target() instanceof LockTarget.Request request
                ? request.id().value()
                : lock.target().kind() + ":" + lock.target().value());
      }
    }
    return locks;
  }
}
