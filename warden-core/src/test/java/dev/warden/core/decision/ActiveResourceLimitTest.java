package dev.warden.core.decision;

import static dev.warden.core.decision.Decisions.decide;
import static dev.warden.core.decision.Decisions.ids;
import static dev.warden.core.decision.Decisions.lockedRequests;
import static dev.warden.core.decision.Decisions.reasonOf;
import static dev.warden.core.decision.Decisions.resync;
import static dev.warden.core.decision.Requests.NOW;
import static dev.warden.core.decision.Requests.approved;
import static dev.warden.core.decision.Requests.pending;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.LockId;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Resolve;
import dev.warden.core.policy.Rule;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The active-resource-limit rule, in both resolve modes. */
class ActiveResourceLimitTest {

  private static final String RULE = "max-active-resources";
  private static final Policy LOCK_OLDEST = limit(3, false, Resolve.LOCK_OLDEST);
  private static final Policy DENY_NEW = limit(3, false, Resolve.DENY_NEW);

  private final AccessRequest oldest = approved("g-1", Duration.ofMinutes(50), "node/dev-web-1");
  private final AccessRequest middle = approved("g-2", Duration.ofMinutes(40), "db/dev-orders");
  private final AccessRequest newest = approved("g-3", Duration.ofMinutes(30), "node/prod-web-1");

  @Test
  void lockOldest_whenAFourthResourceIsRequested_locksTheOldestGrantThenApproves() {
    AccessRequest fourth = pending("r-4", "node/prod-web-2");

    Decision decision = decide(LOCK_OLDEST, States.alice(oldest, middle, newest, fourth), "r-4");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.actions()).hasSize(2);
    Action.Lock lock = (Action.Lock) decision.actions().get(0);
    assertThat(lock.id()).isEqualTo(LockId.of("warden-max-active-resources-g-1"));
    assertThat(lock.expires()).isEqualTo(oldest.expires());
    assertThat(lock.message())
        .isEqualTo(
            "g-1 (node/dev-web-1) is the oldest access that does not fit: 4 resources would be"
                + " held at once; the limit is 3");
    assertThat(decision.actions().get(1)).isInstanceOf(Action.Approve.class);
    assertThat(ids(decision.after().active())).containsExactly("g-2", "g-3", "r-4");
  }

  @Test
  void lockOldest_whenTheRequestFits_locksNothing() {
    AccessRequest third = pending("r-3", "node/prod-web-2");

    Decision decision = decide(LOCK_OLDEST, States.alice(oldest, middle, third), "r-3");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.locks()).isEmpty();
  }

  @Test
  void lockOldest_aLockedGrantDoesNotCount() {
    AccessRequest fourth = pending("r-4", "node/prod-web-2");
    var state = States.alice(List.of(Locks.onRequest("g-1", null)), oldest, middle, newest, fourth);

    Decision decision = decide(LOCK_OLDEST, state, "r-4");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.locks()).isEmpty();
    assertThat(ids(decision.before().locked())).containsExactly("g-1");
  }

  @Test
  void lockOldest_aGrantWhoseLockHasRunOutCountsAgain() {
    AccessRequest fourth = pending("r-4", "node/prod-web-2");
    var runOut = Locks.onRequest("g-1", NOW.minus(Duration.ofMinutes(1)));
    var state = States.alice(List.of(runOut), oldest, middle, newest, fourth);

    Decision decision = decide(LOCK_OLDEST, state, "r-4");

    assertThat(lockedRequests(decision)).containsExactly("g-1");
  }

  @Test
  void lockOldest_anExpiredGrantDoesNotCount() {
    AccessRequest expired = approved("g-0", Duration.ofHours(2), "node/dev-web-1", "db/dev-orders");
    AccessRequest fourth = pending("r-4", "node/prod-web-2");

    Decision decision = decide(LOCK_OLDEST, States.alice(expired, middle, newest, fourth), "r-4");

    assertThat(decision.locks()).isEmpty();
    assertThat(ids(decision.before().active())).containsExactly("g-2", "g-3");
  }

  @Test
  void lockOldest_locksAGrantThatDoesNotFitAndGoesOnToOlderOnesThatDo() {
    AccessRequest large =
        approved("g-2", Duration.ofMinutes(40), "db/dev-orders", "node/dev-web-1");
    AccessRequest small = approved("g-3", Duration.ofMinutes(30), "node/prod-web-1");
    AccessRequest older = approved("g-1", Duration.ofMinutes(50), "db/prod-orders");
    AccessRequest asking = pending("r-4", "node/prod-web-2");

    Decision decision = decide(LOCK_OLDEST, States.alice(older, large, small, asking), "r-4");

    // Newest first: r-4 (1), g-3 (2), g-2 would make 4 and is locked, g-1 still fits (3).
    assertThat(lockedRequests(decision)).containsExactly("g-2");
    assertThat(ids(decision.after().active())).containsExactly("g-1", "g-3", "r-4");
  }

  @Test
  void lockOldest_whenTheRequestAloneExceedsTheLimit_deniesRatherThanLockingIt() {
    Policy policy = limit(2, false, Resolve.LOCK_OLDEST);
    AccessRequest asking = pending("r-1", "node/dev-web-1", "db/dev-orders", "node/prod-web-1");

    Decision decision = decide(policy, States.alice(middle, asking), "r-1");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(decision.locks()).isEmpty();
    assertThat(reasonOf(decision, RULE))
        .isEqualTo("request asks for 3 resources, more than the 2 a user may hold at once");
  }

  @Test
  void lockOldest_withCountRoles_weighsRolesToo() {
    Policy policy = limit(3, true, Resolve.LOCK_OLDEST);
    AccessRequest roles = approved("g-1", Duration.ofMinutes(50), "dev-admin", "dev-db");
    AccessRequest asking = pending("r-2", "prod-readonly", "node/prod-web-1");

    Decision decision = decide(policy, States.alice(roles, asking), "r-2");

    assertThat(lockedRequests(decision)).containsExactly("g-1");
    assertThat(decision.locks().get(0).message()).contains("4 roles and resources");
  }

  @Test
  void lockOldest_withoutCountRoles_roleOnlyGrantsWeighNothing() {
    AccessRequest roles = approved("g-0", Duration.ofMinutes(55), "dev-admin", "dev-db");
    AccessRequest third = pending("r-3", "node/prod-web-2");

    Decision decision = decide(LOCK_OLDEST, States.alice(roles, oldest, middle, third), "r-3");

    assertThat(decision.locks()).isEmpty();
  }

  @Test
  void resync_ofAHumanApprovedExcess_locksTheOldest() {
    AccessRequest fourth = approved("g-4", Duration.ofMinutes(5), "node/prod-web-2");

    Decision decision = resync(LOCK_OLDEST, States.alice(oldest, middle, newest, fourth));

    assertThat(decision.outcome()).isEqualTo(Outcome.NONE);
    assertThat(lockedRequests(decision)).containsExactly("g-1");
  }

  @Test
  void denyNew_whenAFourthResourceIsRequested_deniesNamingHeldTotalAndLimit() {
    AccessRequest fourth = pending("r-4", "node/prod-web-2");

    Decision decision = decide(DENY_NEW, States.alice(oldest, middle, newest, fourth), "r-4");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(decision.locks()).isEmpty();
    assertThat(reasonOf(decision, RULE))
        .isEqualTo("alice holds 3 resources; 1 more would make 4, above the limit of 3");
    assertThat(decision.actions())
        .containsExactly(
            new Action.Deny(
                fourth.id(),
                RULE + ": alice holds 3 resources; 1 more would make 4, above the limit of 3"));
  }

  @Test
  void denyNew_whenTheRequestFits_approves() {
    AccessRequest third = pending("r-3", "node/prod-web-2");

    Decision decision = decide(DENY_NEW, States.alice(oldest, middle, third), "r-3");

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
  }

  @Test
  void denyNew_inAResync_locksLikeLockOldestBecauseThereIsNothingToDeny() {
    AccessRequest fourth = approved("g-4", Duration.ofMinutes(5), "node/prod-web-2");
    var state = States.alice(oldest, middle, newest, fourth);

    Decision denyNew = resync(DENY_NEW, state);
    Decision lockOldest = resync(LOCK_OLDEST, state);

    assertThat(lockedRequests(denyNew)).containsExactly("g-1");
    assertThat(denyNew.actions()).isEqualTo(lockOldest.actions());
  }

  @Test
  void lockOldest_afterExclusiveEnvironments_countsOnlyWhatSeparationLeft() {
    // The example policy lists the limit first; separation still goes first.
    Policy policy = Policies.example();
    AccessRequest research =
        approved("n-1", Duration.ofMinutes(50), "node/research-gpu-1", "bucket/research-datasets");
    AccessRequest production = pending("r-2", "node/prod-web-1", "node/prod-web-2");

    Decision decision = decide(policy, States.alice(research, production), "r-2");

    // Separation locks n-1; the limit then sees 2 resources and has nothing to do.
    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.locks())
        .extracting(Action.Lock::rule)
        .containsExactly("production-research-separation");
  }

  private static Policy limit(int max, boolean countRoles, Resolve resolve) {
    return Policies.of(new Rule.ActiveResourceLimit(RULE, max, countRoles, resolve));
  }
}
