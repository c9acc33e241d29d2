package dev.warden.cli.reliability;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerException;
import dev.warden.api.client.ProblemException;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.cli.bench.BenchCatalog;
import dev.warden.cli.bench.BenchPolicy;
import dev.warden.cli.bench.LoadPlan;
import dev.warden.cli.bench.Replay;
import dev.warden.cli.e2e.WardenProcess;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.catalog.UserName;
import dev.warden.core.yaml.InvalidFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The load of a reliability scenario: the bench's seeded mix of compliant, over-limit,
 * cross-environment and abusive requests, over the bench's generated catalog and the shipped policy
 * with its approval budget raised, sent open-loop at a fixed rate while the scenario injects its
 * faults, and the replay of {@code decide} that says how each request must end.
 *
 * <p>Unlike the bench, a send that fails because the broker is down is retried until it is
 * accepted: a scenario that kills the broker still wants every planned request in the broker. A
 * retry after a lost answer can create a request twice; that is harmless here, because the load's
 * requests are read back from the broker (not from the answers) before they are predicted and
 * checked.
 */
public final class ReliabilityLoad {

  private static final int MAX_IN_FLIGHT = 32;
  private static final Duration RETRY = Duration.ofMillis(200);
  private static final Duration SEND_GIVE_UP = Duration.ofSeconds(90);

  private final BenchPolicy policy;
  private final Catalog catalog;
  private final String catalogText;
  private final LoadPlan plan;
  private final Set<UserName> users;
  private final Set<RequestId> seeds = ConcurrentHashMap.newKeySet();
  private final AtomicLong retries = new AtomicLong();
  private final Set<RequestId> acknowledged = ConcurrentHashMap.newKeySet();
  private final List<String> failures = new ArrayList<>();
  private List<RequestObject> before = List.of();
  private List<LockObject> locksBefore = List.of();

  private ReliabilityLoad(
      BenchPolicy policy, Catalog catalog, String catalogText, LoadPlan plan, List<UserName> all) {
    this.policy = policy;
    this.catalog = catalog;
    this.catalogText = catalogText;
    this.plan = plan;
    this.users = Set.copyOf(all);
  }

  /**
   * Plans {@code requests} requests at {@code rate} per second over {@code userCount} users, for a
   * scenario whose watcher keeps up with the load: the shipped policy with its approval budget
   * raised above what an ordinary user asks for, and abusive users brought to that budget.
   *
   * @param horizon how late, at worst, the scenario's watcher decides (its faults included); the
   *     plan refuses to space one user's requests so closely that the prediction would depend on
   *     how the watcher batches them
   */
  public static ReliabilityLoad plan(
      int userCount, long requests, double rate, Duration horizon, long seed)
      throws IOException, InvalidFileException {
    List<UserName> users = BenchCatalog.users(userCount, "user-");
    String catalogText = BenchCatalog.yaml(users);
    Catalog catalog = CatalogLoader.load("catalog.yaml", catalogText);
    BenchPolicy given = BenchPolicy.of("policy.yaml", shippedPolicy());
    LoadPlan first = LoadPlan.of(users, catalog, given, rate, horizon, seed);
    long perUser = first.ordinaryRequestsPerUser(requests);
    BenchPolicy raised = given.withApprovalBudgetAtLeast((int) perUser + 1);
    LoadPlan plan = LoadPlan.of(users, catalog, raised, rate, horizon, seed);
    return new ReliabilityLoad(raised, catalog, catalogText, plan, users);
  }

  /**
   * Plans a load for a scenario whose watcher may be down for any length of time: the shipped
   * policy without its pending limit, and with an approval budget that two thirds of an ordinary
   * user's requests reach, so that the rest escalate.
   *
   * <p>The pending limit goes because it alone makes a decision depend on how many of a user's
   * requests wait together, which a watcher killed every second or two makes arbitrary; every other
   * rule decides a user's requests the same whether they come one by one or in one pass (see {@link
   * LoadPlan}), so the prediction holds however long the watcher was away. Without the pending
   * limit the plan has no abusive users; the escalations come from the budget instead.
   */
  public static ReliabilityLoad planForAnyDelay(
      int userCount, long requests, double rate, long seed)
      throws IOException, InvalidFileException {
    List<UserName> users = BenchCatalog.users(userCount, "user-");
    String catalogText = BenchCatalog.yaml(users);
    Catalog catalog = CatalogLoader.load("catalog.yaml", catalogText);
    BenchPolicy given = BenchPolicy.of("policy.yaml", withoutPendingLimit(shippedPolicy()));
    Duration anyHorizon = Duration.ofDays(1);
    LoadPlan first = LoadPlan.of(users, catalog, given, rate, anyHorizon, seed);
    long perUser = first.ordinaryRequestsPerUser(requests);
    BenchPolicy budget = given.withApprovalBudgetAtLeast((int) (perUser * 2 / 3));
    LoadPlan plan = LoadPlan.of(users, catalog, budget, rate, anyHorizon, seed);
    return new ReliabilityLoad(budget, catalog, catalogText, plan, users);
  }

  private static String shippedPolicy() throws IOException {
    return Files.readString(WardenProcess.root().resolve("examples/policy.yaml"));
  }

  /** The policy's text without its pending-limit rule (the rule's lines, from its name on). */
  static String withoutPendingLimit(String text) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    int type = lines.indexOf("    type: pending-limit");
    if (type < 1 || !lines.get(type - 1).startsWith("  - name: ")) {
      throw new IllegalStateException(
          "bug: the shipped policy no longer has its pending-limit rule in the expected form");
    }
    int end = type + 1;
    while (end < lines.size() && lines.get(end).startsWith("    ")) {
      end++;
    }
    lines.subList(type - 1, end).clear();
    return String.join("\n", lines);
  }

  public String catalogText() {
    return catalogText;
  }

  public String policyText() {
    return policy.text();
  }

  public BenchPolicy policy() {
    return policy;
  }

  public Catalog catalog() {
    return catalog;
  }

  /** Creates requests retried so far because the broker could not be reached. */
  public long retries() {
    return retries.get();
  }

  /**
   * Brings every abusive user to the approval budget, approving the seeds as admin (a watcher may
   * approve one first; it ends approved either way), then notes the broker's state the load starts
   * from.
   */
  public void prepare(BrokerClient admin, Duration settle) throws InterruptedException {
    for (UserName abuser : plan.abusers()) {
      for (NewRequest seed : plan.seeds(abuser, policy.approvalBudget())) {
        RequestObject created = admin.createRequest(seed);
        seeds.add(created.id());
        try {
          admin.review(
              created.id(), new NewReview(ReviewDecision.APPROVE, "reliability: seed", null));
        } catch (ProblemException.ConflictException e) {
          // The watcher approved it first.
        }
      }
    }
    Thread.sleep(settle);
    before = admin.listRequests().items();
    locksBefore = admin.listLocks().items();
  }

  /**
   * Sends {@code total} requests at {@code rate} per second; each is retried while the broker
   * cannot be reached. Returns how many the broker answered as created.
   */
  public long send(Supplier<BrokerClient> client, long total, double rate)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    AtomicLong created = new AtomicLong();
    double periodNanos = 1e9 / rate;
    long start = System.nanoTime();
    for (long i = 0; i < total; i++) {
      LoadPlan.Planned planned = plan.next();
      long due = start + (long) (i * periodNanos);
      long left;
      while ((left = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(left);
      }
      inFlight.acquire();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  sendOne(client, planned.toNewRequest());
                  created.incrementAndGet();
                } finally {
                  inFlight.release();
                }
              });
    }
    inFlight.acquire(MAX_IN_FLIGHT);
    synchronized (failures) {
      if (!failures.isEmpty()) {
        throw new AssertionError(
            failures.size() + " requests of the load failed; the first: " + failures.getFirst());
      }
    }
    return created.get();
  }

  private void sendOne(Supplier<BrokerClient> client, NewRequest request) {
    long deadline = System.nanoTime() + SEND_GIVE_UP.toNanos();
    while (true) {
      try {
        acknowledged.add(client.get().createRequest(request).id());
        return;
      } catch (ProblemException e) {
        if (e.status() < 500 || System.nanoTime() > deadline) {
          fail(request, e);
          return;
        }
      } catch (BrokerException e) {
        if (System.nanoTime() > deadline) {
          fail(request, e);
          return;
        }
      }
      retries.incrementAndGet();
      WardenProcess.sleep(RETRY);
    }
  }

  private void fail(NewRequest request, RuntimeException e) {
    synchronized (failures) {
      failures.add(request.user() + ": " + e.getMessage());
    }
  }

  /** The load's requests as the broker holds them: the users' requests, less seeds and earlier. */
  public List<RequestObject> created(BrokerClient admin) {
    Set<RequestId> earlier = new HashSet<>();
    before.forEach(r -> earlier.add(r.id()));
    List<RequestObject> load = new ArrayList<>();
    for (RequestObject request : admin.listRequests().items()) {
      if (users.contains(request.user())
          && !seeds.contains(request.id())
          && !earlier.contains(request.id())) {
        load.add(request);
      }
    }
    return load;
  }

  /**
   * What the replay of {@code decide} predicts for each request of the load, from the requests as
   * they were created (the broker's listing of {@link #created} shows them decided).
   */
  public Map<RequestId, Replay.Prediction> predict(List<RequestObject> created) {
    Replay replay = new Replay(policy.policy(), catalog);
    replay.seed(before, locksBefore);
    replay.replay(created.stream().map(ReliabilityLoad::asCreated).toList());
    Instant at = Instant.now();
    Map<RequestId, Replay.Prediction> predicted = new HashMap<>();
    for (RequestObject request : created) {
      predicted.put(request.id(), replay.prediction(request.id(), at));
    }
    return predicted;
  }

  /**
   * The request as its create call answered it: pending, with none of what the watcher did since,
   * which is what the replay must start from.
   */
  private static RequestObject asCreated(RequestObject now) {
    return new RequestObject(
        now.id(),
        now.user(),
        now.roles(),
        now.resources(),
        now.reason(),
        now.ttl(),
        RequestState.PENDING,
        now.created(),
        null,
        null,
        false,
        false,
        List.of(),
        now.resourceVersion());
  }

  /**
   * What the load left once the watchers caught up.
   *
   * @param unsettled requests still not as predicted when the wait ended
   * @param took how long the watchers took to catch up after the load
   */
  public record Settled(
      List<RequestObject> created,
      Map<RequestId, Replay.Prediction> predicted,
      long unsettled,
      Duration took) {}

  /** Reads the load back, predicts it, and waits up to {@code timeout} for the broker to match. */
  public Settled settle(BrokerClient admin, Duration timeout) {
    long start = System.nanoTime();
    List<RequestObject> created = created(admin);
    Map<RequestId, Replay.Prediction> predicted = predict(created);
    long unsettled = awaitPredicted(admin, predicted, timeout);
    return new Settled(created, predicted, unsettled, Duration.ofNanos(System.nanoTime() - start));
  }

  /** What the invariants check after this load. */
  public Invariants.Run run(
      BrokerClient admin, Settled settled, Set<String> watchers, List<java.nio.file.Path> logs) {
    Set<RequestId> ids = new HashSet<>();
    settled.created().forEach(r -> ids.add(r.id()));
    return new Invariants.Run(
        admin, policy.policy(), catalog, ids, acknowledged, settled.predicted(), watchers, logs);
  }

  /**
   * Waits until the broker shows every request of the load as predicted, or the time is up; returns
   * how many still differ (the invariants then say which).
   */
  public long awaitPredicted(
      BrokerClient admin, Map<RequestId, Replay.Prediction> predicted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long differing = 0;
      for (RequestObject request : admin.listRequests().items()) {
        Replay.Prediction expected = predicted.get(request.id());
        if (expected != null
            && (expected.state() != request.state() || expected.locked() != request.locked())) {
          differing++;
        }
      }
      if (differing == 0 || System.nanoTime() > deadline) {
        return differing;
      }
      WardenProcess.sleep(Duration.ofMillis(500));
    }
  }
}
