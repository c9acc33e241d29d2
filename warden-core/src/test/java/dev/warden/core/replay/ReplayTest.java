package dev.warden.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Outcome;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReplayTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Catalog catalog;
  private static Policy policy;
  private static Policy stricter;

  @BeforeAll
  static void load() throws Exception {
    Path examples = Path.of("..", "examples");
    catalog = CatalogLoader.load("c", Files.readString(examples.resolve("catalog.yaml")));
    String text = Files.readString(examples.resolve("policy.yaml"));
    policy = PolicyLoader.load("p", text);
    stricter = PolicyLoader.load("s", text.replace("max: PT8H", "max: PT2H"));
  }

  @Test
  void replay_samePolicyOnBothSides_changesNothing() {
    Replay replay = new Replay(policy, policy, catalog, 10);

    history(5000, 50).forEach(replay::accept);

    ReplaySummary summary = replay.summary();
    assertThat(summary.decisions()).isEqualTo(5000);
    assertThat(summary.sameOutcome()).isEqualTo(5000);
    assertThat(summary.changed()).isZero();
    assertThat(summary.cases()).isEmpty();
  }

  @Test
  void acceptAll_onTwoThreads_decidesExactlyWhatAcceptDoesOneByOne() {
    List<RecordedRequest> history = history(20_000, 300);
    Replay oneByOne = new Replay(stricter, policy, catalog, 50);
    Replay batched = new Replay(stricter, policy, catalog, 50);
    ExecutorService second = Executors.newSingleThreadExecutor();

    history.forEach(oneByOne::accept);
    try {
      for (int i = 0; i < history.size(); i += 777) {
        batched.acceptAll(history.subList(i, Math.min(history.size(), i + 777)), second);
      }
    } finally {
      second.shutdownNow();
    }

    assertThat(batched.summary()).isEqualTo(oneByOne.summary());
    assertThat(oneByOne.summary().transitions()).containsKey("APPROVE→DENY");
  }

  @Test
  void acceptAll_countsTheSameWhetherItKeepsNoCaseOrEvery() {
    // Keeping no case, every decision is made without its explanation; keeping every one, every
    // decision is made in full. The counts must not tell the two apart.
    List<RecordedRequest> history = history(20_000, 300);
    ExecutorService second = Executors.newSingleThreadExecutor();
    List<ReplaySummary> summaries = new ArrayList<>();
    try {
      for (int maxCases : new int[] {0, Integer.MAX_VALUE}) {
        Replay replay = new Replay(stricter, policy, catalog, maxCases);
        for (int i = 0; i < history.size(); i += 777) {
          replay.acceptAll(history.subList(i, Math.min(history.size(), i + 777)), second);
        }
        summaries.add(replay.summary());
      }
    } finally {
      second.shutdownNow();
    }

    ReplaySummary none = summaries.get(0);
    ReplaySummary every = summaries.get(1);
    assertThat(none.cases()).isEmpty();
    assertThat(every.cases()).hasSize((int) every.changed()).isNotEmpty();
    assertThat(every.cases().get(0).candidate().rules()).allMatch(rule -> !rule.endsWith(": "));
    assertThat(
            new ReplaySummary(
                none.decisions(),
                none.skipped(),
                none.sameOutcome(),
                none.transitions(),
                none.baselineLocks(),
                none.candidateLocks(),
                none.changed(),
                every.cases()))
        .isEqualTo(every);
    assertThat(every.candidateLocks())
        .as("a history that locks nothing would test little")
        .isPositive();
  }

  @Test
  void acceptAll_againstRecordedDecisions_countsAndKeepsTheSameCasesAsAcceptOneByOne() {
    Random random = new Random(7);
    Outcome[] outcomes = {Outcome.APPROVE, Outcome.DENY, Outcome.ESCALATE};
    List<RecordedRequest> history = new ArrayList<>();
    for (RecordedRequest each : history(20_000, 300)) {
      List<String> locks =
          random.nextInt(10) == 0 ? List.of("r" + random.nextInt(20_000)) : List.of();
      history.add(
          new RecordedRequest(
              each.request(),
              each.at(),
              new RecordedRequest.Recorded(
                  outcomes[random.nextInt(outcomes.length)], List.of("some-rule"), locks)));
    }
    // Few cases fill up within the first batch; many span batches, and end part way through one.
    for (int maxCases : new int[] {3, 2_500}) {
      Replay oneByOne = new Replay(stricter, null, catalog, maxCases);
      Replay batched = new Replay(stricter, null, catalog, maxCases);
      ExecutorService unused = Executors.newSingleThreadExecutor();

      history.forEach(oneByOne::accept);
      try {
        for (int i = 0; i < history.size(); i += 777) {
          batched.acceptAll(history.subList(i, Math.min(history.size(), i + 777)), unused);
        }
      } finally {
        unused.shutdownNow();
      }

      assertThat(batched.summary()).isEqualTo(oneByOne.summary());
      assertThat(oneByOne.summary().cases()).hasSize(maxCases);
    }
  }

  @Test
  void replay_againstRecordedDecisions_comparesWithWhatWasRecorded() {
    Replay replay = new Replay(policy, null, catalog, 10);
    AccessRequest request = pending("r1", "alice", T0, "prod-db");

    replay.accept(
        new RecordedRequest(
            request,
            T0,
            new RecordedRequest.Recorded(Outcome.DENY, List.of("something"), List.of("r0"))));

    ReplaySummary summary = replay.summary();
    assertThat(summary.transitions()).containsExactly(java.util.Map.entry("DENY→APPROVE", 1L));
    assertThat(summary.baselineLocks()).isEqualTo(1);
    assertThat(summary.cases().get(0).baseline().rules()).containsExactly("something");
    assertThat(summary.cases().get(0).candidate().outcome()).isEqualTo(Outcome.APPROVE);
  }

  @Test
  void replay_theSameRequestDecidedAgain_isReplayedOnce() {
    Replay replay = new Replay(policy, policy, catalog, 10);
    AccessRequest request = pending("r1", "alice", T0, "prod-db");

    replay.accept(new RecordedRequest(request, T0, null));
    replay.accept(new RecordedRequest(request, T0.plusSeconds(60), null));

    assertThat(replay.summary().decisions()).isEqualTo(1);
    assertThat(replay.summary().skipped()).isEqualTo(1);
  }

  @Test
  void replay_outOfTimeOrder_isRefusedNamingBothTimes() {
    Replay replay = new Replay(policy, policy, catalog, 10);
    replay.accept(
        new RecordedRequest(pending("r1", "alice", T0, "dev-db"), T0.plusSeconds(10), null));

    assertThatThrownBy(
            () ->
                replay.accept(
                    new RecordedRequest(
                        pending("r2", "bob", T0, "dev-db"), T0.plusSeconds(5), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("request r2 was decided at 2026-01-01T00:00:05Z")
        .hasMessageContaining("(2026-01-01T00:00:10Z)");
  }

  @Test
  void world_longHistory_remembersOnlyWhatCanStillMatter() {
    World world = new World(policy, catalog, World.memoryFor(policy, null));
    List<RecordedRequest> history = history(60_000, 100);
    int most = 0;

    for (RecordedRequest each : history) {
      world.decideIfNew(each.request(), each.at());
      most = Math.max(most, world.remembered());
    }

    // A user asks about every 16 minutes; a day's worth, plus slack before a prune, per user.
    assertThat(most).isLessThan(100 * (24 * 60 / 16 + 16 + 10));
    assertThat(most).isLessThan(history.size() / 4);
  }

  /** Requests a few seconds apart from {@code users} users, of varied size, ttl and reason. */
  private static List<RecordedRequest> history(int count, int users) {
    List<RoleName> roles = catalog.roles().stream().map(Role::name).toList();
    List<ResourceId> resources = catalog.resources().stream().map(Resource::id).toList();
    Random random = new Random(99);
    List<RecordedRequest> history = new ArrayList<>();
    Instant at = T0;
    for (int i = 0; i < count; i++) {
      at = at.plusMillis(500 + random.nextInt(18_000));
      RandomAsk ask = RandomAsk.draw(random, roles, resources);
      AccessRequest request =
          AccessRequest.pending(
              RequestId.of("r" + i),
              UserName.of("u" + random.nextInt(users)),
              ask.roles(),
              ask.resources(),
              random.nextInt(15) == 0 ? "no" : "a reason that is long enough",
              Duration.ofHours(1 + random.nextInt(9)),
              at);
      history.add(new RecordedRequest(request, at, null));
    }
    return history;
  }

  private static AccessRequest pending(String id, String user, Instant created, String role) {
    return AccessRequest.pending(
        RequestId.of(id),
        UserName.of(user),
        List.of(RoleName.of(role)),
        List.of(),
        "a reason that is long enough",
        Duration.ofHours(1),
        created);
  }
}
