package dev.warden.core.decision;

import static dev.warden.core.decision.Decisions.decide;
import static dev.warden.core.decision.Requests.approved;
import static dev.warden.core.decision.Requests.pending;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.policy.CustomAction;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Rule;
import dev.warden.core.policy.cel.CelConditionCompiler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Custom rules with real CEL conditions, reading what the engine hands them. */
class CelCustomRuleTest {

  private static final String ON_CALL =
      "\"production\" in request.environments && !(\"oncall\" in user.traits)";

  @Test
  void onCallRule_deniesProductionToSomeoneNotOnCall() {
    AccessRequest asking = Requests.request("r-1", "prod-readonly").by("bob").pending();

    Decision decision = decide(policy(ON_CALL, CustomAction.DENY), bobs(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
  }

  @Test
  void onCallRule_approvesProductionForTheOnCallEngineer() {
    AccessRequest asking = pending("r-1", "prod-readonly");

    Decision decision = decide(policy(ON_CALL, CustomAction.DENY), States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
  }

  @Test
  void aConditionOnActiveGrants_seesTheirEnvironmentsAndResources() {
    String condition =
        "active.exists(g, \"development\" in g.environments && \"db/dev-orders\" in g.resources)";
    AccessRequest held = approved("d-1", Duration.ofMinutes(10), "db/dev-orders");
    AccessRequest other = approved("d-2", Duration.ofMinutes(5), "prod-readonly");
    AccessRequest asking = pending("r-3", "dev-admin");

    Decision holding =
        decide(policy(condition, CustomAction.ESCALATE), States.alice(held, other, asking), "r-3");
    Decision notHolding =
        decide(policy(condition, CustomAction.ESCALATE), States.alice(other, asking), "r-3");

    assertThat(holding.outcome()).isEqualTo(Outcome.ESCALATE);
    assertThat(notHolding.outcome()).isEqualTo(Outcome.APPROVE);
  }

  @Test
  void aConditionOnTheRequest_seesItsFieldsWithTheDocumentedTypes() {
    String condition =
        "request.ttlSeconds > 3600 && request.reason.size() > 5 && request.user == user.name"
            + " && request.roles == [\"dev-db\"] && request.created < now";
    AccessRequest longer = Requests.request("r-1", "dev-db").ttl(Duration.ofHours(2)).pending();
    AccessRequest shorter = Requests.request("r-2", "dev-db").ttl(Duration.ofHours(1)).pending();

    Decision escalated =
        decide(policy(condition, CustomAction.ESCALATE), States.alice(longer), "r-1");
    Decision approvedShort =
        decide(policy(condition, CustomAction.ESCALATE), States.alice(shorter), "r-2");

    assertThat(escalated.outcome()).isEqualTo(Outcome.ESCALATE);
    assertThat(approvedShort.outcome()).isEqualTo(Outcome.APPROVE);
  }

  private static Policy policy(String condition, CustomAction action) {
    var compiled =
        (CelConditionCompiler.Compiled) CelConditionCompiler.standard().compile(condition);
    return Policies.of(
        new Rule.Custom("custom", condition, compiled.condition(), action, "the condition holds"));
  }

  private static dev.warden.core.access.UserState bobs(AccessRequest... requests) {
    return States.of(Catalogs.example(), "bob", List.of(requests), List.of());
  }
}
