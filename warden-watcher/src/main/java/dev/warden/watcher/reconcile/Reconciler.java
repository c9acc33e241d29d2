package dev.warden.watcher.reconcile;

import dev.warden.api.v1.LockObject;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Action;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.Outcome;
import dev.warden.core.decision.RuleMatch;
import dev.warden.core.policy.Mode;
import dev.warden.watcher.cache.AccessCache;
import dev.warden.watcher.log.DecisionEntry;
import dev.warden.watcher.log.DecisionLog;
import dev.warden.watcher.log.LogUnavailableException;
import dev.warden.watcher.metrics.Metrics;
import dev.warden.watcher.metrics.WatcherMetrics;
import dev.warden.watcher.plane.AccessPlane;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Brings one user's access back within policy: decides from the cache, records the decision
 * durably, then carries it out.
 *
 * <p>Level-triggered: the trigger only says which user to look at; what to do follows from the
 * user's whole state in the cache. The user's pending requests are decided oldest first, each
 * seeing the effect of the ones before it, and a final resync restores the state rules over what
 * the user keeps.
 *
 * <p>Write ahead and fail closed: the intent record is durable before the first action is sent, and
 * when it cannot be written nothing is sent and the user is retried. Locks go before the approval
 * that needs them; a failed lock stops the approval.
 */
public final class Reconciler {

  private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());
  private static final Duration MIN_HISTORY = Duration.ofHours(1);
  private static final Comparator<AccessRequest> OLDEST_FIRST =
      Comparator.comparing(AccessRequest::created).thenComparing(AccessRequest::id);

  private final AccessCache cache;
  private final Supplier<Catalog> catalog;
  private final PolicyHolder policies;
  private final DecisionLog log;
  private final AccessPlane plane;
  private final Clock clock;
  private final Supplier<DecisionEntry.Actor> identity;
  private final Metrics metrics;
  private final @Nullable Shadow shadow;

  /**
   * Decisions recorded without effect at the plane (escalations, dry runs), by user, so that a
   * resync does not record them again. Keys are request ids, or "" for the user's resync.
   */
  private final Map<UserName, Map<String, String>> recorded = new ConcurrentHashMap<>();

  public Reconciler(
      AccessCache cache,
      Supplier<Catalog> catalog,
      PolicyHolder policies,
      DecisionLog log,
      AccessPlane plane,
      Clock clock,
      Supplier<DecisionEntry.Actor> identity,
      Metrics metrics) {
    this(cache, catalog, policies, log, plane, clock, identity, metrics, null);
  }

  /**
   * A reconciler that also decides every situation with a shadow policy, recording differences.
   *
   * @param shadow the shadow policy, or null for none
   */
  public Reconciler(
      AccessCache cache,
      Supplier<Catalog> catalog,
      PolicyHolder policies,
      DecisionLog log,
      AccessPlane plane,
      Clock clock,
      Supplier<DecisionEntry.Actor> identity,
      Metrics metrics,
      @Nullable Shadow shadow) {
    this.shadow = shadow;
    this.cache = cache;
    this.catalog = catalog;
    this.policies = policies;
    this.log = log;
    this.plane = plane;
    this.clock = clock;
    this.identity = identity;
    this.metrics = metrics;
  }

  /** Reconciles one user; returns whether the run should be retried. */
  public UserQueue.Result reconcile(UserName user, Trigger trigger) {
    PolicyHolder.Active active = policies.current();
    Duration window = max(active.policy().longestWindow(), MIN_HISTORY);
    Map<String, String> memo = recorded.computeIfAbsent(user, u -> new HashMap<>());
    Set<RequestId> decided = new HashSet<>();

    while (true) {
      Instant now = clock.instant();
      UserState state = cache.stateOf(user, catalog.get(), window, now);
      forgetSettled(memo, state);
      @Nullable AccessRequest next = nextPending(state, decided);
      Decision decision =
          next == null
              ? active.engine().decide(state, now)
              : active.engine().decide(state, next.id(), now);
      if (next != null) {
        decided.add(next.id());
      }
      if (shadow != null) {
        shadow.compare(user, trigger, active, state, next, decision, now);
      }

      Step step = carryOut(user, trigger, active, memo, next, decision);
      if (step == Step.RETRY) {
        return UserQueue.Result.RETRY;
      }
      if (next == null) {
        if (shadow != null) {
          shadow.forgetSettled(user, state);
        }
        if (memo.isEmpty()) {
          recorded.remove(user, memo);
        }
        return UserQueue.Result.DONE;
      }
    }
  }

  private enum Step {
    CONTINUE,
    RETRY
  }

  private Step carryOut(
      UserName user,
      Trigger trigger,
      PolicyHolder.Active active,
      Map<String, String> memo,
      @Nullable AccessRequest next,
      Decision decision) {
    if (decision.outcome() == Outcome.NONE && !decision.changesAnything()) {
      return Step.CONTINUE;
    }
    boolean dryRun = active.mode() == Mode.DRY_RUN;
    boolean noEffect = dryRun || !decision.changesAnything();
    String key = next == null ? "" : next.id().value();
    String fingerprint = DecisionEntries.fingerprint(decision);
    if (noEffect && fingerprint.equals(memo.get(key))) {
      return Step.CONTINUE;
    }

    String decisionId = UUID.randomUUID().toString();
    DecisionEntry entry =
        DecisionEntries.of(
            decisionId,
            active.policy(),
            active.mode().wireName(),
            identity.get(),
            trigger,
            user.value(),
            decision,
            next);
    try {
      log.intent(entry);
    } catch (LogUnavailableException e) {
      metrics.increment(
          WatcherMetrics.LOG_UNAVAILABLE,
          "Decisions not acted on because the log" + " could not record them.");
      LOG.log(
          System.Logger.Level.WARNING,
          "decision not acted on: the decision log is not"
              + " writable: user={0} decision={1} error={2}",
          user,
          decisionId,
          e.getMessage());
      return Step.RETRY;
    }

    Execution execution = dryRun ? Execution.dryRun(decision) : execute(decision, decisionId);
    recordOutcome(entry, execution, user, decisionId);
    observe(user, trigger, active, decision, decisionId, execution);
    if (noEffect) {
      memo.put(key, fingerprint);
    }
    return execution.transientFailure ? Step.RETRY : Step.CONTINUE;
  }

  /**
   * Queues the outcome record without waiting for the disk. Its actions are sent already and
   * nothing that follows depends on the record being durable first: records keep the order they are
   * queued in, so the chain still runs intent, actions, outcome, next intent; and a watcher that
   * dies before the outcome is on disk finds the open intent on restart and re-evaluates the user.
   * Waiting put a second fsync in series on every decision, holding the worker and the user for it.
   * A failed write also leaves the log unhealthy, so the next intent fails and nothing more is sent
   * until the log can be written again.
   */
  private void recordOutcome(
      DecisionEntry entry, Execution execution, UserName user, String decisionId) {
    log.outcomeLater(entry.withActions(execution.results))
        .whenComplete(
            (appended, failure) -> {
              if (failure != null) {
                LOG.log(
                    System.Logger.Level.ERROR,
                    "outcome not recorded: user={0} decision={1} error={2}",
                    user,
                    decisionId,
                    failure.getMessage());
              }
            });
  }

  /** What became of a decision's actions. */
  private static final class Execution {
    final List<DecisionEntry.ActionEntry> results = new ArrayList<>();
    boolean transientFailure;
    boolean failed;
    String whySkipped = "an earlier action failed";

    static Execution dryRun(Decision decision) {
      Execution execution = new Execution();
      for (Action action : decision.actions()) {
        execution.results.add(DecisionEntries.actionEntry(action).withResult("dry-run", null));
      }
      return execution;
    }
  }

  private Execution execute(Decision decision, String decisionId) {
    Execution execution = new Execution();
    for (Action action : decision.actions()) {
      DecisionEntry.ActionEntry entry = DecisionEntries.actionEntry(action);
      if (execution.failed) {
        execution.results.add(entry.withResult("skipped", execution.whySkipped));
        continue;
      }
      try {
        String note = send(action, decisionId);
        execution.results.add(entry.withResult(note == null ? "applied" : "skipped", note));
        metrics.increment(
            WatcherMetrics.ACTIONS,
            "Actions sent to the access plane.",
            "type",
            action.type(),
            "result",
            note == null ? "applied" : "skipped");
      } catch (AccessPlane.TransientFailure e) {
        execution.failed = true;
        execution.transientFailure = true;
        // An answer lost after the broker acted is not a failure; the retry finds out which it was.
        if (e.unconfirmed()) {
          execution.results.add(entry.withResult("unconfirmed", e.getMessage()));
          execution.whySkipped = "an earlier action was not confirmed";
        } else {
          execution.results.add(entry.withResult("failed", e.getMessage()));
        }
        countFailure(action, "transient");
      } catch (AccessPlane.PermanentFailure e) {
        execution.failed = true;
        execution.results.add(entry.withResult("failed", e.getMessage()));
        countFailure(action, "permanent");
        LOG.log(
            System.Logger.Level.ERROR,
            "action refused by the access plane: decision={0}"
                + " action={1} status={2} detail={3}",
            decisionId,
            action.type(),
            e.status(),
            e.getMessage());
      }
    }
    return execution;
  }

  /** Sends one action; returns null when it took effect, or why it had no effect. */
  private @Nullable String send(Action action, String decisionId)
      throws AccessPlane.TransientFailure, AccessPlane.PermanentFailure {
    return switch (action) {
      case Action.Lock lock -> {
        LockObject created =
            plane.lock(new Lock(lock.id(), lock.target(), lock.message(), lock.expires()));
        cache.observed(created);
        yield null;
      }
      case Action.Approve approve -> review(approve.request(), true, approve.reason(), decisionId);
      case Action.Deny deny -> review(deny.request(), false, deny.reason(), decisionId);
    };
  }

  private @Nullable String review(
      RequestId request, boolean approve, String reason, String decisionId)
      throws AccessPlane.TransientFailure, AccessPlane.PermanentFailure {
    AccessPlane.ReviewResult result = plane.review(request, approve, reason, decisionId);
    cache.observed(result.request());
    // A 409 means the state moved on (a person decided, or the request expired): not an error.
    return result.applied()
        ? null
        : "request was no longer pending; it is " + result.request().state();
  }

  private void countFailure(Action action, String kind) {
    metrics.increment(
        WatcherMetrics.ACTION_FAILURES,
        "Actions the access plane did not take.",
        "type",
        action.type(),
        "kind",
        kind);
    metrics.increment(
        WatcherMetrics.ACTIONS,
        "Actions sent to the access plane.",
        "type",
        action.type(),
        "result",
        "failed");
  }

  private void observe(
      UserName user,
      Trigger trigger,
      PolicyHolder.Active active,
      Decision decision,
      String decisionId,
      Execution execution) {
    for (RuleMatch match : decision.matches()) {
      metrics.increment(
          WatcherMetrics.DECISIONS,
          "Decisions by outcome and rule.",
          "outcome",
          decision.outcome().name(),
          "rule",
          match.rule());
    }
    if (decision.matches().isEmpty()) {
      metrics.increment(
          WatcherMetrics.DECISIONS,
          "Decisions by outcome and rule.",
          "outcome",
          decision.outcome().name(),
          "rule",
          "");
    }
    if (!trigger.isResync()) {
      double seconds =
          Duration.between(trigger.received(), clock.instant()).toNanos() / 1_000_000_000.0;
      metrics.observe(
          WatcherMetrics.DECISION_LATENCY,
          "From event received to last action" + " acknowledged.",
          WatcherMetrics.LATENCY_BUCKETS,
          Math.max(0, seconds));
    }
    String rules =
        decision.matches().stream()
            .map(RuleMatch::rule)
            .distinct()
            .collect(Collectors.joining(","));
    String results =
        execution.results.stream()
            .map(r -> r.type() + "=" + r.result())
            .collect(Collectors.joining(","));
    LOG.log(
        System.Logger.Level.INFO,
        "decision user={0} request={1} outcome={2} rules={3}"
            + " actions={4} mode={5} decision={6} reason=\"{7}\"",
        user,
        decision.request() == null ? "-" : decision.request(),
        decision.outcome(),
        rules.isEmpty() ? "-" : rules,
        results.isEmpty() ? "-" : results,
        active.mode().wireName(),
        decisionId,
        decision.explanation());
  }

  private static @Nullable AccessRequest nextPending(UserState state, Set<RequestId> decided) {
    @Nullable AccessRequest next = null;
    for (AccessRequest request : state.requests()) {
      if (request.isPending()
          && !decided.contains(request.id())
          && (next == null || OLDEST_FIRST.compare(request, next) < 0)) {
        next = request;
      }
    }
    return next;
  }

  private static void forgetSettled(Map<String, String> memo, UserState state) {
    if (memo.isEmpty()) {
      return;
    }
    Set<String> pending = new HashSet<>();
    for (AccessRequest request : state.requests()) {
      if (request.isPending()) {
        pending.add(request.id().value());
      }
    }
    memo.keySet().removeIf(key -> !key.isEmpty() && !pending.contains(key));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
