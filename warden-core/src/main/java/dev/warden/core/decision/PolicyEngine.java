package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.policy.ConditionException;
import dev.warden.core.policy.ConditionInput;
import dev.warden.core.policy.ConditionInputs;
import dev.warden.core.policy.CustomAction;
import dev.warden.core.policy.DefaultOutcome;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Resolve;
import dev.warden.core.policy.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>A watcher decides for every event, so the common decision (nothing to lock, nothing to deny)
 * is kept cheap: the rules are sorted by kind once, here, and a decision allocates little beyond
 * the {@link Decision} it returns. Sentences are only built for rules that match, and not at all
 * when a caller asks for the actions alone ({@link Detail#ACTIONS}).
 */
public final class PolicyEngine {

  private final Policy policy;
  // The policy's rules, as an array: a decision walks them twice, and indexing an array makes no
  // iterator.
  private final Rule[] rules;
  private final Rule.Custom[] customRules;
  private final Rule.ApprovalRateLimit[] approvalLimits;
  private final Rule.ExclusiveEnvironments[] separations;
  private final Rule.ActiveResourceLimit[] limits;
  private final String compliesReason;
  // By the rules themselves, which the engine walks; filled here and only read after, as the
  // engine may be shared between threads.
  private final Map<Rule.MaxTtl, TtlSentences> ttlSentences = new IdentityHashMap<>();
  private volatile @Nullable EnvironmentIndex index;

  public PolicyEngine(Policy policy) {
    this.policy = policy;
    this.rules = policy.rules().toArray(Rule[]::new);
    List<Rule.Custom> custom = new ArrayList<>();
    List<Rule.ApprovalRateLimit> approvals = new ArrayList<>();
    List<Rule.ExclusiveEnvironments> separating = new ArrayList<>();
    List<Rule.ActiveResourceLimit> limiting = new ArrayList<>();
    for (Rule rule : rules) {
      switch (rule) {
        case Rule.Custom c -> custom.add(c);
        case Rule.ApprovalRateLimit a -> approvals.add(a);
        case Rule.ExclusiveEnvironments e -> separating.add(e);
        case Rule.ActiveResourceLimit l -> limiting.add(l);
        case Rule.MaxTtl m -> ttlSentences.put(m, new TtlSentences(m.max()));
        default -> {
          // Request rules are checked in policy order straight from the policy.
        }
      }
    }
    this.customRules = custom.toArray(Rule.Custom[]::new);
    this.approvalLimits = approvals.toArray(Rule.ApprovalRateLimit[]::new);
    this.separations = separating.toArray(Rule.ExclusiveEnvironments[]::new);
    this.limits = limiting.toArray(Rule.ActiveResourceLimit[]::new);
    this.compliesReason = "complies with every rule of policy " + policy.name();
  }

  public Policy policy() {
    return policy;
  }

  /** Decides a resync: restores the state rules over the user's active grants. */
  public Decision decide(UserState state, Instant now) {
    return new Evaluation(state, now, indexFor(state), true).resync();
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
    return decide(state, pending, now, Detail.FULL);
  }

  /** How much of a decision to work out. */
  public enum Detail {
    /** All of it: what is to be done and the sentences, snapshots and facts that explain it. */
    FULL,
    /**
     * What is to be done: the outcome, the actions with their kinds, targets, lock ids and
     * expiries, and the names of the rules that matched or failed, all exactly as in full. Every
     * sentence (of a match, an approval, a denial, a lock) is empty, both snapshots are empty, and
     * the facts are {@link Facts#none()}.
     *
     * <p>For callers that count outcomes and actions by the million, such as a replay, and explain
     * only the few decisions they show: the sentences, snapshots and facts were a fifth of what
     * such a decision cost.
     */
    ACTIONS
  }

  /**
   * Decides one pending request of the user as {@link #decide(UserState, RequestId, Instant)} does,
   * working out as much as {@code detail} asks for.
   *
   * @throws IllegalArgumentException when {@code state} holds no request with that id
   */
  public Decision decide(UserState state, RequestId pending, Instant now, Detail detail) {
    AccessRequest request = find(state, pending);
    Evaluation evaluation = new Evaluation(state, now, indexFor(state), detail == Detail.FULL);
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

  private static AccessRequest find(UserState state, RequestId id) {
    String wanted = id.value();
    List<AccessRequest> requests = state.requests();
    for (int i = 0; i < requests.size(); i++) {
      AccessRequest request = requests.get(i);
      if (request.id().value().equals(wanted)) {
        return request;
      }
    }
    throw new IllegalArgumentException(
        "request " + id + " is not among the requests of " + state.user().name());
  }

  private EnvironmentIndex indexFor(UserState state) {
    EnvironmentIndex current = index;
    if (current == null || !current.covers(state.catalog())) {
      current = new EnvironmentIndex(state.catalog(), policy.environments(), List.of(separations));
      index = current;
    }
    return current;
  }

  /** The working state of one decision. */
  private final class Evaluation {

    private final UserState state;
    private final Instant now;
    private final EnvironmentIndex environments;
    // Whether to build what only explains the decision: sentences, snapshots and facts.
    private final boolean explain;
    private final List<Grant> active;
    // Most users hold no locked grant, so this stays the shared empty list until one is found.
    private List<AccessRequest> alreadyLocked = List.of();

    private final List<RuleMatch> matches = new ArrayList<>();
    // Made on the first error: only custom rules can fail, and they rarely do.
    private List<RuleError> errors = List.of();

    /** The grants this decision locks, in order; made on the first lock, as most lock nothing. */
    private @Nullable Map<RequestId, Action.Lock> locks;

    private int @Nullable [] approvals;

    Evaluation(UserState state, Instant now, EnvironmentIndex environments, boolean explain) {
      this.state = state;
      this.now = now;
      this.environments = environments;
      this.explain = explain;
      this.active = new ArrayList<>(state.requests().size());
      boolean sorted = true;
      List<AccessRequest> requests = state.requests();
      for (int i = 0; i < requests.size(); i++) {
        AccessRequest request = requests.get(i);
        if (!request.isUnexpiredGrantAt(now)) {
          continue;
        }
        if (state.isLocked(request, now)) {
          if (alreadyLocked.isEmpty()) {
            alreadyLocked = new ArrayList<>(2);
          }
          alreadyLocked.add(request);
          continue;
        }
        Grant grant = asGrant(request);
        // Brokers list requests oldest first; checking that while the grant is at hand is
        // cheaper than sorting.
        sorted &= active.isEmpty() || Grant.compare(active.get(active.size() - 1), grant) <= 0;
        active.add(grant);
      }
      if (!sorted) {
        active.sort(Grant.OLDEST_FIRST);
      }
      if (alreadyLocked.size() > 1) {
        // Sorted like the active grants, so that the order of the state's requests never shows.
        alreadyLocked.sort(GRANTS_OLDEST_FIRST);
      }
    }

    private Grant asGrant(AccessRequest request) {
      return new Grant(request, environments.placementOf(request));
    }

    Decision resync() {
      restoreInvariants(active, null);
      return finish(Outcome.NONE, null, List.of(), explain ? facts(null, Set.of(), 0) : NO_FACTS);
    }

    Decision pending(AccessRequest request) {
      int otherPending = countOtherPending(request);
      Placement placement = environments.placementOf(request);
      Facts facts = explain ? facts(request, placement.environments(), otherPending) : NO_FACTS;
      boolean[] holds = evaluateCustomRules(request, placement.environments());

      // Only a custom lock-user rule adds to this, so without custom rules it stays empty.
      List<Action> userLocks = customRules.length == 0 ? List.of() : new ArrayList<>(1);
      boolean denied = applyRequestRules(request, placement, otherPending, holds);
      denied |= applyCustomDenials(request, holds, userLocks);
      if (denied) {
        return deny(request, userLocks, facts);
      }

      if (!errors.isEmpty() || escalates(request, holds)) {
        restoreInvariants(active, null);
        return finish(Outcome.ESCALATE, request, List.of(), facts);
      }

      return approveOrDefault(request, placement, holds, facts);
    }

    private Decision approveOrDefault(
        AccessRequest request, Placement placement, boolean[] holds, Facts facts) {
      boolean approvedByRule = false;
      for (int i = 0; i < customRules.length; i++) {
        if (customRules[i].action() == CustomAction.APPROVE && holds[i]) {
          matches.add(new RuleMatch(customRules[i].name(), fixed(customRules[i].reason())));
          approvedByRule = true;
        }
      }
      if (!approvedByRule && policy.defaultOutcome() != DefaultOutcome.APPROVE) {
        return applyDefault(request, facts);
      }

      AccessRequest asGranted = request.approvedAt(now, state.catalog());
      Grant newest = new Grant(asGranted, placement);
      int mark = matches.size();
      @Nullable String refusal = restoreInvariants(Grant.followedBy(active, newest), newest);
      if (refusal != null) {
        // The locks that admitting the request would have needed are moot once it is refused;
        // only the refusal and whatever the remaining grants need by themselves stay.
        RuleMatch refusing = matches.get(matches.size() - 1);
        matches.subList(mark, matches.size()).clear();
        matches.add(refusing);
        locks = null;
        restoreInvariants(active, null);
        return finish(
            Outcome.DENY,
            request,
            List.of(new Action.Deny(request.id(), explain ? refusing.rule() + ": " + refusal : "")),
            facts);
      }
      String reason = fixed(compliesReason);
      if (explain && approvedByRule) {
        reason = "approved by " + approvingRuleNames(holds);
      }
      return finish(
          Outcome.APPROVE, request, List.of(new Action.Approve(request.id(), reason)), facts);
    }

    private Decision applyDefault(AccessRequest request, Facts facts) {
      restoreInvariants(active, null);
      if (policy.defaultOutcome() == DefaultOutcome.DENY) {
        String reason = fixed("no rule approves it and the policy's default is deny");
        matches.add(new RuleMatch("default", reason));
        return finish(Outcome.DENY, request, List.of(new Action.Deny(request.id(), reason)), facts);
      }
      matches.add(
          new RuleMatch(
              "default", fixed("no rule approves it and the policy's default is escalate")));
      return finish(Outcome.ESCALATE, request, List.of(), facts);
    }

    private Decision deny(AccessRequest request, List<Action> userLocks, Facts facts) {
      String reason = explain ? joinedReasons() : "";
      restoreInvariants(active, null);
      List<Action> actions =
          userLocks.isEmpty() ? new ArrayList<>(1) : new ArrayList<>(userLocks.size() + 1);
      actions.addAll(userLocks);
      actions.add(new Action.Deny(request.id(), reason));
      return finish(Outcome.DENY, request, actions, facts);
    }

    /** Every match as {@code rule: reason}, joined by semicolons, in one sized copy. */
    private String joinedReasons() {
      if (matches.size() == 1) {
        return matches.get(0).rule() + ": " + matches.get(0).reason();
      }
      int length = 0;
      for (int i = 0; i < matches.size(); i++) {
        length += matches.get(i).rule().length() + matches.get(i).reason().length() + 4;
      }
      StringBuilder reason = new StringBuilder(length);
      for (int i = 0; i < matches.size(); i++) {
        if (i > 0) {
          reason.append("; ");
        }
        reason.append(matches.get(i).rule()).append(": ").append(matches.get(i).reason());
      }
      return reason.toString();
    }

    /** Request rules that deny by themselves, in policy order; returns whether any matched. */
    private boolean applyRequestRules(
        AccessRequest request, Placement placement, int otherPending, boolean[] holds) {
      int before = matches.size();
      int custom = 0;
      int separation = 0;
      for (Rule rule : rules) {
        switch (rule) {
          case Rule.RequestResourceLimit limit -> checkRequestSize(request, limit);
          case Rule.MaxTtl maxTtl -> checkTtl(request, maxTtl);
          case Rule.PendingLimit limit -> checkPending(otherPending, limit);
          case Rule.RequireReason required -> checkReason(request, required);
          case Rule.ExclusiveEnvironments exclusive ->
              checkSpan(placement, exclusive, separation++);
          case Rule.Custom c -> {
            if (c.action() == CustomAction.DENY && holds[custom]) {
              matches.add(new RuleMatch(c.name(), fixed(c.reason())));
            }
            custom++;
          }
          default -> {
            // The remaining rules act at a later step: escalation or the state rules.
          }
        }
      }
      return matches.size() > before;
    }

    private boolean applyCustomDenials(
        AccessRequest request, boolean[] holds, List<Action> userLocks) {
      boolean denied = false;
      for (int i = 0; i < customRules.length; i++) {
        Rule.Custom rule = customRules[i];
        if (rule.action() == CustomAction.LOCK_USER && holds[i]) {
          matches.add(new RuleMatch(rule.name(), fixed(rule.reason())));
          userLocks.add(
              new Action.Lock(
                  LockId.of("warden-" + rule.name() + "-user-" + request.user().value()),
                  new LockTarget.User(request.user()),
                  rule.name(),
                  fixed(rule.reason()),
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
        matches.add(new RuleMatch(limit.name(), explain ? sizeSentence(count, what, limit) : ""));
      }
    }

    private static String sizeSentence(int count, String what, Rule.RequestResourceLimit limit) {
      return "request asks for " + count + " " + what + "; the limit is " + limit.max();
    }

    private void checkTtl(AccessRequest request, Rule.MaxTtl maxTtl) {
      if (request.ttl().compareTo(maxTtl.max()) > 0) {
        matches.add(
            new RuleMatch(
                maxTtl.name(), explain ? nonNull(ttlSentences.get(maxTtl)).of(request.ttl()) : ""));
      }
    }

    private void checkPending(int otherPending, Rule.PendingLimit limit) {
      if (otherPending >= limit.max()) {
        matches.add(
            new RuleMatch(limit.name(), explain ? pendingSentence(otherPending, limit) : ""));
      }
    }

    private String pendingSentence(int otherPending, Rule.PendingLimit limit) {
      return state.user().name()
          + " already has "
          + otherPending
          + " other pending "
          + plural(otherPending, "request", "requests")
          + "; the limit is "
          + limit.max();
    }

    private void checkReason(AccessRequest request, Rule.RequireReason required) {
      int length = request.reason().strip().length();
      if (length < required.minLength()) {
        matches.add(
            new RuleMatch(required.name(), explain ? reasonSentence(length, required) : ""));
      }
    }

    private static String reasonSentence(int length, Rule.RequireReason required) {
      String given =
          length == 0
              ? "no reason is given"
              : "the reason has " + length + " " + plural(length, "character", "characters");
      return given + "; at least " + required.minLength() + " are required";
    }

    private void checkSpan(Placement placement, Rule.ExclusiveEnvironments rule, int separation) {
      if (placement.codes()[separation] == Placement.SPANS) {
        matches.add(new RuleMatch(rule.name(), explain ? spanSentence(placement, rule) : ""));
      }
    }

    private static String spanSentence(Placement placement, Rule.ExclusiveEnvironments rule) {
      return "request spans "
          + joinAnd(listedIn(placement.environments(), rule))
          + ", which must not be held together";
    }

    private boolean escalates(AccessRequest request, boolean[] holds) {
      int before = matches.size();
      int custom = 0;
      int limit = 0;
      for (Rule rule : rules) {
        if (rule instanceof Rule.Custom c) {
          if (c.action() == CustomAction.ESCALATE && holds[custom]) {
            matches.add(new RuleMatch(c.name(), fixed(c.reason())));
          }
          custom++;
        } else if (rule instanceof Rule.ApprovalRateLimit rateLimit) {
          int approved = approvals()[limit++];
          if (approved >= rateLimit.max()) {
            matches.add(
                new RuleMatch(
                    rateLimit.name(), explain ? rateSentence(request, approved, rateLimit) : ""));
          }
        }
      }
      return matches.size() > before;
    }

    private static String rateSentence(
        AccessRequest request, int approved, Rule.ApprovalRateLimit rateLimit) {
      return request.user()
          + " had "
          + approved
          + " "
          + plural(approved, "request", "requests")
          + " approved in the last "
          + rateLimit.window()
          + "; the limit is "
          + rateLimit.max()
          + ", so a person decides";
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
     * @return why the pending request must be denied instead (empty when the decision is not
     *     explained: a refusal is then told apart from none by null alone), or null
     */
    private @Nullable String restoreInvariants(List<Grant> grants, @Nullable Grant newest) {
      // Every caller starts from no locks, so "kept" is: the grants this call has not locked.
      for (int r = 0; r < separations.length; r++) {
        @Nullable String refusal = separate(grants, newest, separations[r], r);
        if (refusal != null) {
          matches.add(new RuleMatch(separations[r].name(), refusal));
          return refusal;
        }
      }
      for (Rule.ActiveResourceLimit rule : limits) {
        @Nullable String refusal = limitActive(grants, newest, rule);
        if (refusal != null) {
          matches.add(new RuleMatch(rule.name(), refusal));
          return refusal;
        }
      }
      return null;
    }

    private @Nullable String separate(
        List<Grant> grants, @Nullable Grant newest, Rule.ExclusiveEnvironments rule, int r) {
      int winner = Placement.NONE;
      @Nullable Grant winningGrant = null;
      for (int i = grants.size() - 1; i >= 0 && winningGrant == null; i--) {
        Grant grant = grants.get(i);
        int code = grant.placement().codes()[r];
        if (code >= 0 && !lockedHere(grant)) {
          winner = code;
          winningGrant = grant;
        }
      }
      boolean conflict = false;
      for (int i = 0; i < grants.size() && !conflict; i++) {
        conflict = mustGiveWay(grants.get(i), winningGrant, r, winner);
      }
      if (!conflict) {
        return null;
      }

      if (newest != null && rule.resolve() == Resolve.DENY_NEW && newest == winningGrant) {
        return explain ? refuseSeparation(grants, newest, r, winner, rule) : "";
      }

      for (int i = 0; i < grants.size(); i++) {
        Grant grant = grants.get(i);
        if (mustGiveWay(grant, winningGrant, r, winner)) {
          lock(
              grant,
              rule.name(),
              explain ? separationReason(grant, winningGrant, winner, rule) : "");
        }
      }
      return null;
    }

    /** Whether a kept grant other than the winning one conflicts with the winning environment. */
    private boolean mustGiveWay(Grant grant, @Nullable Grant winningGrant, int r, int winner) {
      return grant != winningGrant && conflicts(grant, r, winner) && !lockedHere(grant);
    }

    private boolean lockedHere(Grant grant) {
      return locks != null && locks.containsKey(grant.request().id());
    }

    private String refuseSeparation(
        List<Grant> grants,
        Grant winningGrant,
        int r,
        int winner,
        Rule.ExclusiveEnvironments rule) {
      List<String> held = new ArrayList<>();
      for (Grant grant : grants) {
        if (mustGiveWay(grant, winningGrant, r, winner)) {
          held.add(grant.request().id().value());
        }
      }
      return state.user().name()
          + " holds access in another environment of "
          + joinAnd(rule.environments())
          + " through "
          + String.join(", ", held)
          + "; "
          + rule.environments().get(winner)
          + " access is refused rather than locking it";
    }

    private String separationReason(
        Grant grant, @Nullable Grant winningGrant, int winner, Rule.ExclusiveEnvironments rule) {
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
          + rule.environments().get(winner)
          + " access; "
          + joinAnd(rule.environments())
          + " must not be held together, so the older access is locked";
    }

    private @Nullable String limitActive(
        List<Grant> grants, @Nullable Grant newest, Rule.ActiveResourceLimit rule) {
      String unit = rule.countRoles() ? "roles and resources" : "resources";
      if (newest != null && newest.weight(rule.countRoles()) > rule.max()) {
        return explain ? oversizeSentence(newest, unit, rule) : "";
      }
      int total = 0;
      for (int i = 0; i < grants.size(); i++) {
        if (!lockedHere(grants.get(i))) {
          total += grants.get(i).weight(rule.countRoles());
        }
      }
      if (total <= rule.max()) {
        return null;
      }
      if (newest != null && rule.resolve() == Resolve.DENY_NEW) {
        return explain ? overLimitSentence(newest, total, unit, rule) : "";
      }
      int running = 0;
      for (int i = grants.size() - 1; i >= 0; i--) {
        Grant grant = grants.get(i);
        if (lockedHere(grant)) {
          continue;
        }
        int weight = grant.weight(rule.countRoles());
        if (running + weight <= rule.max()) {
          running += weight;
          continue;
        }
        lock(grant, rule.name(), explain ? limitReason(grant, total, unit, rule) : "");
      }
      return null;
    }

    private static String oversizeSentence(
        Grant newest, String unit, Rule.ActiveResourceLimit rule) {
      return "request asks for "
          + newest.weight(rule.countRoles())
          + " "
          + unit
          + ", more than the "
          + rule.max()
          + " a user may hold at once";
    }

    private String overLimitSentence(
        Grant newest, int total, String unit, Rule.ActiveResourceLimit rule) {
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

    private String limitReason(Grant grant, int total, String unit, Rule.ActiveResourceLimit rule) {
      return grant.request().id()
          + " ("
          + describeAccess(grant)
          + ") is the oldest access that does not fit: "
          + total
          + " "
          + unit
          + " would be held at once; the limit is "
          + rule.max();
    }

    private void lock(Grant grant, String rule, String reason) {
      RequestId id = grant.request().id();
      if (locks == null) {
        locks = new LinkedHashMap<>();
      } else if (locks.containsKey(id)) {
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
        Outcome outcome, @Nullable AccessRequest request, List<Action> tail, Facts facts) {
      List<Action> actions = tail;
      if (locks != null) {
        actions = new ArrayList<>(locks.size() + tail.size());
        actions.addAll(locks.values());
        actions.addAll(tail);
      }
      List<RuleMatch> matched = matches.isEmpty() ? List.of() : matches;
      @Nullable RequestId decided = request == null ? null : request.id();
      if (!explain) {
        return new Decision(outcome, decided, actions, matched, errors, NOTHING, NOTHING, facts);
      }
      Snapshot before = before();
      return new Decision(
          outcome,
          decided,
          actions,
          matched,
          errors,
          before,
          after(before, outcome, request, locksUser(tail)),
          facts);
    }

    /** A sentence that is fixed text: kept when the decision is explained, else left empty. */
    private String fixed(String sentence) {
      return explain ? sentence : "";
    }

    private Snapshot before() {
      RequestId[] ids = new RequestId[active.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = active.get(i).request().id();
      }
      return new Snapshot(List.of(ids), ids(alreadyLocked));
    }

    /**
     * The grants once the actions are carried out. A lock on the user locks every grant, and an
     * approved request that a lock in force already targets (its id, one of its roles, its user)
     * starts out locked.
     */
    private Snapshot after(
        Snapshot before, Outcome outcome, @Nullable AccessRequest request, boolean userLocked) {
      boolean approved = outcome == Outcome.APPROVE && request != null;
      boolean approvedLocked = approved && state.isLocked(request, now);
      if (locks == null && !userLocked && !approvedLocked) {
        // Nothing is locked: the common case, which needs no scan and no sort.
        if (!approved) {
          return before;
        }
        RequestId[] ids = new RequestId[active.size() + 1];
        for (int i = 0; i < active.size(); i++) {
          ids[i] = active.get(i).request().id();
        }
        ids[active.size()] = request.id();
        return new Snapshot(List.of(ids), before.locked());
      }

      List<RequestId> stillActive = new ArrayList<>(active.size() + 1);
      List<AccessRequest> locked = new ArrayList<>(alreadyLocked);
      for (int i = 0; i < active.size(); i++) {
        Grant grant = active.get(i);
        if (userLocked || (locks != null && locks.containsKey(grant.request().id()))) {
          locked.add(grant.request());
        } else {
          stillActive.add(grant.request().id());
        }
      }
      if (approvedLocked) {
        locked.add(request.approvedAt(now, state.catalog()));
      } else if (approved) {
        stillActive.add(request.id());
      }
      locked.sort(GRANTS_OLDEST_FIRST);
      return new Snapshot(stillActive, ids(locked));
    }

    private Facts facts(
        @Nullable AccessRequest request, Set<String> requestEnvironments, int otherPending) {
      int activeResources = 0;
      for (int i = 0; i < active.size(); i++) {
        activeResources += active.get(i).request().resources().size();
      }
      int approved = -1;
      for (int count : approvals()) {
        approved = Math.max(approved, count);
      }
      return new Facts(
          requestEnvironments,
          request == null ? 0 : request.resources().size(),
          otherPending,
          approved,
          environments.environmentsOf(active),
          activeResources);
    }

    /**
     * Pending requests of the user made before this one (by creation time, then id). Later ones do
     * not count: whether a request is hoarding must not depend on how late it is decided, and a
     * watcher that falls behind sees requests that did not exist yet when this one was made.
     */
    private int countOtherPending(AccessRequest request) {
      int count = 0;
      List<AccessRequest> requests = state.requests();
      for (int i = 0; i < requests.size(); i++) {
        AccessRequest other = requests.get(i);
        if (other.isPending() && madeBefore(other, request)) {
          count++;
        }
      }
      return count;
    }

    /** Approvals counted by each approval-rate-limit rule, in policy order; computed once. */
    private int[] approvals() {
      int[] counted = approvals;
      if (counted == null) {
        counted = new int[approvalLimits.length];
        for (int i = 0; i < counted.length; i++) {
          counted[i] = approvalsWithin(approvalLimits[i]);
        }
        approvals = counted;
      }
      return counted;
    }

    /** Approvals in the window that ends now, the newest approval included. */
    private int approvalsWithin(Rule.ApprovalRateLimit limit) {
      Instant start = now.minus(limit.window());
      int count = 0;
      List<AccessRequest> requests = state.requests();
      for (int i = 0; i < requests.size(); i++) {
        Instant approved = requests.get(i).approved();
        if (approved != null && approved.isAfter(start) && !approved.isAfter(now)) {
          count++;
        }
      }
      return count;
    }

    /** Whether each custom rule holds, by position; a rule that fails is recorded and false. */
    private boolean[] evaluateCustomRules(AccessRequest request, Set<String> requestEnvironments) {
      if (customRules.length == 0) {
        return NO_CUSTOM_RULES;
      }
      boolean[] holds = new boolean[customRules.length];
      ConditionInput input = conditionInput(request, requestEnvironments);
      for (int i = 0; i < customRules.length; i++) {
        try {
          holds[i] = customRules[i].condition().test(input);
        } catch (ConditionException e) {
          if (errors.isEmpty()) {
            errors = new ArrayList<>(1);
          }
          errors.add(new RuleError(customRules[i].name(), e.getMessage()));
        }
      }
      return holds;
    }

    private ConditionInput conditionInput(AccessRequest request, Set<String> requestEnvironments) {
      return new ConditionInput(
          ConditionInputs.request(request, requestEnvironments),
          ConditionInputs.user(state.user()),
          new ActiveGrants(active),
          now);
    }

    private String approvingRuleNames(boolean[] holds) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < customRules.length; i++) {
        if (customRules[i].action() == CustomAction.APPROVE && holds[i]) {
          names.add(customRules[i].name());
        }
      }
      return String.join(", ", names);
    }

    private String describeAccess(Grant grant) {
      StringBuilder parts = new StringBuilder();
      List<RoleName> roles = grant.request().roles();
      for (int i = 0; i < roles.size(); i++) {
        parts.append(parts.isEmpty() ? "" : ", ").append(roles.get(i).value());
      }
      List<ResourceId> resources = grant.request().resources();
      for (int i = 0; i < resources.size(); i++) {
        parts.append(parts.isEmpty() ? "" : ", ").append(resources.get(i).value());
      }
      return parts.toString();
    }
  }

  /**
   * The sentences of one max-ttl rule, by the ttl asked for. Requests ask for the same few ttls
   * again and again, and building this sentence was the largest allocation of a replay's decisions.
   * A cached sentence is the one building it again would give; the cache is concurrent, like the
   * engine's other, and stops growing at {@link #MOST}.
   */
  private static final class TtlSentences {
    private static final int MOST = 256;
    private final String limit;
    private final Map<Duration, String> byTtl = new ConcurrentHashMap<>();

    TtlSentences(Duration max) {
      this.limit = " of access; the limit is " + max;
    }

    String of(Duration ttl) {
      String known = byTtl.get(ttl);
      if (known != null) {
        return known;
      }
      String made = "request asks for " + ttl + limit;
      if (byTtl.size() < MOST) {
        byTtl.putIfAbsent(ttl, made);
      }
      return made;
    }
  }

  /** The snapshots and facts of a decision worked out without its explanation. */
  private static final Snapshot NOTHING = new Snapshot(List.of(), List.of());

  private static final Facts NO_FACTS = Facts.none();

  /** What {@code evaluateCustomRules} finds in a policy without custom rules; never written. */
  private static final boolean[] NO_CUSTOM_RULES = new boolean[0];

  /** Oldest approval first, ties by id, as {@link Grant#OLDEST_FIRST} orders grants. */
  private static final Comparator<AccessRequest> GRANTS_OLDEST_FIRST =
      Comparator.comparing((AccessRequest r) -> nonNull(r.approved()))
          .thenComparing(AccessRequest::id);

  private static boolean locksUser(List<Action> actions) {
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i) instanceof Action.Lock lock && lock.target() instanceof LockTarget.User) {
        return true;
      }
    }
    return false;
  }

  private static List<RequestId> ids(List<AccessRequest> requests) {
    if (requests.isEmpty()) {
      return List.of();
    }
    RequestId[] ids = new RequestId[requests.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = requests.get(i).id();
    }
    return List.of(ids);
  }

  /**
   * Whether {@code grant} must give way to the winning environment of the separation rule at {@code
   * r}: it spans listed environments, or lies in a listed one other than the winner's.
   */
  private static boolean conflicts(Grant grant, int r, int winner) {
    int code = grant.placement().codes()[r];
    return code == Placement.SPANS || (code >= 0 && code != winner);
  }

  /** The environments of {@code environments} that the rule lists, in the rule's order. */
  private static List<String> listedIn(Set<String> environments, Rule.ExclusiveEnvironments rule) {
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

  /** Whether {@code a} was made before {@code b}: by creation time, then by id for equal times. */
  static boolean madeBefore(AccessRequest a, AccessRequest b) {
    int byTime = a.created().compareTo(b.created());
    return byTime < 0 || (byTime == 0 && a.id().value().compareTo(b.id().value()) < 0);
  }
}
