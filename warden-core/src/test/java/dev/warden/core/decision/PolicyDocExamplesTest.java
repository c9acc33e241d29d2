package dev.warden.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import dev.warden.core.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worked examples of docs/policy.md, one test each, with the shipped example policy and catalog
 * loaded from examples/.
 */
class PolicyDocExamplesTest {

  private static final Instant NOON = Instant.parse("2026-01-01T12:00:00Z");

  private static Catalog catalog;
  private static PolicyEngine engine;

  @BeforeAll
  static void loadExamples() throws Exception {
    Path file = Path.of("..", "examples", "catalog.yaml");
    catalog = CatalogLoader.load(file.toString(), Files.readString(file));
    Path policy = Path.of("..", "examples", "policy.yaml");
    engine = new PolicyEngine(PolicyLoader.load(policy.toString(), Files.readString(policy)));
  }

  @Test
  void tooManyResources_isDeniedNamingCountAndLimit() {
    AccessRequest request =
        pending(
            "r1",
            "alice",
            List.of(),
            List.of("node/prod-web-1", "node/prod-web-2", "db/prod-orders", "db/prod-payments"));

    Decision decision = engine.decide(state("alice", request), request.id(), NOON);

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(decision.matches())
        .containsExactly(
            new RuleMatch(
                "max-resources-per-request", "request asks for 4 resources; the limit is 3"));
  }

  @Test
  void twoExclusiveEnvironmentsInOneRequest_isDenied() {
    AccessRequest request =
        pending("r1", "alice", List.of("prod-db", "research-notebook"), List.of());

    Decision decision = engine.decide(state("alice", request), request.id(), NOON);

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(decision.matches())
        .containsExactly(
            new RuleMatch(
                "production-research-separation",
                "request spans production and research, which must not be held together"));
  }

  @Test
  void researchAfterProduction_locksProductionUntilItWouldHaveExpired() {
    AccessRequest production = approved("r1", "alice", "prod-db", "2026-01-01T10:00:00Z");
    AccessRequest research = pending("r2", "alice", List.of("research-notebook"), List.of());

    Decision decision = engine.decide(state("alice", production, research), research.id(), NOON);

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.actions()).hasSize(2);
    Action.Lock lock = (Action.Lock) decision.actions().get(0);
    assertThat(lock.id()).isEqualTo(LockId.of("warden-production-research-separation-r1"));
    assertThat(lock.target()).isEqualTo(new LockTarget.Request(RequestId.of("r1")));
    assertThat(lock.expires()).isEqualTo(Instant.parse("2026-01-01T18:00:00Z"));
    assertThat(decision.actions().get(1)).isInstanceOf(Action.Approve.class);
    assertThat(decision.after().active()).containsExactly(RequestId.of("r2"));
    assertThat(decision.after().locked()).containsExactly(RequestId.of("r1"));
  }

  @Test
  void fourthActiveResource_locksTheOldestGrant() {
    List<AccessRequest> requests = bobsThreeGrants();
    AccessRequest fourth = pending("r4", "bob", List.of(), List.of("bucket/research-datasets"));
    requests.add(fourth);

    Decision decision = engine.decide(state("bob", requests), fourth.id(), NOON);

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.locks())
        .extracting(Action.Lock::id)
        .containsExactly(LockId.of("warden-max-active-resources-r1"));
    assertThat(decision.actions().get(decision.actions().size() - 1))
        .isEqualTo(new Action.Approve(fourth.id(), "complies with every rule of policy default"));
  }

  @Test
  void lockedGrant_doesNotCountTowardTheLimit() {
    List<AccessRequest> requests = bobsThreeGrants();
    AccessRequest fourth = pending("r4", "bob", List.of(), List.of("bucket/research-datasets"));
    requests.add(fourth);
    Lock onFirst =
        new Lock(
            LockId.of("manual-r1"), new LockTarget.Request(RequestId.of("r1")), "paused", null);

    Decision decision =
        engine.decide(
            new UserState(
                catalog.userOrUnlisted(UserName.of("bob")), requests, List.of(onFirst), catalog),
            fourth.id(),
            NOON);

    assertThat(decision.outcome()).isEqualTo(Outcome.APPROVE);
    assertThat(decision.locks()).isEmpty();
  }

  @Test
  void shortReason_isDenied() {
    AccessRequest request = withReason(pending("r1", "alice", List.of("dev-db"), List.of()), "fix");

    Decision decision = engine.decide(state("alice", request), request.id(), NOON);

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(decision.matches())
        .containsExactly(
            new RuleMatch(
                "reason-required", "the reason has 3 characters; at least 10 are required"));
  }

  @Test
  void thirdPendingRequest_isDeniedAsHoarding() {
    AccessRequest first = pending("r1", "dave", List.of("dev-db"), List.of());
    AccessRequest second = pending("r2", "dave", List.of("dev-admin"), List.of());
    AccessRequest third = pending("r3", "dave", List.of("prod-readonly"), List.of());

    Decision decision = engine.decide(state("dave", first, second, third), third.id(), NOON);

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
    assertThat(decision.matches())
        .containsExactly(
            new RuleMatch(
                "no-hoarding", "dave already has 2 other pending requests; the limit is 2"));
  }

  @Test
  void usedUpApprovalBudget_escalates() {
    List<AccessRequest> requests = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      AccessRequest old = pending("old" + i, "carol", List.of("dev-db"), List.of());
      requests.add(
          old.approvedAt(Instant.parse("2026-01-01T0" + i + ":00:00Z"), catalog)
              .withState(RequestState.EXPIRED));
    }
    AccessRequest next = pending("r6", "carol", List.of("dev-db"), List.of());
    requests.add(next);

    Decision decision = engine.decide(state("carol", requests), next.id(), NOON);

    assertThat(decision.outcome()).isEqualTo(Outcome.ESCALATE);
    assertThat(decision.actions()).isEmpty();
    assertThat(decision.matches())
        .extracting(RuleMatch::rule)
        .containsExactly("auto-approval-budget");
  }

  @Test
  void resyncAfterHumanApprovedViolation_locksTheOlderEnvironment() {
    AccessRequest research = approved("r1", "alice", "research-notebook", "2026-01-01T09:00:00Z");
    AccessRequest production = approved("r2", "alice", "prod-db", "2026-01-01T10:00:00Z");

    Decision decision = engine.decide(state("alice", research, production), NOON);

    assertThat(decision.outcome()).isEqualTo(Outcome.NONE);
    assertThat(decision.locks())
        .extracting(Action.Lock::id)
        .containsExactly(LockId.of("warden-production-research-separation-r1"));
  }

  private static List<AccessRequest> bobsThreeGrants() {
    List<AccessRequest> requests = new ArrayList<>();
    requests.add(approvedResource("r1", "bob", "node/dev-web-1", "2026-01-01T09:00:00Z"));
    requests.add(approvedResource("r2", "bob", "db/dev-orders", "2026-01-01T10:00:00Z"));
    requests.add(approvedResource("r3", "bob", "node/research-gpu-1", "2026-01-01T11:00:00Z"));
    return requests;
  }

  private static UserState state(String user, AccessRequest... requests) {
    return state(user, List.of(requests));
  }

  private static UserState state(String user, List<AccessRequest> requests) {
    return new UserState(catalog.userOrUnlisted(UserName.of(user)), requests, List.of(), catalog);
  }

  private static AccessRequest pending(
      String id, String user, List<String> roles, List<String> resources) {
    return AccessRequest.pending(
        RequestId.of(id),
        UserName.of(user),
        roles.stream().map(RoleName::of).toList(),
        resources.stream().map(ResourceId::of).toList(),
        "INC-42 debugging the checkout",
        Duration.ofHours(4),
        NOON.minusSeconds(60));
  }

  private static AccessRequest withReason(AccessRequest request, String reason) {
    return AccessRequest.pending(
        request.id(),
        request.user(),
        request.roles(),
        request.resources(),
        reason,
        request.ttl(),
        request.created());
  }

  private static AccessRequest approved(String id, String user, String role, String at) {
    AccessRequest request =
        AccessRequest.pending(
            RequestId.of(id),
            UserName.of(user),
            List.of(RoleName.of(role)),
            List.of(),
            "INC-42 debugging the checkout",
            Duration.ofHours(8),
            Instant.parse(at).minusSeconds(300));
    return request.approvedAt(Instant.parse(at), catalog);
  }

  private static AccessRequest approvedResource(
      String id, String user, String resource, String at) {
    AccessRequest request =
        AccessRequest.pending(
            RequestId.of(id),
            UserName.of(user),
            List.of(),
            List.of(ResourceId.of(resource)),
            "INC-42 debugging the checkout",
            Duration.ofHours(8),
            Instant.parse(at).minusSeconds(300));
    return request.approvedAt(Instant.parse(at), catalog);
  }
}
