package dev.warden.core.decision;

import static dev.warden.core.decision.Decisions.decide;
import static dev.warden.core.decision.Decisions.ids;
import static dev.warden.core.decision.Decisions.lockedRequests;
import static dev.warden.core.decision.Decisions.reasonOf;
import static dev.warden.core.decision.Decisions.resync;
import static dev.warden.core.decision.Requests.approved;
import static dev.warden.core.decision.Requests.pending;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Resolve;
import dev.warden.core.policy.Rule;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exclusive-environments rule as a state rule, in both resolve modes. */
class ExclusiveEnvironmentsTest {

  private static final String RULE = "production-research-separation";
  private static final Policy LOCK_OLDER = separation(Resolve.LOCK_OLDER);
  private static final Policy DENY_NEW = separation(Resolve.DENY_NEW);

  @Test
  void lockOlder_whenResearchIsRequestedWhileHoldingProduction_locksProductionThenApproves() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(20), "prod-readonly");
    AccessRequest research = pending("r-2", "research-notebook");

    Decision decision = decide(LOCK_OLDER, States.alice(production, research), "r-2");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.actions()).hasSize(2);
    Action.Lock lock = (Action.Lock) decision.actions().get(0);
    assertThat(lock.id()).isEqualTo(LockId.of("warden-" + RULE + "-p-1"));
    assertThat(lock.target()).isEqualTo(new LockTarget.Request(production.id()));
    assertThat(lock.rule()).isEqualTo(RULE);
    assertThat(lock.expires()).isEqualTo(production.expires()).isNotNull();
    assertThat(lock.message())
        .isEqualTo(
            "p-1 (prod-readonly) is production access, and r-2 holds research access;"
                + " production and research must not be held together, so the older access is"
                + " locked");
    assertThat(decision.actions().get(1)).isInstanceOf(Action.Approve.class);
    assertThat(ids(decision.after().active())).containsExactly("r-2");
    assertThat(ids(decision.after().locked())).containsExactly("p-1");
  }

  @Test
  void lockOlder_whenTheRequestStaysInTheHeldEnvironment_locksNothing() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(20), "prod-readonly");
    AccessRequest moreProduction = pending("r-2", "node/prod-web-1");

    Decision decision = decide(LOCK_OLDER, States.alice(production, moreProduction), "r-2");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.locks()).isEmpty();
  }

  @Test
  void lockOlder_locksEveryGrantInTheOtherEnvironment() {
    AccessRequest notebook = approved("n-1", Duration.ofMinutes(50), "research-notebook");
    AccessRequest datasets = approved("n-2", Duration.ofMinutes(40), "bucket/research-datasets");
    AccessRequest production = pending("r-3", "prod-readonly");

    Decision decision = decide(LOCK_OLDER, States.alice(notebook, datasets, production), "r-3");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(lockedRequests(decision)).containsExactly("n-1", "n-2");
  }

  @Test
  void lockOlder_leavesGrantsInEnvironmentsOutsideTheListUntouched() {
    AccessRequest development = approved("d-1", Duration.ofMinutes(50), "dev-admin");
    AccessRequest production = approved("p-2", Duration.ofMinutes(40), "prod-readonly");
    AccessRequest unplaced = approved("u-3", Duration.ofMinutes(30), "node/unlisted-box");
    AccessRequest research = pending("r-4", "research-notebook");

    Decision decision =
        decide(LOCK_OLDER, States.alice(development, production, unplaced, research), "r-4");

    assertThat(lockedRequests(decision)).containsExactly("p-2");
    assertThat(ids(decision.after().active())).containsExactly("d-1", "u-3", "r-4");
  }

  @Test
  void lockOlder_locksAnOlderGrantThatSpansTwoListedEnvironmentsByItself() {
    // A person approved this one directly; the request rule would have refused it.
    AccessRequest spanning =
        approved("s-1", Duration.ofMinutes(30), "prod-readonly", "research-notebook");
    AccessRequest development = pending("r-2", "dev-db");

    Decision decision = decide(LOCK_OLDER, States.alice(spanning, development), "r-2");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(lockedRequests(decision)).containsExactly("s-1");
    assertThat(decision.locks().get(0).message())
        .isEqualTo(
            "s-1 (prod-readonly, research-notebook) spans production and research, which must not"
                + " be held together");
  }

  @Test
  void lockOlder_withThreeEnvironments_keepsOnlyTheNewestGrantsEnvironment() {
    Policy policy =
        Policies.of(
            new Rule.ExclusiveEnvironments(
                "three-ways",
                List.of("production", "research", "development"),
                Resolve.LOCK_OLDER));
    AccessRequest production = approved("p-1", Duration.ofMinutes(50), "prod-readonly");
    AccessRequest research = approved("n-2", Duration.ofMinutes(40), "research-notebook");
    AccessRequest development = pending("r-3", "dev-db");

    Decision decision = decide(policy, States.alice(production, research, development), "r-3");

    assertThat(lockedRequests(decision)).containsExactly("p-1", "n-2");
  }

  @Test
  void resync_ofAHumanApprovedViolation_locksTheOlderEnvironment() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(50), "prod-readonly");
    AccessRequest research = approved("n-2", Duration.ofMinutes(10), "research-notebook");

    Decision decision = resync(LOCK_OLDER, States.alice(production, research));

    assertThat(decision.outcome()).isEqualTo(Outcome.NONE);
    assertThat(decision.request()).isNull();
    assertThat(lockedRequests(decision)).containsExactly("p-1");
    assertThat(decision.actions()).allMatch(a -> a instanceof Action.Lock);
  }

  @Test
  void resync_locksAGrantThatSpansTwoListedEnvironmentsByItself() {
    AccessRequest spanning =
        approved("s-1", Duration.ofMinutes(30), "node/prod-web-1", "research-gpu");

    Decision decision = resync(LOCK_OLDER, States.alice(spanning));

    assertThat(lockedRequests(decision)).containsExactly("s-1");
    assertThat(decision.after().active()).isEmpty();
  }

  @Test
  void resync_whenEveryGrantIsInOneEnvironment_doesNothing() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(50), "prod-readonly");
    AccessRequest development = approved("d-2", Duration.ofMinutes(10), "dev-admin");

    Decision decision = resync(LOCK_OLDER, States.alice(production, development));

    assertThat(decision.changesAnything()).isFalse();
    assertThat(decision.matches()).isEmpty();
  }

  @Test
  void denyNew_whenResearchIsRequestedWhileHoldingProduction_deniesAndLocksNothing() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(20), "prod-readonly");
    AccessRequest research = pending("r-2", "research-notebook");

    Decision decision = decide(DENY_NEW, States.alice(production, research), "r-2");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(decision.locks()).isEmpty();
    assertThat(reasonOf(decision, RULE))
        .isEqualTo(
            "alice holds access in another environment of production and research through p-1;"
                + " research access is refused rather than locking it");
    assertThat(ids(decision.after().active())).containsExactly("p-1");
  }

  @Test
  void denyNew_whenTheRequestStaysInTheHeldEnvironment_approves() {
    AccessRequest research = approved("n-1", Duration.ofMinutes(20), "research-notebook");
    AccessRequest moreResearch = pending("r-2", "node/research-gpu-1");

    Decision decision = decide(DENY_NEW, States.alice(research, moreResearch), "r-2");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
  }

  @Test
  void denyNew_whenTheRequestIsOutsideTheListedEnvironments_approves() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(20), "prod-readonly");
    AccessRequest development = pending("r-2", "dev-admin");

    Decision decision = decide(DENY_NEW, States.alice(production, development), "r-2");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.locks()).isEmpty();
  }

  @Test
  void denyNew_inAResync_locksLikeLockOlderBecauseThereIsNothingToDeny() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(50), "prod-readonly");
    AccessRequest research = approved("n-2", Duration.ofMinutes(10), "research-notebook");

    Decision denyNew = resync(DENY_NEW, States.alice(production, research));
    Decision lockOlder = resync(LOCK_OLDER, States.alice(production, research));

    assertThat(lockedRequests(denyNew)).containsExactly("p-1");
    assertThat(denyNew.actions()).isEqualTo(lockOlder.actions());
  }

  @Test
  void denyNew_whenTheRequestIsDenied_stillLocksAnOlderViolationByItself() {
    AccessRequest production = approved("p-1", Duration.ofMinutes(50), "prod-readonly");
    AccessRequest research = approved("n-2", Duration.ofMinutes(10), "research-notebook");
    AccessRequest moreProduction = pending("r-3", "node/prod-web-1");

    Decision decision = decide(DENY_NEW, States.alice(production, research, moreProduction), "r-3");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(lockedRequests(decision)).containsExactly("p-1");
    assertThat(decision.actions().get(decision.actions().size() - 1))
        .isInstanceOf(Action.Deny.class);
  }

  private static Policy separation(Resolve resolve) {
    return Policies.of(
        new Rule.ExclusiveEnvironments(RULE, List.of("production", "research"), resolve));
  }
}
