package dev.warden.core.decision;

import static dev.warden.core.decision.Decisions.decide;
import static dev.warden.core.decision.Decisions.reasonOf;
import static dev.warden.core.decision.Requests.pending;
import static dev.warden.core.decision.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.UserState;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Rule;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The rules that judge a pending request by itself: any match denies it. */
class RequestRulesTest {

  private static final Policy EXAMPLE = Policies.example();

  @Test
  void requestResourceLimit_whenFourResourcesAndLimitThree_deniesNamingFourAndThree() {
    AccessRequest asking =
        pending("r-1", "node/dev-web-1", "db/dev-orders", "node/prod-web-1", "node/prod-web-2");

    Decision decision = decide(EXAMPLE, States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(reasonOf(decision, "max-resources-per-request"))
        .isEqualTo("request asks for 4 resources; the limit is 3");
    assertThat(decision.actions())
        .containsExactly(
            new Action.Deny(
                asking.id(),
                "max-resources-per-request: request asks for 4 resources; the limit" + " is 3"));
  }

  @Test
  void requestResourceLimit_whenExactlyAtTheLimit_approves() {
    AccessRequest asking = pending("r-1", "node/dev-web-1", "db/dev-orders", "node/prod-web-1");

    Decision decision = decide(Policies.of(sizeLimit(3, false)), States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
  }

  @Test
  void requestResourceLimit_ignoresRolesUnlessCountRolesIsSet() {
    AccessRequest asking = pending("r-1", "dev-admin", "dev-db", "node/dev-web-1", "db/dev-orders");
    UserState state = States.alice(asking);

    Decision resourcesOnly = decide(Policies.of(sizeLimit(3, false)), state, "r-1");
    Decision withRoles = decide(Policies.of(sizeLimit(3, true)), state, "r-1");

    assertThat(resourcesOnly.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(withRoles.outcome()).isEqualTo(Outcome.DENY);
    assertThat(reasonOf(withRoles, "size"))
        .isEqualTo("request asks for 4 roles and resources; the limit is 3");
  }

  @Test
  void exclusiveEnvironments_whenOneRequestSpansProductionAndResearch_denies() {
    AccessRequest asking = pending("r-1", "prod-readonly", "research-notebook");

    Decision decision = decide(EXAMPLE, States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(reasonOf(decision, "production-research-separation"))
        .isEqualTo("request spans production and research, which must not be held together");
    assertThat(decision.locks()).isEmpty();
  }

  @Test
  void exclusiveEnvironments_whenTheSpanComesFromAResourceAndARole_denies() {
    AccessRequest asking = pending("r-1", "research-notebook", "node/prod-web-1");

    Decision decision = decide(EXAMPLE, States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(reasonOf(decision, "production-research-separation"))
        .contains("production and research");
  }

  @Test
  void maxTtl_whenTheRequestAsksForMore_deniesNamingBoth() {
    AccessRequest asking = request("r-1", "dev-db").ttl(Duration.ofHours(9)).pending();

    Decision decision = decide(EXAMPLE, States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(reasonOf(decision, "max-duration"))
        .isEqualTo("request asks for PT9H of access; the limit is PT8H");
  }

  @Test
  void maxTtl_whenTheRequestAsksForExactlyTheMaximum_approves() {
    AccessRequest asking = request("r-1", "dev-db").ttl(Duration.ofHours(8)).pending();

    Decision decision = decide(EXAMPLE, States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
  }

  @Test
  void pendingLimit_whenTheUserAlreadyHasTwoOtherPendingRequests_denies() {
    AccessRequest first = pending("r-1", "dev-db");
    AccessRequest second = pending("r-2", "dev-admin");
    AccessRequest third = pending("r-3", "node/dev-web-1");

    Decision decision = decide(EXAMPLE, States.alice(first, second, third), "r-3");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(reasonOf(decision, "no-hoarding"))
        .isEqualTo("alice already has 2 other pending requests; the limit is 2");
  }

  @Test
  void pendingLimit_whenTheUserHasOneOtherPendingRequest_approves() {
    AccessRequest first = pending("r-1", "dev-db");
    AccessRequest second = pending("r-2", "dev-admin");

    Decision decision = decide(EXAMPLE, States.alice(first, second), "r-2");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
  }

  @Test
  void pendingLimit_doesNotCountRequestsMadeAfterTheOneDecided() {
    AccessRequest first = pending("r-1", "dev-db");
    AccessRequest second = pending("r-2", "dev-admin");
    AccessRequest third = pending("r-3", "node/dev-web-1");

    Decision decision = decide(EXAMPLE, States.alice(first, second, third), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
  }

  @Test
  void pendingLimit_doesNotCountDecidedRequests() {
    AccessRequest denied = request("r-1", "dev-db").denied();
    AccessRequest deniedToo = request("r-2", "dev-db").denied();
    AccessRequest asking = pending("r-3", "dev-admin");

    Decision decision = decide(EXAMPLE, States.alice(denied, deniedToo, asking), "r-3");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
  }

  @Test
  void requireReason_whenTheReasonIsTooShort_deniesNamingItsLengthAndTheMinimum() {
    AccessRequest asking = request("r-1", "dev-db").reason("fix it").pending();

    Decision decision = decide(EXAMPLE, States.alice(asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(reasonOf(decision, "reason-required"))
        .isEqualTo("the reason has 6 characters; at least 10 are required");
  }

  @Test
  void requireReason_whenTheReasonIsOnlyBlanks_deniesAsIfNoneWasGiven() {
    AccessRequest asking = request("r-1", "dev-db").reason("            ").pending();

    Decision decision = decide(EXAMPLE, States.alice(asking), "r-1");

    assertThat(reasonOf(decision, "reason-required"))
        .isEqualTo("no reason is given; at least 10 are required");
  }

  @Test
  void requestRules_whenSeveralMatch_denyWithEveryReasonInPolicyOrder() {
    AccessRequest asking =
        request("r-1", "node/dev-web-1", "db/dev-orders", "node/prod-web-1", "node/prod-web-2")
            .ttl(Duration.ofHours(10))
            .reason("")
            .pending();

    Decision decision = decide(EXAMPLE, States.alice(asking), "r-1");

    assertThat(decision.matches())
        .extracting(RuleMatch::rule)
        .containsExactly("max-resources-per-request", "max-duration", "reason-required");
    assertThat(((Action.Deny) decision.actions().get(0)).reason())
        .contains("4 resources", "PT10H", "no reason is given");
  }

  private static Rule sizeLimit(int max, boolean countRoles) {
    return new Rule.RequestResourceLimit("size", max, countRoles);
  }
}
