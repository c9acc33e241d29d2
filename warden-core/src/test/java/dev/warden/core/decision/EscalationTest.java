package dev.warden.core.decision;

import static dev.warden.core.decision.Decisions.decide;
import static dev.warden.core.decision.Decisions.lockedRequests;
import static dev.warden.core.decision.Decisions.reasonOf;
import static dev.warden.core.decision.Requests.approved;
import static dev.warden.core.decision.Requests.pending;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.policy.DefaultOutcome;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Escalation to a person: the approval budget, and what the default does when nothing decides. */
class EscalationTest {

  private static final Policy BUDGET =
      Policies.of(new Rule.ApprovalRateLimit("auto-approval-budget", 5, Duration.ofHours(24)));

  @Test
  void approvalRateLimit_whenTheBudgetIsUsedUp_escalatesAndLeavesTheRequestPending() {
    List<AccessRequest> requests = approvalsHoursAgo(1, 3, 5, 7, 23);
    requests.add(pending("r-9", "dev-db"));

    Decision decision = decide(BUDGET, state(requests), "r-9");

    assertThat(decision.outcome()).isEqualTo(Outcome.ESCALATE);
    assertThat(decision.actions()).isEmpty();
    assertThat(reasonOf(decision, "auto-approval-budget"))
        .isEqualTo(
            "alice had 5 requests approved in the last PT24H; the limit is 5, so a person decides");
    assertThat(decision.facts().approvalsInWindow()).isEqualTo(5);
  }

  @Test
  void approvalRateLimit_belowTheBudget_approves() {
    List<AccessRequest> requests = approvalsHoursAgo(1, 3, 5, 7);
    requests.add(pending("r-9", "dev-db"));

    Decision decision = decide(BUDGET, state(requests), "r-9");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
  }

  @Test
  void approvalRateLimit_doesNotCountApprovalsBeforeTheWindow() {
    List<AccessRequest> requests = approvalsHoursAgo(1, 3, 5, 7, 25);
    requests.add(pending("r-9", "dev-db"));

    Decision decision = decide(BUDGET, state(requests), "r-9");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.facts().approvalsInWindow()).isEqualTo(4);
  }

  @Test
  void approvalRateLimit_whenEscalating_stillRestoresTheStateRules() {
    Policy policy =
        Policies.of(
            new Rule.ApprovalRateLimit("budget", 1, Duration.ofHours(24)),
            new Rule.ExclusiveEnvironments(
                "separation",
                List.of("production", "research"),
                dev.warden.core.policy.Resolve.LOCK_OLDER));
    AccessRequest production = approved("p-1", Duration.ofMinutes(50), "prod-readonly");
    AccessRequest research = approved("n-2", Duration.ofMinutes(10), "research-notebook");
    AccessRequest asking = pending("r-3", "dev-db");

    Decision decision = decide(policy, state(List.of(production, research, asking)), "r-3");

    assertThat(decision.outcome()).isEqualTo(Outcome.ESCALATE);
    assertThat(lockedRequests(decision)).containsExactly("p-1");
  }

  @Test
  void defaultDeny_withoutAnApprovingRule_denies() {
    Policy policy = Policies.enforcing(DefaultOutcome.DENY, List.of());
    AccessRequest asking = pending("r-1", "dev-db");

    Decision decision = decide(policy, States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(decision.actions())
        .containsExactly(
            new Action.Deny(asking.id(), "no rule approves it and the policy's default is deny"));
  }

  @Test
  void defaultEscalate_withoutAnApprovingRule_escalates() {
    Policy policy = Policies.enforcing(DefaultOutcome.ESCALATE, Policies.exampleRules());
    AccessRequest asking = pending("r-1", "dev-db");

    Decision decision = decide(policy, States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.ESCALATE);
    assertThat(decision.actions()).isEmpty();
    assertThat(reasonOf(decision, "default"))
        .isEqualTo("no rule approves it and the policy's default is escalate");
  }

  @Test
  void defaultDeny_doesNotHideARequestRuleThatDenies() {
    Policy policy = Policies.enforcing(DefaultOutcome.DENY, Policies.exampleRules());
    AccessRequest asking = Requests.request("r-1", "dev-db").reason("").pending();

    Decision decision = decide(policy, States.alice(asking), "r-1");

    assertThat(decision.matches()).extracting(RuleMatch::rule).containsExactly("reason-required");
  }

  private static List<AccessRequest> approvalsHoursAgo(int... hours) {
    List<AccessRequest> requests = new ArrayList<>();
    for (int i = 0; i < hours.length; i++) {
      requests.add(approved("a-" + i, Duration.ofHours(hours[i]), "dev-db"));
    }
    return requests;
  }

  private static dev.warden.core.access.UserState state(List<AccessRequest> requests) {
    return States.of(Catalogs.example(), "alice", requests, List.of());
  }
}
