package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.UserState;
import dev.warden.core.policy.ConditionException;
import dev.warden.core.policy.ConditionInput;
import dev.warden.core.policy.CustomAction;
import dev.warden.core.policy.DefaultOutcome;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Resolve;
import dev.warden.core.policy.Rule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The decision function: given a policy, one user's state and the time, what to do and why.
 *
 * <p>{@code decide} is pure. It reads no clock, performs no I/O and uses no randomness; the same
 * inputs give the same decision. The engine keeps one cache, the environments of the catalog it
 * last saw, which changes how fast a decision is and never what it is.
 *
 * <p>For a pending request the order is: request rules (any match denies), then escalation, then
 * approval with the state rules applied to the user's active grants plus the request as the newest
 * grant. Every decision also restores the state rules over what the user keeps, so a decision about
 * one request never leaves older violations in place. The semantics are written out, with examples,
 * in {@code docs/policy.md}.
 */
public final class PolicyEngine {

  private final Policy policy;
  private final List<Rule.ExclusiveEnvironments> separations = new ArrayList<>();
  private final List<Rule.ActiveResourceLimit> limits = new ArrayList<>();
  private volatile @Nullable EnvironmentIndex index;

  public PolicyEngine(Policy policy) {
    this.policy = policy;
    for (Rule rule : policy.rules()) {
      if (rule instanceof Rule.ExclusiveEnvironments separation) {
        separations.add(separation);
      } else if (rule instanceof Rule.ActiveResourceLimit limit) {
        limits.add(limit);
      }
    }
  }

  public Policy policy() {
    return policy;
  }

  /** Decides a resync: restores the state rules over the user's active grants. */
  public Decision decide(UserState state, Instant now) {
    return new Evaluation(state, now, indexFor(state)).resync();
  }

  /**
   * Decides one pending request of the user.
   *
   * <p>A request that is no longer pending (decided or expired meanwhile) gets a resync decision
   * instead, with a null {@link Decision#request()}: its fate was settled elsewhere, and only the
   * state rules are left to apply.
   *
   * @throws IllegalArgumentException when {@code state} holds no request with that id
   */
  public Decision decide(UserState state, RequestId pending, Instant now) {
    AccessRequest request =
        state
            .request(pending)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "request "
                            + pending
                            + " is not among the requests of "
                            + state.user().name()));
    Evaluation evaluation = new Evaluation(state, now, indexFor(state));
    return request.isPending() ? evaluation.pending(request) : evaluation.resync();
  }

  /** Convenience for one-off decisions; reuse an engine for many. */
  public static Decision decide(Policy policy, UserState state, Instant now) {
    return new PolicyEngine(policy).decide(state, now);
  }

  /** Convenience for one-off decisions; reuse an engine for many. */
  public static Decision decide(Policy policy, UserState state, RequestId pending, Instant now) {
    return new PolicyEngine(policy).decide(state, pending, now);
  }

  private EnvironmentIndex indexFor(UserState state) {
    EnvironmentIndex current = index;
    if (current == null || !current.covers(state.catalog())) {
      current = new EnvironmentIndex(state.catalog(), policy.environments());
      index = current;
    }
    return current;
  }

  /** The working state of one decision. */
  private final class Evaluation {

    private final UserState state;
    private final Instant now;
    private final EnvironmentIndex environments;
    private final List<Grant> active;
    private final List<AccessRequest> alreadyLocked;

    private final List<RuleMatch> matches = new ArrayList<>();
    private final List<RuleError> errors = new ArrayList<>();
    private final Map<RequestId, Action.Lock> locks = new LinkedHashMap<>();

    Evaluation(UserState state, Instant now, EnvironmentIndex environments) {
      this.state = state;
      this.now = now;
      this.environments = environments;
      this.active = new ArrayList<>();
      this.alreadyLocked = new ArrayList<>();
      for (AccessRequest request : state.requests()) {
        if (!request.isUnexpiredGrantAt(now)) {
          continue;
        }
        if (state.isLocked(request, now)) {
          alreadyLocked.add(request);
        } else {
          active.add(asGrant(request));
        }
      }
      active.sort(Grant.OLDEST_FIRST);
      // Sorted like the active grants, so that the order of the state's requests never shows.
      alreadyLocked.sort(GRANTS_OLDEST_FIRST);
    }

    private Grant asGrant(AccessRequest request) {
      return new Grant(
          request,
          environments.environmentsOf(request),
          nonNull(request.approved()),
          nonNull(request.expires()));
    }

    Decision resync() {
      restoreInvariants(active, null);
      return finish(Outcome.NONE, null, List.of(), factsFor(null, 0));
    }

    Decision pending(AccessRequest request) {
      int otherPending = countOtherPending(request);
      Set<String> requestEnvironments = environments.environmentsOf(request);
      ConditionInput input = conditionInput(request, requestEnvironments);
      Map<Rule.Custom, Boolean> custom = evaluateCustomRules(input);

      List<Action> userLocks = new ArrayList<>();
      boolean denied = applyRequestRules(request, requestEnvironments, otherPending, custom);
      denied |= applyCustomDenials(request, custom, userLocks);
      if (denied) {
        return deny(request, userLocks, otherPending);
      }

      if (!errors.isEmpty() || escalates(request, custom)) {
        restoreInvariants(active, null);
        return finish(Outcome.ESCALATE, request.id(), List.of(), factsFor(request, otherPending));
      }

      return approveOrDefault(request, requestEnvironments, custom, otherPending);
    }

    private Decision approveOrDefault(
        AccessRequest request,
        Set<String> requestEnvironments,
        Map<Rule.Custom, Boolean> custom,
        int otherPending) {
      boolean approvedByRule = false;
      for (Map.Entry<Rule.Custom, Boolean> entry : custom.entrySet()) {
        if (entry.getKey().action() == CustomAction.APPROVE && entry.getValue()) {
          matches.add(new RuleMatch(entry.getKey().name(), entry.getKey().reason()));
          approvedByRule = true;
        }
      }
      if (!approvedByRule && policy.defaultOutcome() != DefaultOutcome.APPROVE) {
        return applyDefault(request, otherPending);
      }

      AccessRequest asGranted = request.approvedAt(now, state.catalog());
      Grant newest = new Grant(asGranted, requestEnvironments, now, nonNull(asGranted.expires()));
      List<Grant> withNewest = new ArrayList<>(active);
      withNewest.add(newest);
      int mark = matches.size();
      @Nullable String refusal = restoreInvariants(withNewest, newest);
      if (refusal != null) {
        // The locks that admitting the request would have needed are moot once it is refused;
        // only the refusal and whatever the remaining grants need by themselves stay.
        RuleMatch refusing = matches.get(matches.size() - 1);
        matches.subList(mark, matches.size()).clear();
        matches.add(refusing);
        locks.clear();
        restoreInvariants(active, null);
        return finish(
            Outcome.DENY,
            request.id(),
            List.of(new Action.Deny(request.id(), refusing.rule() + ": " + refusal)),
            factsFor(request, otherPending));
      }
      String reason =
          approvedByRule
              ? "approved by " + joinRuleNames(CustomAction.APPROVE, custom)
              : "complies with every rule of policy " + policy.name();
      return finish(
          Outcome.APPROVE,
          request.id(),
          List.of(new Action.Approve(request.id(), reason)),
          factsFor(request, otherPending));
    }

    private Decision applyDefault(AccessRequest request, int otherPending) {
      restoreInvariants(active, null);
      if (policy.defaultOutcome() == DefaultOutcome.DENY) {
        String reason = "no rule approves it and the policy's default is deny";
        matches.add(new RuleMatch("default", reason));
        return finish(
            Outcome.DENY,
            request.id(),
            List.of(new Action.Deny(request.id(), reason)),
            factsFor(request, otherPending));
      }
      matches.add(
          new RuleMatch("default", "no rule approves it and the policy's default is escalate"));
      return finish(Outcome.ESCALATE, request.id(), List.of(), factsFor(request, otherPending));
    }

    private Decision deny(AccessRequest request, List<Action> userLocks, int otherPending) {
      StringBuilder reason = new StringBuilder();
      for (RuleMatch match : matches) {
        if (!reason.isEmpty()) {
          reason.append("; ");
        }
        reason.append(match.rule()).append(": ").append(match.reason());
      }
      restoreInvariants(active, null);
      List<Action> actions = new ArrayList<>(userLocks);
      actions.add(new Action.Deny(request.id(), reason.toString()));
      return finish(Outcome.DENY, request.id(), actions, factsFor(request, otherPending));
    }

    /** Request rules that deny by themselves; returns whether any matched. */
    private boolean applyRequestRules(
        AccessRequest request,
        Set<String> requestEnvironments,
        int otherPending,
        Map<Rule.Custom, Boolean> custom) {
      int before = matches.size();
      for (Rule rule : policy.rules()) {
        switch (rule) {
          case Rule.RequestResourceLimit limit -> checkRequestSize(request, limit);
          case Rule.MaxTtl maxTtl -> checkTtl(request, maxTtl);
          case Rule.PendingLimit limit -> checkPending(otherPending, limit);
          case Rule.RequireReason required -> checkReason(request, required);
          case Rule.ExclusiveEnvironments exclusive -> checkSpan(requestEnvironments, exclusive);
          case Rule.Custom c when c.action() == CustomAction.DENY && isTrue(custom, c) ->
              matches.add(new RuleMatch(c.name(), c.reason()));
          default -> {
            // The remaining rules act at a later step: escalation or the state rules.
          }
        }
      }
      return matches.size() > before;
    }

    private boolean applyCustomDenials(
        AccessRequest request, Map<Rule.Custom, Boolean> custom, List<Action> userLocks) {
      boolean denied = false;
      for (Map.Entry<Rule.Custom, Boolean> entry : custom.entrySet()) {
        Rule.Custom rule = entry.getKey();
        if (rule.action() == CustomAction.LOCK_USER && entry.getValue()) {
          matches.add(new RuleMatch(rule.name(), rule.reason()));
          userLocks.add(
              new Action.Lock(
                  LockId.of("warden-" + rule.name() + "-user-" + request.user().value()),
                  new LockTarget.User(request.user()),
                  rule.name(),
                  rule.reason(),
                  null));
          denied = true;
        }
      }
      return denied;
    }

    private void checkRequestSize(AccessRequest request, Rule.RequestResourceLimit limit) {
      int count = request.resources().size();
      String what = "resources";
      if (limit.countRoles()) {
        count += request.roles().size();
        what = "roles and resources";
      }
      if (count > limit.max()) {
        matches.add(
            new RuleMatch(
                limit.name(),
                "request asks for " + count + " " + what + "; the limit is " + limit.max()));
      }
    }

    private void checkTtl(AccessRequest request, Rule.MaxTtl maxTtl) {
      if (request.ttl().compareTo(maxTtl.max()) > 0) {
        matches.add(
            new RuleMatch(
                maxTtl.name(),
                "request asks for " + request.ttl() + " of access; the limit is " + maxTtl.max()));
      }
    }

    private void checkPending(int otherPending, Rule.PendingLimit limit) {
      if (otherPending >= limit.max()) {
        matches.add(
            new RuleMatch(
                limit.name(),
                state.user().name()
                    + " already has "
                    + otherPending
                    + " other pending "
                    + plural(otherPending, "request", "requests")
                    + "; the limit is "
                    + limit.max()));
      }
    }

    private void checkReason(AccessRequest request, Rule.RequireReason required) {
      int length = request.reason().strip().length();
      if (length < required.minLength()) {
        String given =
            length == 0
                ? "no reason is given"
                : "the reason has " + length + " " + plural(length, "character", "characters");
        matches.add(
            new RuleMatch(
                required.name(), given + "; at least " + required.minLength() + " are required"));
      }
    }

    private void checkSpan(Set<String> requestEnvironments, Rule.ExclusiveEnvironments rule) {
      List<String> spanned = listedIn(requestEnvironments, rule);
      if (spanned.size() >= 2) {
        matches.add(
            new RuleMatch(
                rule.name(),
                "request spans " + joinAnd(spanned) + ", which must not be held together"));
      }
    }

    private boolean escalates(AccessRequest request, Map<Rule.Custom, Boolean> custom) {
      int before = matches.size();
      for (Rule rule : policy.rules()) {
        if (rule instanceof Rule.Custom c
            && c.action() == CustomAction.ESCALATE
            && isTrue(custom, c)) {
          matches.add(new RuleMatch(c.name(), c.reason()));
        } else if (rule instanceof Rule.ApprovalRateLimit limit) {
          int approvals = approvalsWithin(limit);
          if (approvals >= limit.max()) {
            matches.add(
                new RuleMatch(
                    limit.name(),
                    request.user()
                        + " had "
                        + approvals
                        + " "
                        + plural(approvals, "request", "requests")
                        + " approved in the last "
                        + limit.window()
                        + "; the limit is "
                        + limit.max()
                        + ", so a person decides"));
          }
        }
      }
      return matches.size() > before;
    }

    /**
     * Applies the state rules to {@code grants} (oldest first): every exclusive-environments rule,
     * then every active-resource-limit rule on what separation left, each kind in policy order.
     * Grants it locks are recorded in {@link #locks}.
     *
     * <p>The order of the kinds is part of the semantics, not of the file: separating first means
     * the limit never locks a grant that separation is about to lock anyway, and so keeps older
     * access that would otherwise be lost for nothing.
     *
     * @param newest the pending request as a grant, or null for a resync
     * @return why the pending request must be denied instead, or null
     */
    private @Nullable String restoreInvariants(List<Grant> grants, @Nullable Grant newest) {
      List<Grant> kept = new ArrayList<>(grants);
      for (Rule.ExclusiveEnvironments rule : separations) {
        @Nullable String refusal = separate(kept, newest, rule);
        if (refusal != null) {
          matches.add(new RuleMatch(rule.name(), refusal));
          return refusal;
        }
      }
      for (Rule.ActiveResourceLimit rule : limits) {
        @Nullable String refusal = limitActive(kept, newest, rule);
        if (refusal != null) {
          matches.add(new RuleMatch(rule.name(), refusal));
          return refusal;
        }
      }
      return null;
    }

    private @Nullable String separate(
        List<Grant> kept, @Nullable Grant newest, Rule.ExclusiveEnvironments rule) {
      @Nullable String winner = null;
      @Nullable Grant winningGrant = null;
      for (int i = kept.size() - 1; i >= 0 && winner == null; i--) {
        List<String> listed = listedIn(kept.get(i).environments(), rule);
        if (listed.size() == 1) {
          winner = listed.get(0);
          winningGrant = kept.get(i);
        }
      }

      if (newest != null && rule.resolve() == Resolve.DENY_NEW && newest == winningGrant) {
        List<String> held = new ArrayList<>();
        for (Grant grant : kept) {
          if (grant != newest && conflicts(grant, winner, rule)) {
            held.add(grant.request().id().value());
          }
        }
        if (!held.isEmpty()) {
          return state.user().name()
              + " holds access in another environment of "
              + joinAnd(rule.environments())
              + " through "
              + String.join(", ", held)
              + "; "
              + winner
              + " access is refused rather than locking it";
        }
      }

      for (int i = 0; i < kept.size(); ) {
        Grant grant = kept.get(i);
        if (grant != winningGrant && conflicts(grant, winner, rule)) {
          lock(grant, rule.name(), separationReason(grant, winner, winningGrant, rule));
          kept.remove(i);
        } else {
          i++;
        }
      }
      return null;
    }

    private boolean conflicts(
        Grant grant, @Nullable String winner, Rule.ExclusiveEnvironments rule) {
      List<String> listed = listedIn(grant.environments(), rule);
      return listed.size() >= 2 || (listed.size() == 1 && !listed.get(0).equals(winner));
    }

    private String separationReason(
        Grant grant,
        @Nullable String winner,
        @Nullable Grant winningGrant,
        Rule.ExclusiveEnvironments rule) {
      List<String> listed = listedIn(grant.environments(), rule);
      String locked = grant.request().id() + " (" + describeAccess(grant) + ")";
      if (listed.size() >= 2) {
        return locked + " spans " + joinAnd(listed) + ", which must not be held together";
      }
      return locked
          + " is "
          + listed.get(0)
          + " access, and "
          + nonNull(winningGrant).request().id()
          + " holds "
          + winner
          + " access; "
          + joinAnd(rule.environments())
          + " must not be held together, so the older access is locked";
    }

    private @Nullable String limitActive(
        List<Grant> kept, @Nullable Grant newest, Rule.ActiveResourceLimit rule) {
      String unit = rule.countRoles() ? "roles and resources" : "resources";
      if (newest != null && newest.weight(rule.countRoles()) > rule.max()) {
        return "request asks for "
            + newest.weight(rule.countRoles())
            + " "
            + unit
            + ", more than the "
            + rule.max()
            + " a user may hold at once";
      }
      int total = 0;
      for (Grant grant : kept) {
        total += grant.weight(rule.countRoles());
      }
      if (total <= rule.max()) {
        return null;
      }
      if (newest != null && rule.resolve() == Resolve.DENY_NEW) {
        int held = total - newest.weight(rule.countRoles());
        return state.user().name()
            + " holds "
            + held
            + " "
            + unit
            + "; "
            + newest.weight(rule.countRoles())
            + " more would make "
            + total
            + ", above the limit of "
            + rule.max();
      }
      int running = 0;
      for (int i = kept.size() - 1; i >= 0; i--) {
        Grant grant = kept.get(i);
        int weight = grant.weight(rule.countRoles());
        if (running + weight <= rule.max()) {
          running += weight;
          continue;
        }
        lock(
            grant,
            rule.name(),
            grant.request().id()
                + " ("
                + describeAccess(grant)
                + ") is the oldest access that does not fit: "
                + total
                + " "
                + unit
                + " would be held at once; the limit is "
                + rule.max());
        kept.remove(i);
      }
      return null;
    }

    private void lock(Grant grant, String rule, String reason) {
      RequestId id = grant.request().id();
      if (locks.containsKey(id)) {
        return;
      }
      locks.put(
          id,
          new Action.Lock(
              LockId.of("warden-" + rule + "-" + id.value()),
              new LockTarget.Request(id),
              rule,
              reason,
              grant.expires()));
      matches.add(new RuleMatch(rule, reason));
    }

    private Decision finish(
        Outcome outcome, @Nullable RequestId request, List<Action> tail, Facts facts) {
      List<Action> actions = new ArrayList<>(locks.values());
      actions.addAll(tail);
      return new Decision(
          outcome,
          request,
          actions,
          matches,
          errors,
          before(),
          after(outcome, request, locksUser(tail)),
          facts);
    }

    private Snapshot before() {
      List<RequestId> ids = new ArrayList<>(active.size());
      for (Grant grant : active) {
        ids.add(grant.request().id());
      }
      return new Snapshot(ids, ids(alreadyLocked));
    }

    /**
     * The grants once the actions are carried out. A lock on the user locks every grant, and an
     * approved request that a lock in force already targets (its id, one of its roles, its user)
     * starts out locked.
     */
    private Snapshot after(Outcome outcome, @Nullable RequestId request, boolean userLocked) {
      List<RequestId> stillActive = new ArrayList<>(active.size() + 1);
      List<AccessRequest> locked = new ArrayList<>(alreadyLocked);
      for (Grant grant : active) {
        if (userLocked || locks.containsKey(grant.request().id())) {
          locked.add(grant.request());
        } else {
          stillActive.add(grant.request().id());
        }
      }
      if (outcome == Outcome.APPROVE && request != null) {
        AccessRequest granted = nonNull(state.request(request).orElse(null));
        if (state.isLocked(granted, now)) {
          locked.add(granted.approvedAt(now, state.catalog()));
        } else {
          stillActive.add(request);
        }
      }
      if (locked.size() > alreadyLocked.size()) {
        locked.sort(GRANTS_OLDEST_FIRST);
      }
      return new Snapshot(stillActive, ids(locked));
    }

    private Facts factsFor(@Nullable AccessRequest request, int otherPending) {
      Set<String> activeEnvironments = new HashSet<>();
      int activeResources = 0;
      for (Grant grant : active) {
        activeEnvironments.addAll(grant.environments());
        activeResources += grant.request().resources().size();
      }
      int approvals = -1;
      for (Rule rule : policy.rules()) {
        if (rule instanceof Rule.ApprovalRateLimit limit) {
          approvals = Math.max(approvals, approvalsWithin(limit));
        }
      }
      return new Facts(
          request == null ? Set.of() : environments.environmentsOf(request),
          request == null ? 0 : request.resources().size(),
          otherPending,
          approvals,
          activeEnvironments,
          activeResources);
    }

    private int countOtherPending(AccessRequest request) {
      int count = 0;
      for (AccessRequest other : state.requests()) {
        if (other.isPending() && !other.id().equals(request.id())) {
          count++;
        }
      }
      return count;
    }

    /** Approvals in the window that ends now, the newest approval included. */
    private int approvalsWithin(Rule.ApprovalRateLimit limit) {
      Instant start = now.minus(limit.window());
      int count = 0;
      for (AccessRequest request : state.requests()) {
        Instant approved = request.approved();
        if (approved != null && approved.isAfter(start) && !approved.isAfter(now)) {
          count++;
        }
      }
      return count;
    }

    private Map<Rule.Custom, Boolean> evaluateCustomRules(ConditionInput input) {
      Map<Rule.Custom, Boolean> results = new LinkedHashMap<>();
      for (Rule rule : policy.rules()) {
        if (rule instanceof Rule.Custom custom) {
          try {
            results.put(custom, custom.condition().test(input));
          } catch (ConditionException e) {
            errors.add(new RuleError(custom.name(), e.getMessage()));
          }
        }
      }
      return results;
    }

    private ConditionInput conditionInput(AccessRequest request, Set<String> requestEnvironments) {
      if (!hasCustomRules()) {
        return EMPTY_INPUT;
      }
      List<Map<String, Object>> grants = new ArrayList<>(active.size());
      for (Grant grant : active) {
        grants.add(ConditionInputs.request(grant.request(), grant.environments()));
      }
      return new ConditionInput(
          ConditionInputs.request(request, requestEnvironments),
          ConditionInputs.user(state.user()),
          grants,
          now);
    }

    private String describeAccess(Grant grant) {
      List<String> parts = new ArrayList<>();
      grant.request().roles().forEach(r -> parts.add(r.value()));
      grant.request().resources().forEach(r -> parts.add(r.value()));
      return String.join(", ", parts);
    }
  }

  /** Oldest approval first, ties by id, as {@link Grant#OLDEST_FIRST} orders grants. */
  private static final Comparator<AccessRequest> GRANTS_OLDEST_FIRST =
      Comparator.comparing((AccessRequest r) -> nonNull(r.approved()))
          .thenComparing(AccessRequest::id);

  private static boolean locksUser(List<Action> actions) {
    for (Action action : actions) {
      if (action instanceof Action.Lock lock && lock.target() instanceof LockTarget.User) {
        return true;
      }
    }
    return false;
  }

  private static List<RequestId> ids(List<AccessRequest> requests) {
    List<RequestId> ids = new ArrayList<>(requests.size());
    for (AccessRequest request : requests) {
      ids.add(request.id());
    }
    return ids;
  }

  private static final ConditionInput EMPTY_INPUT =
      new ConditionInput(Map.of(), Map.of(), List.of(), Instant.EPOCH);

  private boolean hasCustomRules() {
    for (Rule rule : policy.rules()) {
      if (rule instanceof Rule.Custom) {
        return true;
      }
    }
    return false;
  }

  private static boolean isTrue(Map<Rule.Custom, Boolean> results, Rule.Custom rule) {
    return Boolean.TRUE.equals(results.get(rule));
  }

  private static String joinRuleNames(CustomAction action, Map<Rule.Custom, Boolean> custom) {
    List<String> names = new ArrayList<>();
    custom.forEach(
        (rule, matched) -> {
          if (rule.action() == action && matched) {
            names.add(rule.name());
          }
        });
    return String.join(", ", names);
  }

  /** The environments of {@code environments} that the rule lists, in the rule's order. */
  private static List<String> listedIn(Set<String> environments, Rule.ExclusiveEnvironments rule) {
    if (environments.isEmpty()) {
      return List.of();
    }
    List<String> listed = new ArrayList<>(2);
    for (String environment : rule.environments()) {
      if (environments.contains(environment)) {
        listed.add(environment);
      }
    }
    return listed;
  }

  private static String joinAnd(List<String> items) {
    if (items.size() <= 1) {
      return String.join("", items);
    }
    return String.join(", ", items.subList(0, items.size() - 1))
        + " and "
        + items.get(items.size() - 1);
  }

  private static String plural(int count, String one, String many) {
    return count == 1 ? one : many;
  }

  private static <T> T nonNull(@Nullable T value) {
    if (value == null) {
      throw new IllegalStateException("bug: a value the decision depends on is missing");
    }
    return value;
  }
}
