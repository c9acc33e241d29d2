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
import dev.warden.broker.ca.SigningRequests;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in role against every kind of call, over HTTPS with real certificates, as the table
 * in docs/identity.md documents it: allowed calls succeed, all others are 403 with a problem naming
 * the missing permission in the broker's vocabulary.
 *
 * <p>The expected outcomes are read from the documentation, so the table cannot drift from what the
 * broker does, and every call the test knows must have a row there.
 */
class AuthorizationTest {

  private static final Path DOC = Path.of("..", "docs", "identity.md");
  private static final List<String> ROLES = List.of("admin", "watcher", "requester", "reviewer");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final Map<String, Operation> OPERATIONS = new LinkedHashMap<>();

  private static TestBroker broker;
  private static BrokerClient admin;
  private static Map<String, BrokerClient> clients;

  private interface Operation {
    void run(String role, BrokerClient client) throws Exception;
  }

  static {
    OPERATIONS.put("whoami", (role, c) -> c.whoami());
    OPERATIONS.put(
        "renew",
        (role, c) -> c.renew(SigningRequests.create(SigningRequests.newKeyPair(), name(role))));
    OPERATIONS.put("read-catalog", (role, c) -> c.catalog());
    OPERATIONS.put("create-own-request", (role, c) -> c.createRequest(request(null)));
    OPERATIONS.put(
        "create-request-for-other", (role, c) -> c.createRequest(request(UserName.of("bob"))));
    OPERATIONS.put("list-own-requests", (role, c) -> c.listRequests(null, UserName.of(name(role))));
    OPERATIONS.put("list-requests", (role, c) -> c.listRequests(null, UserName.of("bob")));
    OPERATIONS.put("read-own-request", (role, c) -> c.getRequest(requestFor(name(role)).id()));
    OPERATIONS.put("read-other-request", (role, c) -> c.getRequest(requestFor("bob").id()));
    OPERATIONS.put(
        "review-other-request", (role, c) -> c.review(requestFor("bob").id(), approve()));
    OPERATIONS.put(
        "review-own-request", (role, c) -> c.review(requestFor(name(role)).id(), approve()));
    OPERATIONS.put(
        "watch",
        (role, c) -> {
          try (WatchStream stream = c.watch(0)) {
            assertThat(stream.resourceVersion()).isZero();
          }
        });
    OPERATIONS.put("list-locks", (role, c) -> c.listLocks());
    OPERATIONS.put("read-lock", (role, c) -> c.getLock(lock("warden-existing-")));
    OPERATIONS.put("create-warden-lock", (role, c) -> c.createLock(newLock("warden-" + next())));
    OPERATIONS.put("create-other-lock", (role, c) -> c.createLock(newLock("ops-" + next())));
    OPERATIONS.put("delete-warden-lock", (role, c) -> c.deleteLock(lock("warden-doomed-")));
    OPERATIONS.put("delete-other-lock", (role, c) -> c.deleteLock(lock("ops-doomed-")));
    OPERATIONS.put("access", (role, c) -> c.access(UserName.of("bob")));
    OPERATIONS.put("list-events", (role, c) -> c.events(0));
    OPERATIONS.put("list-identities", (role, c) -> c.identities());
    OPERATIONS.put("read-identity", (role, c) -> c.identity("root"));
    OPERATIONS.put(
        "delete-identity",
        (role, c) -> {
          String doomed = "doomed-" + next();
          broker.issue(doomed, "requester");
          c.deleteIdentity(doomed);
        });
  }

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
    admin = broker.client("root", "admin");
    clients = new HashMap<>();
    for (String role : ROLES) {
      clients.put(role, broker.client(name(role), role));
    }
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  static Stream<Arguments> cases() throws Exception {
    Map<String, Map<String, Boolean>> documented = documentedTable();
    List<Arguments> cases = new ArrayList<>();
    for (String role : ROLES) {
      for (String operation : OPERATIONS.keySet()) {
        Map<String, Boolean> row = documented.get(operation);
        assertThat(row).as("docs/identity.md has no row for %s", operation).isNotNull();
        cases.add(Arguments.of(role, operation, row.get(role)));
      }
    }
    return cases.stream();
  }

  @Test
  void documentedTable_namesExactlyTheCallsThisTestMakes() throws Exception {
    Map<String, Map<String, Boolean>> documented = documentedTable();

    assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(OPERATIONS.keySet());
    assertThat(documented.values()).allSatisfy(row -> assertThat(row).containsOnlyKeys(ROLES));
  }

  @ParameterizedTest(name = "{0} {1} allowed={2}")
  @MethodSource("cases")
  void role_mayDoExactlyWhatTheDocumentationSays(String role, String operation, boolean allowed)
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
      assertThat(problem.problem().permission())
          .matches(
              "(list|read|watch|create|delete|review)"
                  + " (requests|reviews|locks|catalog|identities|events)");
      assertThat(problem.problem().detail()).contains(problem.problem().permission());
    }
  }

  /**
   * The table between the {@code authorization-table} markers of docs/identity.md: call name (the
   * first cell, in backticks), then yes or no under each role's column.
   */
  private static Map<String, Map<String, Boolean>> documentedTable() throws Exception {
    List<String> lines = Files.readAllLines(DOC);
    int start = lines.indexOf("<!-- authorization-table -->");
    int end = lines.indexOf("<!-- /authorization-table -->");
    assertThat(start).as("the table's start marker in %s", DOC).isNotNegative();
    assertThat(end).as("the table's end marker").isGreaterThan(start);
    List<String> header = cells(lines.get(start + 1));
    Map<String, Map<String, Boolean>> table = new LinkedHashMap<>();
    for (String line : lines.subList(start + 3, end)) {
      List<String> cells = cells(line);
      Map<String, Boolean> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        if (ROLES.contains(header.get(i))) {
          assertThat(cells.get(i)).as("%s under %s", cells.get(0), header.get(i)).isIn("yes", "no");
          row.put(header.get(i), cells.get(i).equals("yes"));
        }
      }
      table.put(cells.get(0).replace("`", ""), row);
    }
    return table;
  }

  private static List<String> cells(String line) {
    String trimmed = line.strip();
    String inner = trimmed.substring(1, trimmed.length() - 1);
    return Stream.of(inner.split("\\|")).map(String::strip).toList();
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
