package dev.warden.core.policy.lint;

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
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Action;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.policy.LoadedPolicy;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.Rule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the lint's central claim on many generated states: removing a rule reported as shadowed
 * never changes a decision's outcome or which grants it locks. Also shows that the order condition
 * for state rules is needed, by finding a state where the reverse order decides differently.
 */
class ShadowingSoundnessTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final int STATES = 4000;

  private static Catalog catalog;
  private static List<String> roles;
  private static List<String> resources;

  @BeforeAll
  static void loadCatalog() throws Exception {
    Path file = Path.of("..", "examples", "catalog.yaml");
    catalog = CatalogLoader.load("c", Files.readString(file));
    roles = catalog.roles().stream().map(Role::name).map(RoleName::value).toList();
    resources = catalog.resources().stream().map(Resource::id).map(ResourceId::value).toList();
  }

  @Test
  void removingAShadowedStateRule_neverChangesOutcomeOrLocks() throws Exception {
    LoadedPolicy loaded =
        load(
            """
            rules:
              - {name: strict, type: active-resource-limit, max: 2, countRoles: true}
              - {name: all, type: exclusive-environments,
                 environments: [production, research, development]}
              - {name: loose, type: active-resource-limit, max: 3, resolve: deny-new}
              - {name: two, type: exclusive-environments, environments: [research, production],
                 resolve: deny-new}
            """);

    assertSoundForEveryFinding(loaded);
  }

  @Test
  void removingShadowedRequestRules_neverChangesOutcomeOrLocks() throws Exception {
    LoadedPolicy loaded =
        load(
            """
            rules:
              - {name: size, type: request-resource-limit, max: 2, countRoles: true}
              - {name: size-loose, type: request-resource-limit, max: 2}
              - {name: ttl, type: max-ttl, max: PT4H}
              - {name: ttl-loose, type: max-ttl, max: PT6H}
              - {name: reason, type: require-reason, minLength: 12}
              - {name: reason-loose, type: require-reason, minLength: 5}
              - {name: pending, type: pending-limit, max: 1}
              - {name: pending-loose, type: pending-limit, max: 2}
              - {name: budget, type: approval-rate-limit, max: 2, window: PT6H}
              - {name: budget-loose, type: approval-rate-limit, max: 3, window: PT2H}
              - {name: limit, type: active-resource-limit, max: 3}
              - {name: separation, type: exclusive-environments,
                 environments: [production, research]}
            """);

    assertSoundForEveryFinding(loaded);
  }

  @Test
  void looserActiveLimitFirst_isNotShadowed_becauseItCanLockMore() throws Exception {
    LoadedPolicy looserFirst =
        load(
            """
            rules:
              - {name: loose, type: active-resource-limit, max: 3}
              - {name: strict, type: active-resource-limit, max: 2}
            """);
    Policy strictOnly = without(looserFirst.policy(), "loose");

    int differences = countDifferences(looserFirst.policy(), strictOnly);

    assertThat(PolicyLint.check(looserFirst, catalog)).isEmpty();
    assertThat(differences).isPositive();
  }

  private static void assertSoundForEveryFinding(LoadedPolicy loaded) {
    List<Finding> findings = PolicyLint.check(loaded, catalog);
    List<String> shadowed =
        findings.stream()
            .filter(f -> f.code().equals(PolicyLint.SHADOWED_RULE))
            .map(Finding::rule)
            .toList();
    assertThat(shadowed).isNotEmpty();

    Policy reduced = loaded.policy();
    for (String rule : shadowed) {
      reduced = without(reduced, rule);
    }

    assertThat(countDifferences(loaded.policy(), reduced)).isZero();
  }

  /** Decides the same generated states under both policies; counts differing decisions. */
  private static int countDifferences(Policy a, Policy b) {
    PolicyEngine first = new PolicyEngine(a);
    PolicyEngine second = new PolicyEngine(b);
    Random random = new Random(20260101);
    int differences = 0;
    for (int i = 0; i < STATES; i++) {
      UserState state = randomState(random);
      RequestId pending = RequestId.of("next");
      Decision one = first.decide(state, pending, NOW);
      Decision two = second.decide(state, pending, NOW);
      Decision resyncOne = first.decide(state, NOW);
      Decision resyncTwo = second.decide(state, NOW);
      if (!sameEffect(one, two) || !sameEffect(resyncOne, resyncTwo)) {
        differences++;
      }
    }
    return differences;
  }

  private static boolean sameEffect(Decision a, Decision b) {
    return a.outcome() == b.outcome() && locked(a).equals(locked(b));
  }

  private static Set<String> locked(Decision decision) {
    Set<String> targets = new TreeSet<>();
    for (Action.Lock lock : decision.locks()) {
      targets.add(lock.target().kind() + ":" + lock.target().value());
    }
    return targets;
  }

  private static UserState randomState(Random random) {
    UserName alice = UserName.of("alice");
    List<AccessRequest> requests = new ArrayList<>();
    int grants = random.nextInt(6);
    for (int i = 0; i < grants; i++) {
      Instant approved = NOW.minus(Duration.ofMinutes(10 + random.nextInt(600)));
      AccessRequest request =
          new AccessRequest(
              RequestId.of("g" + i),
              alice,
              pick(random, roles, random.nextInt(2)),
              pick(random, resources, random.nextInt(3)),
              "reason long enough",
              Duration.ofHours(1 + random.nextInt(10)),
              RequestState.APPROVED,
              approved.minusSeconds(60),
              approved,
              approved.plus(Duration.ofHours(1 + random.nextInt(10))));
      requests.add(ensureNotEmpty(request, random));
    }
    for (int i = 0; i < random.nextInt(3); i++) {
      requests.add(
          AccessRequest.pending(
              RequestId.of("p" + i),
              alice,
              List.of(RoleName.of(roles.get(random.nextInt(roles.size())))),
              List.of(),
              "waiting for a person",
              Duration.ofHours(1),
              NOW.minusSeconds(600)));
    }
    requests.add(
        ensureNotEmpty(
            AccessRequest.pending(
                RequestId.of("next"),
                alice,
                pick(random, roles, random.nextInt(3)),
                pick(random, resources, random.nextInt(4)),
                "x".repeat(random.nextInt(16)),
                Duration.ofHours(1 + random.nextInt(8)),
                NOW),
            random));
    List<Lock> locks = new ArrayList<>();
    if (grants > 0 && random.nextInt(4) == 0) {
      locks.add(
          new Lock(
              LockId.of("manual"),
              new LockTarget.Request(RequestId.of("g" + random.nextInt(grants))),
              "locked by a person",
              null));
    }
    return new UserState(catalog.userOrUnlisted(alice), requests, locks, catalog);
  }

  private static AccessRequest ensureNotEmpty(AccessRequest request, Random random) {
    if (!request.roles().isEmpty() || !request.resources().isEmpty()) {
      return request;
    }
    return new AccessRequest(
        request.id(),
        request.user(),
        List.of(RoleName.of(roles.get(random.nextInt(roles.size())))),
        List.of(),
        request.reason(),
        request.ttl(),
        request.state(),
        request.created(),
        request.approved(),
        request.expires());
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> pick(Random random, List<String> from, int count) {
    List<String> pool = new ArrayList<>(from);
    List<Object> picked = new ArrayList<>();
    for (int i = 0; i < count && !pool.isEmpty(); i++) {
      String name = pool.remove(random.nextInt(pool.size()));
      picked.add(from == roles ? RoleName.of(name) : ResourceId.of(name));
    }
    return (List<T>) picked;
  }

  private static Policy without(Policy policy, String rule) {
    List<Rule> kept = policy.rules().stream().filter(r -> !r.name().equals(rule)).toList();
    return new Policy(
        policy.name(),
        policy.mode(),
        policy.defaultOutcome(),
        policy.environments(),
        kept,
        policy.sha256());
  }

  private static LoadedPolicy load(String rules) throws Exception {
    return PolicyLoader.loadWithPositions(
        "policy.yaml", "apiVersion: warden/v1\nkind: Policy\nname: p\n" + rules);
  }
}
