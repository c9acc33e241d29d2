package dev.warden.core.decision;

import static dev.warden.core.decision.Scenarios.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.UserState;
import dev.warden.core.decision.Scenarios.Scenario;
import dev.warden.core.policy.ConditionException;
import dev.warden.core.policy.ConditionInput;
import dev.warden.core.policy.CustomAction;
import dev.warden.core.policy.DefaultOutcome;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Resolve;
import dev.warden.core.policy.Rule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The engine's promises, checked on random catalogs, policies and user states.
 *
 * <p>Each property carries a decision out with {@link BrokerModel}, the test's model of the broker,
 * and checks the result against {@link RuleModel}, the test's reading of the rules. Edge cases are
 * off: jqwik would otherwise spend close to half the tries on one-request states, which plain
 * random generation reaches often enough by itself.
 */
class PolicyEnginePropertiesTest {

  /** Enough to find the bugs these properties have found so far, and fast enough to run always. */
  private static final int TRIES = 1000;

  @Provide
  Arbitrary<Scenario> scenarios() {
    return Scenarios.scenarios();
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void afterTheActions_noUserHoldsActiveGrantsInTwoExclusiveEnvironments(
      @ForAll("scenarios") Scenario scenario) {
    Decision decision = scenario.decide(new PolicyEngine(scenario.policy()));

    UserState after = BrokerModel.apply(scenario.state(), decision, NOW);

    for (Rule rule : scenario.policy().rules()) {
      if (rule instanceof Rule.ExclusiveEnvironments exclusive) {
        Set<String> held = new TreeSet<>();
        for (AccessRequest grant : after.activeGrants(NOW)) {
          Set<String> environments =
              RuleModel.environments(scenario.policy(), after.catalog(), grant);
          held.addAll(RuleModel.listed(environments, exclusive));
        }
        assertThat(held)
            .as("environments of %s held after %s", rule.name(), decision.explanation())
            .hasSizeLessThanOrEqualTo(1);
      }
    }
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void afterTheActions_activeResourcesStayWithinEveryLimit(@ForAll("scenarios") Scenario scenario) {
    Decision decision = scenario.decide(new PolicyEngine(scenario.policy()));

    UserState after = BrokerModel.apply(scenario.state(), decision, NOW);

    for (Rule rule : scenario.policy().rules()) {
      if (rule instanceof Rule.ActiveResourceLimit limit) {
        int held = 0;
        for (AccessRequest grant : after.activeGrants(NOW)) {
          held += RuleModel.weight(grant, limit.countRoles());
        }
        assertThat(held)
            .as("held under %s after %s", rule.name(), decision.explanation())
            .isLessThanOrEqualTo(limit.max());
      }
    }
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void anApprovedRequest_breaksNoRequestRule(@ForAll("scenarios") Scenario scenario) {
    AccessRequest pending = scenario.pendingRequest();

    Decision decision = scenario.decide(new PolicyEngine(scenario.policy()));

    if (decision.outcome() == Outcome.APPROVE) {
      assertThat(pending).isNotNull();
      assertThat(RuleModel.brokenRequestRules(scenario.policy(), scenario.state(), pending))
          .as("request rules broken by approved %s", pending)
          .isEmpty();
    }
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void theSameInput_givesAnEqualDecision(
      @ForAll("scenarios") Scenario scenario, @ForAll long seed) {
    PolicyEngine engine = new PolicyEngine(scenario.policy());
    UserState state = scenario.state();
    List<AccessRequest> requests = new ArrayList<>(state.requests());
    Collections.shuffle(requests, new Random(seed));
    List<Lock> locks = new ArrayList<>(state.locks());
    Collections.shuffle(locks, new Random(seed));
    Scenario shuffled =
        new Scenario(
            scenario.policy(),
            new UserState(state.user(), requests, locks, state.catalog()),
            scenario.asked());

    Decision first = scenario.decide(engine);
    Decision second = scenario.decide(engine);
    Decision fresh = scenario.decide(new PolicyEngine(scenario.policy()));
    Decision reordered = shuffled.decide(engine);

    assertThat(second).isEqualTo(first);
    assertThat(fresh).isEqualTo(first);
    assertThat(reordered).isEqualTo(first);
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void decide_forTheActionsAlone_isTheFullDecisionWithoutItsExplanation(
      @ForAll("scenarios") Scenario scenario) {
    PolicyEngine engine = new PolicyEngine(scenario.policy());
    UserState state = scenario.state();
    // A resync scenario asks about no request; any of the user's requests is then decided, which
    // is a resync too when it is no longer pending.
    RequestId asked =
        scenario.asked() != null ? scenario.asked() : state.requests().getFirst().id();

    Decision full = engine.decide(state, asked, NOW);
    Decision actions = engine.decide(state, asked, NOW, PolicyEngine.Detail.ACTIONS);

    assertThat(actions).isEqualTo(withoutExplanation(full));
  }

  /** {@code decision} with every sentence emptied and no snapshots or facts. */
  private static Decision withoutExplanation(Decision decision) {
    List<Action> actions = new ArrayList<>();
    for (Action action : decision.actions()) {
      actions.add(
          switch (action) {
            case Action.Approve approve -> new Action.Approve(approve.request(), "");
            case Action.Deny deny -> new Action.Deny(deny.request(), "");
            case Action.Lock lock ->
                new Action.Lock(lock.id(), lock.target(), lock.rule(), "", lock.expires());
          });
    }
    List<RuleMatch> matches = new ArrayList<>();
    for (RuleMatch match : decision.matches()) {
      matches.add(new RuleMatch(match.rule(), ""));
    }
    Snapshot nothing = new Snapshot(List.of(), List.of());
    return new Decision(
        decision.outcome(),
        decision.request(),
        actions,
        matches,
        decision.errors(),
        nothing,
        nothing,
        Facts.none());
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void locks_comeBeforeTheVerdict_andNameTheirRuleTheirGrantAndItsExpiry(
      @ForAll("scenarios") Scenario scenario) {
    Decision decision = scenario.decide(new PolicyEngine(scenario.policy()));

    List<Action> actions = decision.actions();
    for (int i = 0; i < actions.size(); i++) {
      Action action = actions.get(i);
      if (!(action instanceof Action.Lock lock)) {
        assertThat(i).as("index of the verdict in %s", actions).isEqualTo(actions.size() - 1);
        continue;
      }
      assertThat(lock.id().value()).startsWith("warden-");
      assertThat(ruleNames(scenario.policy())).contains(lock.rule());
      switch (lock.target()) {
        case LockTarget.Request target -> {
          AccessRequest grant = scenario.state().request(target.id()).orElseThrow();
          assertThat(lock.id().value()).isEqualTo("warden-" + lock.rule() + "-" + target.id());
          assertThat(lock.expires()).isEqualTo(grant.expires());
        }
        case LockTarget.User target -> {
          assertThat(target.name()).isEqualTo(scenario.state().user().name());
          assertThat(lock.expires()).as("a user lock lasts until a person lifts it").isNull();
        }
        default -> throw new AssertionError("unexpected lock target in " + lock);
      }
    }
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void aDecision_locksOnlyActiveGrants_andItsSnapshotsAreTheStatesBeforeAndAfterTheActions(
      @ForAll("scenarios") Scenario scenario) {
    UserState state = scenario.state();

    Decision decision = scenario.decide(new PolicyEngine(scenario.policy()));

    for (Action.Lock lock : decision.locks()) {
      if (lock.target() instanceof LockTarget.Request target) {
        AccessRequest grant = state.request(target.id()).orElseThrow();
        assertThat(state.isActive(grant, NOW)).as("%s locks an active grant", lock).isTrue();
      }
    }
    assertThat(decision.before()).isEqualTo(BrokerModel.snapshot(state, NOW));
    assertThat(decision.after())
        .isEqualTo(BrokerModel.snapshot(BrokerModel.apply(state, decision, NOW), NOW));
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void denyWinsOverEscalate_andEscalateOverApprove(@ForAll("scenarios") Scenario scenario) {
    AccessRequest pending = scenario.pendingRequest();

    Decision decision = scenario.decide(new PolicyEngine(scenario.policy()));

    if (pending == null) {
      assertThat(decision.outcome()).isEqualTo(Outcome.NONE);
      assertThat(decision.request()).isNull();
      assertThat(decision.actions()).allMatch(a -> a instanceof Action.Lock);
      return;
    }
    Expected expected = Expected.of(scenario.policy(), scenario.state(), pending);
    assertThat(decision.request()).isEqualTo(pending.id());
    if (!expected.denials().isEmpty()) {
      assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
      assertThat(ruleNamesOf(decision.matches())).containsAll(expected.denials());
      assertThat(verdict(decision)).isInstanceOf(Action.Deny.class);
    } else if (expected.escalates()) {
      assertThat(decision.outcome()).isEqualTo(Outcome.ESCALATE);
      assertThat(decision.actions()).allMatch(a -> a instanceof Action.Lock);
    } else if (expected.approvable()) {
      assertApprovedOrRefusedByAStateRule(scenario.policy(), pending, decision);
    } else {
      Outcome fallback =
          scenario.policy().defaultOutcome() == DefaultOutcome.DENY
              ? Outcome.DENY
              : Outcome.ESCALATE;
      assertThat(decision.outcome()).isEqualTo(fallback);
    }
  }

  private static void assertApprovedOrRefusedByAStateRule(
      Policy policy, AccessRequest pending, Decision decision) {
    if (decision.outcome() == Outcome.APPROVE) {
      assertThat(verdict(decision)).isInstanceOf(Action.Approve.class);
      return;
    }
    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    String reason = ((Action.Deny) verdict(decision)).reason();
    boolean refusedByAStateRule = false;
    for (Rule rule : policy.rules()) {
      boolean mayRefuse =
          switch (rule) {
            case Rule.ActiveResourceLimit limit ->
                limit.resolve() == Resolve.DENY_NEW
                    || RuleModel.weight(pending, limit.countRoles()) > limit.max();
            case Rule.ExclusiveEnvironments exclusive -> exclusive.resolve() == Resolve.DENY_NEW;
            default -> false;
          };
      refusedByAStateRule |= mayRefuse && reason.startsWith(rule.name() + ": ");
    }
    assertThat(refusedByAStateRule)
        .as("an approvable request is refused only by a state rule that may refuse: %s", reason)
        .isTrue();
  }

  /** What the contract says about a pending request before the state rules have their say. */
  private record Expected(List<String> denials, boolean escalates, boolean approvable) {

    static Expected of(Policy policy, UserState state, AccessRequest request) {
      List<String> denials = new ArrayList<>(RuleModel.brokenRequestRules(policy, state, request));
      boolean escalates = false;
      boolean approvedByRule = false;
      ConditionInput input = RuleModel.conditionInput(policy, state, request, NOW);
      for (Rule rule : policy.rules()) {
        if (rule instanceof Rule.Custom custom) {
          Boolean holds = holds(custom, input);
          if (holds == null) {
            escalates = true;
          } else if (holds) {
            switch (custom.action()) {
              case DENY, LOCK_USER -> denials.add(custom.name());
              case ESCALATE -> escalates = true;
              case APPROVE -> approvedByRule = true;
            }
          }
        } else if (rule instanceof Rule.ApprovalRateLimit limit) {
          escalates |= RuleModel.approvalsWithin(state, limit.window(), NOW) >= limit.max();
        }
      }
      boolean approvable = approvedByRule || policy.defaultOutcome() == DefaultOutcome.APPROVE;
      return new Expected(denials, escalates, approvable);
    }

    /** Whether the condition holds, or null when it cannot be evaluated. */
    private static Boolean holds(Rule.Custom rule, ConditionInput input) {
      try {
        return rule.condition().test(input);
      } catch (ConditionException e) {
        return null;
      }
    }
  }

  private static Action verdict(Decision decision) {
    return decision.actions().get(decision.actions().size() - 1);
  }

  private static List<String> ruleNames(Policy policy) {
    List<String> names = new ArrayList<>();
    policy.rules().forEach(r -> names.add(r.name()));
    return names;
  }

  private static List<String> ruleNamesOf(List<RuleMatch> matches) {
    List<String> names = new ArrayList<>();
    matches.forEach(m -> names.add(m.rule()));
    return names;
  }

  static {
    // CustomAction is switched over exhaustively above; this keeps the import honest.
    assert CustomAction.values().length == 4;
  }
}
