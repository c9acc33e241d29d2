package dev.warden.core.decision;

import static dev.warden.core.decision.Decisions.decide;
import static dev.warden.core.decision.Decisions.ids;
import static dev.warden.core.decision.Decisions.lockedRequests;
import static dev.warden.core.decision.Decisions.resync;
import static dev.warden.core.decision.Requests.NOW;
import static dev.warden.core.decision.Requests.approved;
import static dev.warden.core.decision.Requests.pending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.policy.Policy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What holds for every decision, whatever the rules: its shape, its snapshots, its purity. */
class PolicyEngineTest {

  private static final Policy EXAMPLE = Policies.example();

  @Test
  void decide_withTheExamplePolicy_approvesACompliantRequestWithTheFactsItUsed() {
    AccessRequest held = approved("d-1", Duration.ofMinutes(30), "dev-db");
    AccessRequest asking = pending("r-2", "node/prod-web-1");

    Decision decision = decide(EXAMPLE, States.alice(held, asking), "r-2");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.request()).isEqualTo(asking.id());
    assertThat(decision.actions())
        .containsExactly(
            new Action.Approve(asking.id(), "complies with every rule of policy test"));
    assertThat(decision.matches()).isEmpty();
    assertThat(decision.facts())
        .isEqualTo(
            new Facts(java.util.Set.of("production"), 1, 0, 1, java.util.Set.of("development"), 0));
    assertThat(ids(decision.before().active())).containsExactly("d-1");
    assertThat(ids(decision.after().active())).containsExactly("d-1", "r-2");
  }

  @Test
  void decide_forARequestThatIsNoLongerPending_resyncsInstead() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(50), "prod-readonly");
    AccessRequest research = approved("n-2", Duration.ofMinutes(10), "research-notebook");

    Decision decision = decide(EXAMPLE, States.alice(production, research), "n-2");

    assertThat(decision.outcome()).isEqualTo(Outcome.NONE);
    assertThat(decision.request()).isNull();
    assertThat(lockedRequests(decision)).containsExactly("p-1");
  }

  @Test
  void decide_forARequestTheStateDoesNotHold_throwsNamingTheRequestAndTheUser() {
    UserState state = States.alice(pending("r-1", "dev-db"));
    PolicyEngine engine = new PolicyEngine(EXAMPLE);

    assertThatThrownBy(() -> engine.decide(state, RequestId.of("r-404"), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("request r-404 is not among the requests of alice");
  }

  @Test
  void resync_ofACompliantState_changesNothing() {
    AccessRequest held = approved("d-1", Duration.ofMinutes(30), "dev-db");

    Decision decision = resync(EXAMPLE, States.alice(held));

    assertThat(decision.outcome()).isEqualTo(Outcome.NONE);
    assertThat(decision.changesAnything()).isFalse();
    assertThat(decision.after()).isEqualTo(decision.before());
  }

  @Test
  void decide_givesAnEqualDecisionAgain_onAFreshEngine_andForRequestsInAnotherOrder() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(50), "prod-readonly");
    AccessRequest development = approved("d-2", Duration.ofMinutes(40), "node/dev-web-1");
    AccessRequest research = pending("r-3", "research-notebook", "bucket/research-datasets");
    PolicyEngine engine = new PolicyEngine(EXAMPLE);
    UserState state = States.alice(production, development, research);
    UserState reordered = States.alice(research, development, production);

    Decision first = engine.decide(state, research.id(), NOW);
    Decision again = engine.decide(state, research.id(), NOW);
    Decision fresh = new PolicyEngine(EXAMPLE).decide(state, research.id(), NOW);
    Decision otherOrder = engine.decide(reordered, research.id(), NOW);

    assertThat(again).isEqualTo(first);
    assertThat(fresh).isEqualTo(first);
    assertThat(otherOrder).isEqualTo(first);
  }

  @Test
  void anEngineReused_withAnotherCatalog_placesGrantsByTheNewCatalog() {
    Catalog relabelled =
        new Catalog(
            List.of(
                Catalogs.role("prod-readonly", "research", null),
                Catalogs.role("research-notebook", "research", null)),
            List.of(),
            List.of());
    AccessRequest held = approved("p-1", Duration.ofMinutes(50), "prod-readonly");
    AccessRequest asking = pending("r-2", "research-notebook");
    PolicyEngine engine = new PolicyEngine(EXAMPLE);

    Decision withExample = engine.decide(States.alice(held, asking), asking.id(), NOW);
    Decision withRelabelled =
        engine.decide(
            States.of(relabelled, "alice", List.of(held, asking), List.of()), asking.id(), NOW);

    assertThat(lockedRequests(withExample)).containsExactly("p-1");
    assertThat(withRelabelled.locks()).isEmpty();
  }

  @Test
  void explanation_namesTheOutcomeTheRequestAndEveryReason() {
    AccessRequest asking = Requests.request("r-1", "dev-db").reason("short").pending();

    Decision decision = decide(EXAMPLE, States.alice(asking), "r-1");

    assertThat(decision.explanation())
        .isEqualTo(
            "DENY r-1: reason-required: the reason has 5 characters; at least 10 are required");
  }

  // Regressions found by PolicyEnginePropertiesTest.

  @Test
  void snapshots_listLockedGrantsOldestFirst_whateverTheOrderOfTheStatesRequests() {
    // The locked grants used to be listed in the order of the state's requests, so the same
    // user state, listed in another order, gave a different decision.
    AccessRequest older = approved("g-2", Duration.ofMinutes(50), "dev-db");
    AccessRequest newer = approved("g-1", Duration.ofMinutes(10), "dev-admin");
    List<dev.warden.core.access.Lock> locks =
        List.of(Locks.onRequest("g-1", null), Locks.onRequest("g-2", null));

    Decision listedNewestFirst = resync(EXAMPLE, States.alice(locks, newer, older));
    Decision listedOldestFirst = resync(EXAMPLE, States.alice(locks, older, newer));

    assertThat(ids(listedNewestFirst.before().locked())).containsExactly("g-2", "g-1");
    assertThat(listedNewestFirst).isEqualTo(listedOldestFirst);
  }

  @Test
  void after_whenALockInForceAlreadyTargetsTheApprovedRequest_listsItAsLocked() {
    // A person's lock on a role covers the grant the moment it is approved. The after snapshot
    // used to count that grant as active, unlike the broker that carries the decision out.
    AccessRequest asking = pending("r-1", "prod-readonly");
    UserState state = States.alice(List.of(Locks.onRole("prod-readonly", null)), asking);

    Decision decision = decide(EXAMPLE, state, "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.after().active()).isEmpty();
    assertThat(ids(decision.after().locked())).containsExactly("r-1");
  }

  @Test
  void after_whenTheDecisionLocksTheUser_listsEveryGrantAsLocked() {
    // A lock-user rule locks every grant of the user; the after snapshot used to keep them active.
    var rule =
        new dev.warden.core.policy.Rule.Custom(
            "lock-everyone",
            "true",
            TestConditions.ALWAYS,
            dev.warden.core.policy.CustomAction.LOCK_USER,
            "nobody gets access today");
    AccessRequest held = approved("d-1", Duration.ofMinutes(30), "dev-db");
    AccessRequest asking = pending("r-2", "dev-admin");
    UserState state = States.alice(held, asking);

    Decision decision = decide(Policies.of(rule), state, "r-2");

    assertThat(decision.after().active()).isEmpty();
    assertThat(decision.after())
        .isEqualTo(BrokerModel.snapshot(BrokerModel.apply(state, decision, NOW), NOW));
  }

  @Test
  void stateRules_separateBeforeTheyLimit_evenWhenThePolicyListsTheLimitFirst() {
    // The example policy lists max-active-resources before the separation rule. The engine used
    // to apply state rules in file order, so the limit locked the old research grant to make room
    // for production access that separation then locked as well: research access lost for nothing.
    AccessRequest oldResearch = approved("n-1", Duration.ofMinutes(50), "node/research-gpu-1");
    AccessRequest production =
        approved("p-2", Duration.ofMinutes(40), "node/prod-web-1", "node/prod-web-2");
    AccessRequest newResearch = pending("r-3", "bucket/research-datasets");

    Decision decision = decide(EXAMPLE, States.alice(oldResearch, production, newResearch), "r-3");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(lockedRequests(decision)).containsExactly("p-2");
    assertThat(ids(decision.after().active())).containsExactly("n-1", "r-3");
  }
}
