package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.api.json.Json;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.catalog.ResourceId;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyReplayCommandTest {

  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final String POLICY = EXAMPLES.resolve("policy.yaml").toString();
  private static final String CATALOG = EXAMPLES.resolve("catalog.yaml").toString();
  private static final int REQUESTS = 20_000;

  @TempDir static Path dir;
  private static Path history;
  private static Path stricter;
  private static Catalog catalog;

  @BeforeAll
  static void writeHistory() throws Exception {
    catalog = CatalogLoader.load(CATALOG, Files.readString(Path.of(CATALOG)));
    history = dir.resolve("requests.jsonl");
    HistoryGenerator.write(history, catalog, REQUESTS, 1000, 42);
    stricter = dir.resolve("stricter.yaml");
    Files.writeString(
        stricter,
        Files.readString(Path.of(POLICY))
            .replace("name: default", "name: stricter")
            .replace("    max: 3\n    resolve: lock-oldest", "    max: 2\n    resolve: lock-oldest")
            .replace("max: PT8H", "max: PT4H"));
  }

  @Test
  void replay_samePolicyAsBaseline_changesNothing() throws Exception {
    Cli.Run run =
        Cli.run(
            "policy",
            "replay",
            POLICY,
            "--history",
            history.toString(),
            "--catalog",
            CATALOG,
            "--baseline",
            POLICY,
            "-o",
            "json");

    JsonNode summary = Json.mapper().readTree(run.out());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(summary.path("decisions").asLong()).isEqualTo(REQUESTS);
    assertThat(summary.path("sameOutcome").asLong()).isEqualTo(REQUESTS);
    assertThat(summary.path("changed").asLong()).isZero();
    assertThat(summary.path("candidateLocks").asLong())
        .isEqualTo(summary.path("baselineLocks").asLong())
        .isPositive();
  }

  @Test
  void replay_stricterCandidate_matchesASimulationBuiltOnDecideDirectly() throws Exception {
    Cli.Run run = replay("--baseline", POLICY, "-o", "json", "--all");

    JsonNode summary = Json.mapper().readTree(run.out());
    Simulation before = Simulation.of(POLICY);
    Simulation after = Simulation.of(stricter.toString());
    Map<String, Long> transitions = new TreeMap<>();
    long changed = 0;
    List<String> changedIds = new ArrayList<>();
    for (String line : Files.readAllLines(history)) {
      AccessRequest request = asPending(Json.mapper().readTree(line));
      Decision was = before.decide(request);
      Decision now = after.decide(request);
      if (was.outcome() != now.outcome()) {
        transitions.merge(was.outcome() + "→" + now.outcome(), 1L, Long::sum);
      }
      if (was.outcome() != now.outcome() || !lockedIds(was).equals(lockedIds(now))) {
        changed++;
        changedIds.add(request.id().value());
      }
    }
    assertThat(run.exit()).as(run.err()).isZero();
    Map<String, Long> reportedTransitions = new TreeMap<>();
    summary
        .path("transitions")
        .fields()
        .forEachRemaining(t -> reportedTransitions.put(t.getKey(), t.getValue().asLong()));
    assertThat(reportedTransitions).isEqualTo(transitions);
    assertThat(summary.path("changed").asLong()).isEqualTo(changed).isPositive();
    assertThat(summary.path("baselineLocks").asLong()).isEqualTo(before.locks);
    assertThat(summary.path("candidateLocks").asLong()).isEqualTo(after.locks);
    List<String> reported = new ArrayList<>();
    summary.path("cases").forEach(c -> reported.add(c.path("request").asText()));
    assertThat(reported).isEqualTo(changedIds);
  }

  @Test
  void replay_humanOutput_summarisesAndShowsTheFirstTenCases() {
    Cli.Run run = replay("--baseline", POLICY);

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("replayed 20000 requests from " + history + " through policy stricter")
        .contains("against policy default")
        .contains("  same outcome      ")
        .contains("    APPROVE → DENY")
        .contains("first 10 changed cases (--all for all):")
        .contains("    before APPROVE")
        .contains("max-duration: request asks for");
    assertThat(run.err()).contains("replayed 20000 requests in");
  }

  @Test
  void replay_exportWithoutBaseline_isRefusedWithTheReason() {
    Cli.Run run = replay();

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("records no decisions to compare with; name a baseline");
  }

  @Test
  void replay_historyOutOfTimeOrder_namesTheLine() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(history).subList(0, 50));
    String tenth = lines.remove(9);
    lines.add(20, tenth);
    Path shuffled = dir.resolve("shuffled.jsonl");
    Files.write(shuffled, lines);

    Cli.Run run =
        Cli.run(
            "policy",
            "replay",
            stricter.toString(),
            "--history",
            shuffled.toString(),
            "--catalog",
            CATALOG,
            "--baseline",
            POLICY);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains(shuffled + ":21: request r-9 was decided at");
  }

  private static Cli.Run replay(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "policy",
                "replay",
                stricter.toString(),
                "--history",
                history.toString(),
                "--catalog",
                CATALOG));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private static AccessRequest asPending(JsonNode line) {
    List<RoleName> roles = new ArrayList<>();
    line.path("roles").forEach(r -> roles.add(RoleName.of(r.asText())));
    List<ResourceId> resources = new ArrayList<>();
    line.path("resources").forEach(r -> resources.add(ResourceId.of(r.asText())));
    return AccessRequest.pending(
        RequestId.of(line.path("id").asText()),
        UserName.of(line.path("user").asText()),
        roles,
        resources,
        line.path("reason").asText(),
        Duration.parse(line.path("ttl").asText()),
        Instant.parse(line.path("created").asText()));
  }

  private static List<String> lockedIds(Decision decision) {
    List<String> ids = new ArrayList<>();
    for (Action.Lock lock : decision.locks()) {
      ids.add(lock.target().kind() + ":" + lock.target().value());
    }
    ids.sort(null);
    return ids;
  }

  /**
   * The simplest simulation this test can write: every request ever seen is kept, nothing is
   * forgotten, and each arrival is decided with {@code decide} at its creation time.
   */
  private static final class Simulation {
    final PolicyEngine engine;
    final Map<UserName, List<AccessRequest>> requests = new HashMap<>();
    final Map<UserName, List<Lock>> locksHeld = new HashMap<>();
    long locks;

    Simulation(Policy policy) {
      this.engine = new PolicyEngine(policy);
    }

    static Simulation of(String file) throws Exception {
      return new Simulation(PolicyLoader.load(file, Files.readString(Path.of(file))));
    }

    Decision decide(AccessRequest pending) {
      List<AccessRequest> mine = requests.computeIfAbsent(pending.user(), u -> new ArrayList<>());
      List<Lock> held = locksHeld.computeIfAbsent(pending.user(), u -> new ArrayList<>());
      List<AccessRequest> all = new ArrayList<>(mine);
      all.add(pending);
      UserState state = new UserState(catalog.userOrUnlisted(pending.user()), all, held, catalog);
      Decision decision = engine.decide(state, pending.id(), pending.created());
      for (Action.Lock lock : decision.locks()) {
        held.removeIf(l -> l.id().equals(lock.id()));
        held.add(new Lock(lock.id(), lock.target(), lock.message(), lock.expires()));
        locks++;
      }
      mine.add(
          decision.outcome() == Outcome.APPROVE
              ? pending.approvedAt(pending.created(), catalog)
              : pending.withState(RequestState.DENIED));
      return decision;
    }
  }
}
