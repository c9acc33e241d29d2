package dev.warden.core.decision;

import static dev.warden.core.decision.Decisions.decide;
import static dev.warden.core.decision.Decisions.ids;
import static dev.warden.core.decision.Decisions.reasonOf;
import static dev.warden.core.decision.Requests.approved;
import static dev.warden.core.decision.Requests.pending;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.catalog.UserName;
import dev.warden.core.policy.CustomAction;
import dev.warden.core.policy.DefaultOutcome;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Rule;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Custom rules, with Java conditions standing in for CEL, and how their verdicts rank. */
class CustomRulesTest {

  private static final Rule ON_CALL_ONLY =
      custom("production-needs-on-call", TestConditions.NOT_ON_CALL, CustomAction.DENY);

  @Test
  void customDeny_whenTheConditionHolds_deniesWithTheRulesReason() {
    AccessRequest asking = Requests.request("r-1", "prod-readonly").by("bob").pending();

    Decision decision = decide(Policies.of(ON_CALL_ONLY), bob(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(reasonOf(decision, "production-needs-on-call"))
        .isEqualTo("production-needs-on-call holds");
  }

  @Test
  void customDeny_whenTheConditionDoesNotHold_approves() {
    AccessRequest asking = pending("r-1", "prod-readonly");

    Decision decision = decide(Policies.of(ON_CALL_ONLY), States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
  }

  @Test
  void customEscalate_whenTheConditionHolds_escalates() {
    Rule rule =
        custom("production-escalates", TestConditions.PRODUCTION_REQUEST, CustomAction.ESCALATE);
    AccessRequest asking = pending("r-1", "prod-readonly");

    Decision decision = decide(Policies.of(rule), States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.ESCALATE);
    assertThat(decision.actions()).isEmpty();
  }

  @Test
  void customApprove_underADefaultOfDeny_approvesNamingTheRule() {
    Rule rule = custom("development-is-fine", TestConditions.ALWAYS, CustomAction.APPROVE);
    Policy policy = Policies.enforcing(DefaultOutcome.DENY, List.of(rule));
    AccessRequest asking = pending("r-1", "dev-db");

    Decision decision = decide(policy, States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.actions())
        .containsExactly(new Action.Approve(asking.id(), "approved by development-is-fine"));
  }

  @Test
  void customLockUser_deniesAndLocksTheUserUntilAPersonLiftsIt() {
    Rule rule =
        custom("no-production-at-all", TestConditions.PRODUCTION_REQUEST, CustomAction.LOCK_USER);
    AccessRequest held = approved("d-1", Duration.ofMinutes(10), "dev-db");
    AccessRequest asking = pending("r-2", "prod-readonly");

    Decision decision = decide(Policies.of(rule), States.alice(held, asking), "r-2");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    Action.Lock lock = (Action.Lock) decision.actions().get(0);
    assertThat(lock.id()).isEqualTo(LockId.of("warden-no-production-at-all-user-alice"));
    assertThat(lock.target()).isEqualTo(new LockTarget.User(UserName.of("alice")));
    assertThat(lock.expires()).isNull();
    assertThat(decision.actions().get(1)).isInstanceOf(Action.Deny.class);
    assertThat(decision.after().active()).isEmpty();
    assertThat(ids(decision.after().locked())).containsExactly("d-1");
  }

  @Test
  void aConditionThatCannotBeEvaluated_escalatesAndReportsTheError() {
    Rule rule = custom("needs-ticket", TestConditions.FAILS, CustomAction.DENY);
    AccessRequest asking = pending("r-1", "dev-db");

    Decision decision = decide(Policies.of(rule), States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.ESCALATE);
    assertThat(decision.errors())
        .containsExactly(new RuleError("needs-ticket", "no such key: ticket"));
    assertThat(decision.explanation())
        .contains("rule needs-ticket could not be evaluated: no such key: ticket");
  }

  @Test
  void denyWinsOverAConditionThatCannotBeEvaluated_andTheErrorIsStillReported() {
    Policy policy =
        Policies.of(
            custom("needs-ticket", TestConditions.FAILS, CustomAction.APPROVE),
            new Rule.RequireReason("reason-required", 10));
    AccessRequest asking = Requests.request("r-1", "dev-db").reason("").pending();

    Decision decision = decide(policy, States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(decision.errors()).extracting(RuleError::rule).containsExactly("needs-ticket");
  }

  @Test
  void denyWinsOverEscalate() {
    Policy policy =
        Policies.of(
            custom("escalate-everything", TestConditions.ALWAYS, CustomAction.ESCALATE),
            custom("deny-everything", TestConditions.ALWAYS, CustomAction.DENY));
    AccessRequest asking = pending("r-1", "dev-db");

    Decision decision = decide(policy, States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(decision.matches()).extracting(RuleMatch::rule).containsExactly("deny-everything");
  }

  @Test
  void escalateWinsOverApprove() {
    Policy policy =
        Policies.of(
            custom("approve-everything", TestConditions.ALWAYS, CustomAction.APPROVE),
            custom("escalate-everything", TestConditions.ALWAYS, CustomAction.ESCALATE));
    AccessRequest asking = pending("r-1", "dev-db");

    Decision decision = decide(policy, States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.ESCALATE);
  }

  @Test
  void aConditionSeesTheUsersActiveGrants() {
    Rule rule = custom("one-at-a-time", TestConditions.HOLDS_ACCESS, CustomAction.DENY);
    AccessRequest held = approved("d-1", Duration.ofMinutes(10), "dev-db");
    AccessRequest asking = pending("r-2", "dev-admin");

    Decision holding = decide(Policies.of(rule), States.alice(held, asking), "r-2");
    Decision empty = decide(Policies.of(rule), States.alice(asking), "r-2");

    assertThat(holding.outcome()).isEqualTo(Outcome.DENY);
    assertThat(empty.outcome()).isEqualTo(Outcome.APPROVE);
  }

  private static Rule custom(String name, TestConditions condition, CustomAction action) {
    return new Rule.Custom(name, condition.name(), condition, action, name + " holds");
  }

  private static dev.warden.core.access.UserState bob(AccessRequest... requests) {
    return States.of(Catalogs.example(), "bob", List.of(requests), List.of());
  }
}
