package dev.warden.cli.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.api.client.BrokerClient;
import dev.warden.api.v1.AuditEvent;
import dev.warden.api.v1.EventList;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.Review;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.cli.bench.Replay;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.Outcome;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.policy.EnvironmentModel;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Rule;
import dev.warden.watcher.log.LogVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The invariants every reliability scenario must keep, checked once the run is over against what
 * the real broker holds (through the admin client), its audit trail, and the watchers' decision
 * logs.
 *
 * <p>Nothing here trusts the watcher's own account: the broker's requests, locks and audit events
 * are the facts, the decision logs are checked against them, and the expected end state comes from
 * the pure {@link PolicyEngine} (replayed by the bench's {@link Replay}) and from re-deciding every
 * user's final state, which must be a fixed point of the policy. The invariants, by name:
 *
 * <ul>
 *   <li>{@code acknowledged-kept}: every request the broker acknowledged creating is still there;
 *   <li>{@code decided-once}: every request of the load ended approved or denied by exactly one
 *       watcher review, or pending because the policy escalates it (and the log says so);
 *   <li>{@code as-predicted}: each request ended as the replay of {@code decide} predicts;
 *   <li>{@code reviewed-once}: no request carries two watcher reviews or two decision events;
 *   <li>{@code locked-once}: no lock was created twice, and no grant is locked by two watcher
 *       locks;
 *   <li>{@code write-ahead}: every review and lock the watcher made has an intent record with its
 *       decision id (or lock id) written before the broker recorded the change, and every outcome
 *       record follows its intent;
 *   <li>{@code log-verifies}: each decision log's hash chain verifies over every restart;
 *   <li>{@code within-policy}: no user ends holding two exclusive environments or more active
 *       resources than the limit, and re-deciding any user's end state changes nothing.
 * </ul>
 */
public final class Invariants {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** At most this many examples of one invariant's violations are kept for the message. */
  private static final int EXAMPLES = 8;

  /**
   * What a run left behind to check.
   *
   * @param load the requests of the load (not the seeds that set abusers up), as created
   * @param acknowledged the requests whose creation the broker answered with 201: each must still
   *     be there, whatever happened to the broker afterwards
   * @param predicted what the replay of {@code decide} expects of each, or empty to skip that check
   * @param watchers the watchers' identity names, as the broker's audit trail names them
   * @param logs every decision log the watchers wrote
   */
  public record Run(
      BrokerClient admin,
      Policy policy,
      Catalog catalog,
      Set<RequestId> load,
      Set<RequestId> acknowledged,
      Map<RequestId, Replay.Prediction> predicted,
      Set<String> watchers,
      List<Path> logs) {

    public Run {
      load = Set.copyOf(load);
      acknowledged = Set.copyOf(acknowledged);
      predicted = Map.copyOf(predicted);
      watchers = Set.copyOf(watchers);
      logs = List.copyOf(logs);
    }

    /** A run whose scenario did not note which creations the broker acknowledged. */
    public Run(
        BrokerClient admin,
        Policy policy,
        Catalog catalog,
        Set<RequestId> load,
        Map<RequestId, Replay.Prediction> predicted,
        Set<String> watchers,
        List<Path> logs) {
      this(admin, policy, catalog, load, Set.of(), predicted, watchers, logs);
    }
  }

  /**
   * The counts of a checked run and what went wrong.
   *
   * @param decisions intent records across all logs: decisions that did something
   * @param violations by invariant name, a few examples each, and the total per name
   */
  public record Report(
      int requests,
      int approved,
      int denied,
      int pending,
      int decisions,
      int locks,
      long logRecords,
      Map<String, Integer> violationCounts,
      Map<String, List<String>> violations) {

    public int violationTotal() {
      return violationCounts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The counts as {@code requests=… approved=… …}, for the scenario's result line. */
    public String counts() {
      return "requests=%d approved=%d denied=%d pending=%d decisions=%d locks=%d log-records=%d"
              .formatted(requests, approved, denied, pending, decisions, locks, logRecords)
          + " violations="
          + violationTotal();
    }

    /** Every violation, grouped by invariant, for a failure message. */
    public String describe() {
      StringBuilder text = new StringBuilder();
      violationCounts.forEach(
          (name, count) -> {
            text.append("\n  ").append(name).append(": ").append(count).append(" violation(s)");
            for (String example : violations.get(name)) {
              text.append("\n    - ").append(example);
            }
          });
      return text.toString();
    }
  }

  private final Run run;
  private final Map<String, Integer> counts = new LinkedHashMap<>();
  private final Map<String, List<String>> examples = new LinkedHashMap<>();
  private final Instant now = Instant.now();

  private Invariants(Run run) {
    this.run = run;
  }

  /** Reads the broker's state and the logs, and checks every invariant. */
  public static Report check(Run run) {
    return new Invariants(run).checkAll();
  }

  private Report checkAll() {
    Map<RequestId, RequestObject> requests = new LinkedHashMap<>();
    for (RequestObject request : run.admin().listRequests().items()) {
      requests.put(request.id(), request);
    }
    List<LockObject> locks = run.admin().listLocks().items();
    List<AuditEvent> audit = auditTrail(run.admin());
    Map<Path, List<JsonNode>> logs = new LinkedHashMap<>();
    for (Path log : run.logs()) {
      logs.put(log, records(log));
    }
    List<JsonNode> records = logs.values().stream().flatMap(List::stream).toList();

    for (RequestId id : run.acknowledged()) {
      if (!requests.containsKey(id)) {
        violation("acknowledged-kept", id + " was acknowledged with 201 but the broker lost it");
      }
    }
    checkDecidedOnce(requests, records);
    checkPredicted(requests);
    checkReviewedOnce(requests, audit);
    checkLockedOnce(locks, audit);
    checkWriteAhead(audit, records);
    long logRecords = checkLogsVerify(logs);
    checkWithinPolicy(requests, locks);

    int approved = 0;
    int denied = 0;
    int pending = 0;
    for (RequestId id : run.load()) {
      RequestObject request = requests.get(id);
      RequestState state = request == null ? null : request.state();
      approved += state == RequestState.APPROVED ? 1 : 0;
      denied += state == RequestState.DENIED ? 1 : 0;
      pending += state == RequestState.PENDING ? 1 : 0;
    }
    int decisions = (int) records.stream().filter(r -> phase(r).equals("intent")).count();
    return new Report(
        run.load().size(),
        approved,
        denied,
        pending,
        decisions,
        locks.size(),
        logRecords,
        Map.copyOf(counts),
        Map.copyOf(examples));
  }

  /**
   * Every request of the load ended decided by one watcher review, or pending because the policy
   * escalates it: re-deciding it on the broker's end state gives ESCALATE, and a watcher logged
   * that escalation.
   */
  private void checkDecidedOnce(Map<RequestId, RequestObject> requests, List<JsonNode> records) {
    Set<String> escalated = new HashSet<>();
    for (JsonNode record : records) {
      if (record.path("outcome").asText().equals("ESCALATE")) {
        escalated.add(record.path("request").asText());
      }
    }
    Map<UserName, UserState> states = userStates(requests, run.admin().listLocks().items());
    PolicyEngine engine = new PolicyEngine(run.policy());
    for (RequestId id : run.load()) {
      RequestObject request = requests.get(id);
      if (request == null) {
        violation("decided-once", id + " was created but the broker no longer lists it");
        continue;
      }
      List<Review> byWatcher = watcherReviews(request);
      switch (request.state()) {
        case APPROVED, DENIED -> {
          if (byWatcher.size() != 1) {
            violation(
                "decided-once",
                id + " is " + request.state() + " with " + byWatcher.size() + " watcher reviews");
          } else if (byWatcher.getFirst().decision() != expectedReview(request.state())) {
            violation("decided-once", id + " is " + request.state() + " but " + byWatcher);
          }
        }
        case PENDING -> {
          Decision decision = engine.decide(states.get(request.user()), id, now);
          if (decision.outcome() != Outcome.ESCALATE) {
            violation(
                "decided-once",
                id + " was left pending, but decide now says " + decision.explanation());
          } else if (!escalated.contains(id.value())) {
            violation("decided-once", id + " is pending but no watcher logged its escalation");
          }
        }
        case EXPIRED ->
            violation("decided-once", id + " expired without a decision: " + request.reviews());
      }
    }
  }

  private void checkPredicted(Map<RequestId, RequestObject> requests) {
    run.predicted()
        .forEach(
            (id, expected) -> {
              RequestObject actual = requests.get(id);
              if (actual == null) {
                return;
              }
              if (actual.state() != expected.state() || actual.locked() != expected.locked()) {
                violation(
                    "as-predicted",
                    "%s of %s: decide predicts %s%s, the broker has %s%s"
                        .formatted(
                            id,
                            actual.user(),
                            expected.state(),
                            expected.locked() ? " locked" : "",
                            actual.state(),
                            actual.locked() ? " locked" : ""));
              }
            });
  }

  /** At most one watcher review, and at most one approval or denial event, per request. */
  private void checkReviewedOnce(Map<RequestId, RequestObject> requests, List<AuditEvent> audit) {
    for (RequestObject request : requests.values()) {
      if (watcherReviews(request).size() > 1) {
        violation("reviewed-once", request.id() + " has reviews " + request.reviews());
      }
    }
    Map<String, Integer> decided = new HashMap<>();
    for (AuditEvent event : audit) {
      if (event.type().equals("REQUEST_APPROVED") || event.type().equals("REQUEST_DENIED")) {
        decided.merge(event.id(), 1, Integer::sum);
      }
    }
    decided.forEach(
        (id, n) -> {
          if (n > 1) {
            violation("reviewed-once", id + " has " + n + " approval/denial events");
          }
        });
  }

  /** Each lock id created once; no grant locked by two watcher locks at once. */
  private void checkLockedOnce(List<LockObject> locks, List<AuditEvent> audit) {
    Map<String, Integer> created = new HashMap<>();
    for (AuditEvent event : audit) {
      if (event.type().equals("LOCK_CREATED")) {
        created.merge(event.id(), 1, Integer::sum);
      }
    }
    created.forEach(
        (id, n) -> {
          if (n > 1) {
            violation("locked-once", "lock " + id + " was created " + n + " times");
          }
        });
    Map<String, List<String>> byTarget = new HashMap<>();
    for (LockObject lock : locks) {
      if (lock.id().value().startsWith("warden-")) {
        byTarget
            .computeIfAbsent(lock.target().toString(), t -> new ArrayList<>())
            .add(lock.id().value());
      }
    }
    byTarget.forEach(
        (target, ids) -> {
          if (ids.size() > 1) {
            violation("locked-once", target + " is locked by " + ids);
          }
        });
  }

  /**
   * Every review and lock by a watcher is preceded by an intent naming it: reviews by decision id
   * (the broker stores it with the review), locks by lock id, since a lock carries none; the
   * intent's time is no later than the broker's event, and each outcome comes after its intent.
   */
  private void checkWriteAhead(List<AuditEvent> audit, List<JsonNode> records) {
    Map<String, JsonNode> intents = new HashMap<>();
    Map<String, List<JsonNode>> intentsByLock = new HashMap<>();
    for (JsonNode record : records) {
      if (!phase(record).equals("intent")) {
        continue;
      }
      intents.put(record.path("decisionId").asText(), record);
      for (JsonNode action : record.path("actions")) {
        if (action.path("type").asText().equals("lock")) {
          intentsByLock
              .computeIfAbsent(
                  lockKey(record, action.path("lockId").asText()), k -> new ArrayList<>())
              .add(record);
        }
      }
    }
    for (JsonNode record : records) {
      if (phase(record).equals("outcome")) {
        JsonNode intent = intents.get(record.path("decisionId").asText());
        if (intent == null || intent.path("seq").asLong() >= record.path("seq").asLong()) {
          violation("write-ahead", "outcome without an earlier intent: " + brief(record));
        }
      }
    }
    for (AuditEvent event : audit) {
      if (!run.watchers().contains(event.actor().name())) {
        continue;
      }
      switch (event.type()) {
        case "REQUEST_APPROVED", "REQUEST_DENIED" -> checkReviewIntent(event, intents);
        case "LOCK_CREATED" -> checkLockIntent(event, intentsByLock);
        default -> {}
      }
    }
  }

  /**
   * A lock as one watcher intended it: the same lock id in another watcher's log does not count.
   */
  private static String lockKey(JsonNode intent, String lockId) {
    return intent.path("identity").path("name").asText() + "/" + lockId;
  }

  private void checkReviewIntent(AuditEvent event, Map<String, JsonNode> intents) {
    JsonNode intent = event.decisionId() == null ? null : intents.get(event.decisionId());
    String type = event.type().equals("REQUEST_APPROVED") ? "approve" : "deny";
    if (intent != null
        && !intent.path("identity").path("name").asText().equals(event.actor().name())) {
      violation("write-ahead", event + " names the decision of another watcher: " + brief(intent));
    } else if (intent == null) {
      violation("write-ahead", event.type() + " of " + event.id() + " has no intent " + event);
    } else if (!intent.path("request").asText().equals(event.id())
        || !hasAction(intent, type, event.id())) {
      violation("write-ahead", "intent " + brief(intent) + " does not name " + event);
    } else if (time(intent).isAfter(event.time())) {
      violation("write-ahead", "intent " + brief(intent) + " was written after " + event);
    }
  }

  private void checkLockIntent(AuditEvent event, Map<String, List<JsonNode>> intentsByLock) {
    List<JsonNode> intents =
        intentsByLock.getOrDefault(event.actor().name() + "/" + event.id(), List.of());
    boolean before = intents.stream().anyMatch(i -> !time(i).isAfter(event.time()));
    if (!before) {
      violation(
          "write-ahead",
          "lock "
              + event.id()
              + " created at "
              + event.time()
              + " without an earlier intent; intents: "
              + intents.stream().map(Invariants::brief).toList());
    }
  }

  private long checkLogsVerify(Map<Path, List<JsonNode>> logs) {
    long total = 0;
    for (Path log : logs.keySet()) {
      try {
        LogVerifier.Result result = LogVerifier.verify(log);
        total += result.records();
        if (!result.ok()) {
          violation("log-verifies", log.getFileName() + ": " + result.fault());
        }
      } catch (IOException e) {
        violation("log-verifies", log + " cannot be read: " + e);
      }
    }
    return total;
  }

  /**
   * No user of the load ends over the active-resource limit or in two exclusive environments, and
   * the policy, deciding each user's end state again, wants nothing changed.
   */
  private void checkWithinPolicy(Map<RequestId, RequestObject> requests, List<LockObject> locks) {
    Map<UserName, UserState> states = userStates(requests, locks);
    Set<UserName> users = new TreeSet<>((a, b) -> a.value().compareTo(b.value()));
    for (RequestId id : run.load()) {
      RequestObject request = requests.get(id);
      if (request != null) {
        users.add(request.user());
      }
    }
    PolicyEngine engine = new PolicyEngine(run.policy());
    EnvironmentModel model = run.policy().environments();
    for (UserName user : users) {
      UserState state = states.get(user);
      List<AccessRequest> active = state.activeGrants(now);
      Set<ResourceId> resources = new HashSet<>();
      Set<String> environments = new TreeSet<>();
      for (AccessRequest grant : active) {
        resources.addAll(grant.resources());
        environments.addAll(environmentsOf(grant, model));
      }
      for (Rule rule : run.policy().rules()) {
        if (rule instanceof Rule.ActiveResourceLimit limit
            && !limit.countRoles()
            && resources.size() > limit.max()) {
          violation(
              "within-policy",
              user
                  + " holds "
                  + resources.size()
                  + " active resources; the limit is "
                  + limit.max());
        }
        if (rule instanceof Rule.ExclusiveEnvironments exclusive) {
          Set<String> held = new TreeSet<>(environments);
          held.retainAll(exclusive.environments());
          if (held.size() > 1) {
            violation("within-policy", user + " holds " + held + " at once: " + ids(active));
          }
        }
      }
      Decision resync = engine.decide(state, now);
      if (resync.changesAnything()) {
        violation(
            "within-policy",
            user + " is not a fixed point: decide wants " + resync.actions() + " now");
      }
    }
  }

  private Set<String> environmentsOf(AccessRequest grant, EnvironmentModel model) {
    Set<String> environments = new HashSet<>();
    Catalog catalog = run.catalog();
    for (RoleName role : grant.roles()) {
      catalog
          .role(role)
          .ifPresent(r -> environments.addAll(model.environmentsOf(role.value(), r.labels())));
    }
    for (ResourceId resource : grant.resources()) {
      catalog
          .resource(resource)
          .ifPresent(r -> environments.addAll(model.environmentsOf(resource.value(), r.labels())));
    }
    return environments;
  }

  private Map<UserName, UserState> userStates(
      Map<RequestId, RequestObject> requests, List<LockObject> locks) {
    Map<UserName, List<AccessRequest>> byUser = new HashMap<>();
    for (RequestObject request : requests.values()) {
      byUser.computeIfAbsent(request.user(), u -> new ArrayList<>()).add(toModel(request));
    }
    List<Lock> all = locks.stream().map(LockObject::toLock).toList();
    Map<UserName, UserState> states = new HashMap<>();
    byUser.forEach(
        (user, list) ->
            states.put(
                user, new UserState(run.catalog().userOrUnlisted(user), list, all, run.catalog())));
    return states;
  }

  private List<Review> watcherReviews(RequestObject request) {
    return request.reviews().stream().filter(r -> run.watchers().contains(r.author())).toList();
  }

  private static ReviewDecision expectedReview(RequestState state) {
    return state == RequestState.APPROVED ? ReviewDecision.APPROVE : ReviewDecision.DENY;
  }

  private void violation(String invariant, String detail) {
    counts.merge(invariant, 1, Integer::sum);
    List<String> kept = examples.computeIfAbsent(invariant, k -> new ArrayList<>());
    if (kept.size() < EXAMPLES) {
      kept.add(detail);
    }
  }

  /**
   * Reviews the watchers found already decided ({@code 409 Conflict} from the broker, recorded as
   * {@code skipped} in their outcome records): with two watchers, the loser of each race.
   */
  public static long conflicts(List<Path> logs) {
    long conflicts = 0;
    for (Path log : logs) {
      for (JsonNode record : records(log)) {
        if (!phase(record).equals("outcome")) {
          continue;
        }
        for (JsonNode action : record.path("actions")) {
          if (action.path("result").asText().equals("skipped")
              && action.path("error").asText().contains("no longer pending")) {
            conflicts++;
          }
        }
      }
    }
    return conflicts;
  }

  /** The broker's whole audit trail, oldest first, page by page. */
  static List<AuditEvent> auditTrail(BrokerClient admin) {
    List<AuditEvent> all = new ArrayList<>();
    long since = 0;
    while (true) {
      EventList page = admin.events(since);
      if (page.items().isEmpty()) {
        return all;
      }
      all.addAll(page.items());
      since = page.items().getLast().resourceVersion();
    }
  }

  /** Every complete record of a decision log; a torn last line is the verifier's to report. */
  static List<JsonNode> records(Path log) {
    try {
      if (!Files.exists(log)) {
        return List.of();
      }
      String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
      List<JsonNode> records = new ArrayList<>();
      for (String line : text.substring(0, text.lastIndexOf('\n') + 1).lines().toList()) {
        records.add(JSON.readTree(line));
      }
      return records;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the decision log " + log, e);
    }
  }

  private static boolean hasAction(JsonNode intent, String type, String target) {
    for (JsonNode action : intent.path("actions")) {
      if (action.path("type").asText().equals(type)
          && action.path("target").asText().equals(target)) {
        return true;
      }
    }
    return false;
  }

  private static String phase(JsonNode record) {
    return record.path("phase").asText();
  }

  private static Instant time(JsonNode record) {
    return Instant.parse(record.path("time").asText());
  }

  private static String brief(JsonNode record) {
    return "seq=%d %s %s %s request=%s"
        .formatted(
            record.path("seq").asLong(),
            phase(record),
            record.path("decisionId").asText(),
            record.path("outcome").asText(),
            record.path("request").asText());
  }

  private static List<String> ids(List<AccessRequest> requests) {
    return requests.stream().map(r -> r.id().value()).toList();
  }

  private static AccessRequest toModel(RequestObject object) {
    return new AccessRequest(
        object.id(),
        object.user(),
        object.roles(),
        object.resources(),
        object.reason(),
        object.ttl(),
        object.state(),
        object.created(),
        object.approved(),
        object.expires());
  }
}
