package dev.warden.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.ProblemException;
import dev.warden.api.client.WatchStream;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in role against every kind of call: allowed calls succeed, all others are 403 with a
 * problem naming the missing permission.
 */
class AuthorizationTest {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static TestBroker broker;
  private static BrokerClient admin;
  private static Map<String, BrokerClient> clients;

  /** What each role may do; every operation not listed for a role must be forbidden. */
  private static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "admin",
          Set.of(
              "whoami",
              "catalog",
              "create-own",
              "create-for-other",
              "list-own",
              "list-other",
              "get-own",
              "get-other",
              "review-other",
              "review-own",
              "list-locks",
              "get-lock",
              "create-warden-lock",
              "create-other-lock",
              "delete-warden-lock",
              "events",
              "watch",
              "access"),
          "watcher",
          Set.of(
              "whoami",
              "catalog",
              "list-own",
              "list-other",
              "get-own",
              "get-other",
              "review-other",
              "review-own",
              "list-locks",
              "get-lock",
              "create-warden-lock",
              "delete-warden-lock",
              "watch",
              "access"),
          "requester",
          Set.of("whoami", "catalog", "create-own", "list-own", "get-own"),
          "reviewer",
          Set.of(
              "whoami",
              "catalog",
              "create-own",
              "list-own",
              "list-other",
              "get-own",
              "get-other",
              "review-other"));

  private interface Operation {
    void run(String role, BrokerClient client) throws Exception;
  }

  private static final Map<String, Operation> OPERATIONS = new java.util.LinkedHashMap<>();

  static {
    OPERATIONS.put("whoami", (role, c) -> c.whoami());
    OPERATIONS.put("catalog", (role, c) -> c.catalog());
    OPERATIONS.put("create-own", (role, c) -> c.createRequest(request(null)));
    OPERATIONS.put("create-for-other", (role, c) -> c.createRequest(request(UserName.of("bob"))));
    OPERATIONS.put("list-own", (role, c) -> c.listRequests(null, UserName.of(name(role))));
    OPERATIONS.put("list-other", (role, c) -> c.listRequests(null, UserName.of("bob")));
    OPERATIONS.put("get-own", (role, c) -> c.getRequest(requestFor(name(role)).id()));
    OPERATIONS.put("get-other", (role, c) -> c.getRequest(requestFor("bob").id()));
    OPERATIONS.put("review-other", (role, c) -> c.review(requestFor("bob").id(), approve()));
    OPERATIONS.put("review-own", (role, c) -> c.review(requestFor(name(role)).id(), approve()));
    OPERATIONS.put("list-locks", (role, c) -> c.listLocks());
    OPERATIONS.put("get-lock", (role, c) -> c.getLock(lock("warden-existing-")));
    OPERATIONS.put("create-warden-lock", (role, c) -> c.createLock(newLock("warden-" + next())));
    OPERATIONS.put("create-other-lock", (role, c) -> c.createLock(newLock("ops-" + next())));
    OPERATIONS.put("delete-warden-lock", (role, c) -> c.deleteLock(lock("warden-doomed-")));
    OPERATIONS.put("events", (role, c) -> c.events(0));
    OPERATIONS.put(
        "watch",
        (role, c) -> {
          try (WatchStream stream = c.watch(0)) {
            assertThat(stream.resourceVersion()).isZero();
          }
        });
    OPERATIONS.put("access", (role, c) -> c.access(UserName.of("bob")));
  }

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
    admin = broker.client("root", "admin");
    clients = new java.util.HashMap<>();
    for (String role : ALLOWED.keySet()) {
      clients.put(role, broker.client(name(role), role));
    }
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (String role : List.of("admin", "watcher", "requester", "reviewer")) {
      for (String operation : OPERATIONS.keySet()) {
        cases.add(Arguments.of(role, operation, ALLOWED.get(role).contains(operation)));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} allowed={2}")
  @MethodSource("cases")
  void role_mayDoExactlyWhatItsPermissionsSay(String role, String operation, boolean allowed)
      throws Exception {
    BrokerClient client = clients.get(role);

    Throwable failure = null;
    try {
      OPERATIONS.get(operation).run(role, client);
    } catch (ProblemException e) {
      failure = e;
    }

    if (allowed) {
      assertThat(failure).as("%s %s", role, operation).isNull();
    } else {
      assertThat(failure).as("%s %s", role, operation).isInstanceOf(ProblemException.class);
      ProblemException problem = (ProblemException) failure;
      assertThat(problem.status()).isEqualTo(403);
      assertThat(problem.problem().permission()).isNotBlank();
      assertThat(problem.problem().detail()).contains(problem.problem().permission());
    }
  }

  private static String name(String role) {
    return "id-" + role;
  }

  private static int next() {
    return SEQUENCE.incrementAndGet();
  }

  private static NewRequest request(UserName user) {
    return new NewRequest(
        user, List.of(RoleName.of("dev-db")), List.of(), "work", Duration.ofHours(1));
  }

  private static RequestObject requestFor(String user) {
    return admin.createRequest(request(UserName.of(user)));
  }

  private static NewReview approve() {
    return new NewReview(ReviewDecision.APPROVE, "ok", null);
  }

  private static NewLock newLock(String id) {
    return new NewLock(LockId.of(id), new LockTarget.User(UserName.of("nobody")), "test", null);
  }

  /** A lock that exists, made by the admin with a fresh id under {@code prefix}. */
  private static LockId lock(String prefix) {
    LockId id = LockId.of(prefix + next());
    admin.createLock(newLock(id.value()));
    return id;
  }
}
