package dev.warden.watcher.reconcile;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Action;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.policy.Policy;
import dev.warden.watcher.log.DecisionEntry;
import dev.warden.watcher.log.DecisionLog;
import dev.warden.watcher.metrics.Metrics;
import dev.warden.watcher.metrics.WatcherMetrics;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Shadow mode: a second policy decides every situation the policy in force decides, and nothing
 * acts on it. Where the two differ in effect (the outcome, or what is approved, denied or locked),
 * the difference is recorded as a {@code shadow} record of the decision log and counted.
 *
 * <p>Effects are compared by target, not by lock id: lock ids carry rule names, and a shadow policy
 * that renames a rule but locks the same grant does not differ in what it does. The same difference
 * for the same user and request is recorded once, not on every resync.
 */
public final class Shadow {

  private static final System.Logger LOG = System.getLogger(Shadow.class.getName());

  private volatile PolicyEngine engine;
  private final DecisionLog log;
  private final Metrics metrics;
  private final Supplier<DecisionEntry.Actor> identity;
  private final Map<UserName, Map<String, String>> recorded = new ConcurrentHashMap<>();

  public Shadow(
      Policy policy, DecisionLog log, Metrics metrics, Supplier<DecisionEntry.Actor> identity) {
    this.engine = new PolicyEngine(policy);
    this.log = log;
    this.metrics = metrics;
    this.identity = identity;
  }

  public Policy policy() {
    return engine.policy();
  }

  /** Puts another shadow policy in place for every comparison that starts after this call. */
  public void replace(Policy policy) {
    this.engine = new PolicyEngine(policy);
  }

  /**
   * Decides the same situation with the shadow policy and records how it differs, if it does.
   *
   * @param next the pending request decided, or null for a resync
   */
  void compare(
      UserName user,
      Trigger trigger,
      PolicyHolder.Active active,
      UserState state,
      @Nullable AccessRequest next,
      Decision enforced,
      Instant now) {
    try {
      record(user, trigger, active, state, next, enforced, now);
    } catch (RuntimeException e) {
      // The shadow policy only observes: whatever goes wrong with it must not touch enforcement.
      LOG.log(
          System.Logger.Level.ERROR,
          "shadow comparison failed; enforcement goes on: user={0} error={1}",
          user,
          e.toString());
    }
  }

  private void record(
      UserName user,
      Trigger trigger,
      PolicyHolder.Active active,
      UserState state,
      @Nullable AccessRequest next,
      Decision enforced,
      Instant now) {
    PolicyEngine current = engine;
    Decision shadow =
        next == null ? current.decide(state, now) : current.decide(state, next.id(), now);
    Map<String, String> memo = recorded.computeIfAbsent(user, u -> new HashMap<>());
    String key = next == null ? "" : next.id().value();
    String difference = effect(enforced) + " / " + effect(shadow);
    if (effect(enforced).equals(effect(shadow))) {
      memo.remove(key);
      return;
    }
    if (difference.equals(memo.put(key, difference))) {
      return;
    }

    String decisionId = UUID.randomUUID().toString();
    DecisionEntry.Actor actor = identity.get();
    DecisionEntry entry =
        DecisionEntries.of(
            decisionId, current.policy(), "dry-run", actor, trigger, user.value(), shadow, next);
    DecisionEntry inForce =
        DecisionEntries.of(
            decisionId,
            active.policy(),
            active.mode().wireName(),
            actor,
            trigger,
            user.value(),
            enforced,
            next);
    log.shadow(entry, inForce)
        .whenComplete(
            (appended, error) -> {
              if (error != null) {
                LOG.log(
                    System.Logger.Level.WARNING,
                    "shadow difference not recorded: user={0} decision={1} error={2}",
                    user,
                    decisionId,
                    error.getMessage());
              }
            });
    metrics.increment(
        WatcherMetrics.SHADOW_DIFFERENCES,
        "Decisions the shadow policy would have made differently.",
        "enforced",
        enforced.outcome().name(),
        "shadow",
        shadow.outcome().name());
    LOG.log(
        System.Logger.Level.INFO,
        "shadow difference user={0} request={1} enforced={2} shadow={3} shadowPolicy={4}"
            + " decision={5}",
        user,
        next == null ? "-" : next.id(),
        enforced.outcome(),
        shadow.outcome(),
        current.policy().name(),
        decisionId);
  }

  /** Forgets what was recorded for a user's requests that are no longer pending. */
  void forgetSettled(UserName user, UserState state) {
    Map<String, String> memo = recorded.get(user);
    if (memo == null) {
      return;
    }
    memo.keySet()
        .removeIf(
            key ->
                !key.isEmpty()
                    && state.requests().stream()
                        .noneMatch(r -> r.isPending() && r.id().value().equals(key)));
    if (memo.isEmpty()) {
      recorded.remove(user, memo);
    }
  }

  /** What a decision does, by target: its outcome and each action on its target. */
  private static String effect(Decision decision) {
    StringBuilder text = new StringBuilder(decision.outcome().name());
    for (Action action : decision.actions()) {
      text.append(' ').append(action.type()).append(':');
      switch (action) {
        case Action.Approve a -> text.append(a.request());
        case Action.Deny d -> text.append(d.request());
        case Action.Lock l -> text.append(l.target().kind()).append('=').append(l.target().value());
      }
    }
    return text.toString();
  }
}
