package dev.warden.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.RequestId;
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
import dev.warden.core.decision.Outcome;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link World} keeps each user's records as it goes, forgets what can no longer matter and hands
 * {@code decide} only the grants it reads. This checks that none of that shows: on random histories
 * and policies, it decides every request exactly as a world that forgets nothing and builds each
 * user's whole state afresh for every decision.
 */
class WorldPropertiesTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Catalog catalog;

  @BeforeContainer
  static void load() throws Exception {
    catalog = CatalogLoader.load("c", Files.readString(Path.of("..", "examples", "catalog.yaml")));
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void decideIfNew_decidesAsAFullRebuildOfTheUsersState(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 4) int users,
      @ForAll @IntRange(min = 1, max = 48) int windowHours,
      @ForAll @IntRange(min = 1, max = 6) int approvalsPerWindow,
      @ForAll @IntRange(min = 1, max = 5) int activeResources,
      @ForAll boolean denyNew)
      throws Exception {
    Policy policy = policy(windowHours, approvalsPerWindow, activeResources, denyNew);
    World world = new World(policy, catalog, World.memoryFor(policy, null));
    FullRebuild reference = new FullRebuild(policy);
    int approved = 0;

    for (RecordedRequest each : history(new Random(seed), users, 400)) {
      Decision expected = reference.decideIfNew(each.request(), each.at());
      Decision actual = world.decideIfNew(each.request(), each.at());

      assertThat(actual).as("%s at %s", each.request().id(), each.at()).isEqualTo(expected);
      approved += expected != null && expected.outcome() == Outcome.APPROVE ? 1 : 0;
    }
    assertThat(approved).as("a history that grants nothing would test little").isPositive();
  }

  private static Policy policy(int windowHours, int approvals, int active, boolean denyNew)
      throws Exception {
    String text =
        """
        apiVersion: warden/v1
        kind: Policy
        name: generated
        mode: enforce
        default: approve
        environments:
          label: env
        rules:
          - name: max-resources-per-request
            type: request-resource-limit
            max: 3
          - name: max-active-resources
            type: active-resource-limit
            max: %d
            resolve: %s
          - name: production-research-separation
            type: exclusive-environments
            environments: [production, research]
            resolve: %s
          - name: max-duration
            type: max-ttl
            max: PT8H
          - name: reason-required
            type: require-reason
            minLength: 10
          - name: auto-approval-budget
            type: approval-rate-limit
            max: %d
            window: PT%dH
        """
            .formatted(
                active,
                denyNew ? "deny-new" : "lock-oldest",
                denyNew ? "deny-new" : "lock-older",
                approvals,
                windowHours);
    return PolicyLoader.load("generated.yaml", text);
  }

  /**
   * Requests of a few users, mostly minutes apart with now and then a gap of up to two days, so
   * that grants expire, windows pass and records are pruned. Some are the same request decided
   * again within the hour, which both worlds must recognise.
   */
  private static List<RecordedRequest> history(Random random, int users, int count) {
    List<RoleName> roles = catalog.roles().stream().map(Role::name).toList();
    List<ResourceId> resources = catalog.resources().stream().map(Resource::id).toList();
    List<RecordedRequest> history = new ArrayList<>();
    Instant at = T0;
    for (int i = 0; i < count; i++) {
      at =
          at.plusSeconds(
              random.nextInt(30) == 0 ? random.nextInt(48 * 3600) : random.nextInt(1800));
      if (!history.isEmpty() && random.nextInt(10) == 0) {
        AccessRequest again =
            history.get(history.size() - 1 - random.nextInt(Math.min(5, history.size()))).request();
        if (!at.isAfter(again.created().plus(Duration.ofMinutes(50)))) {
          history.add(new RecordedRequest(again, at, null));
          continue;
        }
      }
      RandomAsk ask = RandomAsk.draw(random, roles, resources);
      AccessRequest request =
          AccessRequest.pending(
              RequestId.of("r" + i),
              UserName.of("u" + random.nextInt(users)),
              ask.roles(),
              ask.resources(),
              random.nextInt(15) == 0 ? "no" : "a reason that is long enough",
              Duration.ofMinutes(30 + random.nextInt(10 * 60)),
              at);
      history.add(new RecordedRequest(request, at, null));
    }
    return history;
  }

  /**
   * The simplest world that could be right: it remembers every request and lock for good, and gives
   * {@code decide} everything it holds about the user, the pending request last.
   */
  private static final class FullRebuild {
    private final PolicyEngine engine;
    private final Map<UserName, List<AccessRequest>> approved = new HashMap<>();
    private final Map<UserName, List<Lock>> locks = new HashMap<>();
    private final Set<RequestId> seen = new HashSet<>();

    FullRebuild(Policy policy) {
      this.engine = new PolicyEngine(policy);
    }

    @Nullable Decision decideIfNew(AccessRequest pending, Instant at) {
      if (!seen.add(pending.id())) {
        return null;
      }
      List<AccessRequest> granted =
          approved.computeIfAbsent(pending.user(), u -> new ArrayList<>());
      List<Lock> held = locks.computeIfAbsent(pending.user(), u -> new ArrayList<>());
      List<AccessRequest> requests = new ArrayList<>(granted);
      requests.add(pending);
      UserState state =
          new UserState(catalog.userOrUnlisted(pending.user()), requests, held, catalog);

      Decision decision = engine.decide(state, pending.id(), at);

      for (Action action : decision.actions()) {
        if (action instanceof Action.Lock lock) {
          held.removeIf(l -> l.id().equals(lock.id()));
          held.add(new Lock(lock.id(), lock.target(), lock.message(), lock.expires()));
        }
      }
      if (decision.outcome() == Outcome.APPROVE) {
        granted.add(pending.approvedAt(at, catalog));
      }
      return decision;
    }
  }
}
