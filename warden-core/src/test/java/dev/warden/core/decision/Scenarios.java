package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.UserName;
import dev.warden.core.policy.CustomAction;
import dev.warden.core.policy.DefaultOutcome;
import dev.warden.core.policy.EnvironmentModel;
import dev.warden.core.policy.Mode;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Resolve;
import dev.warden.core.policy.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;

/**
 * Random inputs for the engine's properties: a catalog, a policy, one user's state and the request
 * to decide (or none, for a resync).
 *
 * <p>Every part is generated as a small spec of numbers and choices and only then turned into
 * domain values, so that jqwik can shrink a failing input to a readable one.
 */
final class Scenarios {

  static final Instant NOW = Requests.NOW;

  static final List<String> ENVIRONMENTS =
      List.of("production", "research", "development", "staging");

  private static final List<String> REASONS =
      List.of(
          "",
          "   ",
          "fix",
          "investigating incident 4711",
          "          x",
          "rotate the production database credentials after the leak");

  private static final List<Integer> TTL_MINUTES =
      List.of(15, 30, 60, 120, 240, 480, 540, 720, 1440, 10080);

  private static final Map<String, List<String>> PATTERNS =
      Map.of(
          "production", List.of("prod"),
          "research", List.of("research"),
          "development", List.of("dev"));

  /** jqwik favours short lists; the interesting states have several grants, rules and locks. */
  private static final RandomDistribution UNIFORM = RandomDistribution.uniform();

  private Scenarios() {}

  /** One generated input. {@code asked} is the request to decide, or null for a resync. */
  record Scenario(Policy policy, UserState state, @Nullable RequestId asked) {

    Decision decide(PolicyEngine engine) {
      return asked == null ? engine.decide(state, NOW) : engine.decide(state, asked, NOW);
    }

    /** The pending request being decided, or null for a resync. */
    @Nullable AccessRequest pendingRequest() {
      if (asked == null) {
        return null;
      }
      AccessRequest request = state.request(asked).orElseThrow();
      return request.isPending() ? request : null;
    }

    @Override
    public String toString() {
      return "Scenario[\n  policy default="
          + policy.defaultOutcome()
          + " environments="
          + policy.environments()
          + "\n  rules="
          + policy.rules()
          + "\n  catalog roles="
          + state.catalog().roles()
          + "\n  catalog resources="
          + state.catalog().resources()
          + "\n  user="
          + state.user()
          + "\n  requests="
          + state.requests()
          + "\n  locks="
          + state.locks()
          + "\n  asked="
          + asked
          + "]";
    }
  }

  static Arbitrary<Scenario> scenarios() {
    return Combinators.combine(
            catalogs(),
            policies(),
            requestSpecs().list().ofMinSize(1).ofMaxSize(8).withSizeDistribution(UNIFORM),
            lockSpecs().list().ofMaxSize(3).withSizeDistribution(UNIFORM),
            Arbitraries.of("alice", "bob", "eve"),
            askSpecs())
        .as(Scenarios::build);
  }

  // Catalogs: roles and resources in a few environments, some without one.

  /** env 0..3 is an environment, 4 none at all, 5 a development entry whose name says "prod". */
  private record EntrySpec(int env, boolean labelled, int maxTtlHours) {}

  private static Arbitrary<Catalog> catalogs() {
    Arbitrary<EntrySpec> entries =
        Combinators.combine(
                Arbitraries.integers().between(0, 5),
                Arbitraries.of(true, true, false),
                Arbitraries.of(0, 0, 1, 4, 8, 12))
            .as(EntrySpec::new);
    return Combinators.combine(
            entries.list().ofMinSize(1).ofMaxSize(6), entries.list().ofMaxSize(6))
        .as(Scenarios::catalog);
  }

  private static Catalog catalog(List<EntrySpec> roleSpecs, List<EntrySpec> resourceSpecs) {
    List<Role> roles = new ArrayList<>();
    for (int i = 0; i < roleSpecs.size(); i++) {
      EntrySpec spec = roleSpecs.get(i);
      Duration maxTtl = spec.maxTtlHours() == 0 ? null : Duration.ofHours(spec.maxTtlHours());
      roles.add(Catalogs.role(namePrefix(spec) + "-role-" + i, labelOf(spec), maxTtl));
    }
    List<dev.warden.core.catalog.Resource> resources = new ArrayList<>();
    for (int i = 0; i < resourceSpecs.size(); i++) {
      EntrySpec spec = resourceSpecs.get(i);
      resources.add(Catalogs.resource("node/" + namePrefix(spec) + "-" + i, labelOf(spec)));
    }
    return new Catalog(
        roles,
        resources,
        List.of(
            Catalogs.user("alice", Map.of("oncall", List.of("true"))),
            Catalogs.user("bob", Map.of("team", List.of("data")))));
  }

  private static String namePrefix(EntrySpec spec) {
    return switch (spec.env()) {
      case 0 -> "prod";
      case 1 -> "research";
      case 2 -> "dev";
      case 3 -> "stage";
      case 4 -> "tools";
      default -> "product-analytics";
    };
  }

  private static @Nullable String labelOf(EntrySpec spec) {
    if (!spec.labelled() || spec.env() == 4) {
      return null;
    }
    return spec.env() == 5 ? "development" : ENVIRONMENTS.get(spec.env());
  }

  // Policies: random combinations of the built-in rules, and custom rules in Java.

  private static Arbitrary<Policy> policies() {
    return Combinators.combine(
            Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(DefaultOutcome.APPROVE)),
                Tuple.of(1, Arbitraries.just(DefaultOutcome.DENY)),
                Tuple.of(1, Arbitraries.just(DefaultOutcome.ESCALATE))),
            Arbitraries.integers().between(0, 2),
            rules().list().ofMaxSize(6).withSizeDistribution(UNIFORM).uniqueElements(Rule::name))
        .as(
            (defaultOutcome, model, rules) ->
                new Policy(
                    "generated",
                    Mode.ENFORCE,
                    defaultOutcome,
                    environmentModel(model),
                    rules,
                    Policies.NO_FILE));
  }

  private static EnvironmentModel environmentModel(int choice) {
    return switch (choice) {
      case 0 -> EnvironmentModel.defaultModel();
      case 1 -> new EnvironmentModel("env", PATTERNS);
      default -> new EnvironmentModel(null, PATTERNS);
    };
  }

  private static Arbitrary<Rule> rules() {
    Arbitrary<Integer> suffix = Arbitraries.integers().between(1, 2);
    Arbitrary<Boolean> countRoles = Arbitraries.of(false, false, true);
    return Arbitraries.frequencyOf(
        Tuple.of(
            2,
            Combinators.combine(suffix, Arbitraries.integers().between(1, 4), countRoles)
                .as((n, max, roles) -> new Rule.RequestResourceLimit("size-" + n, max, roles))),
        Tuple.of(
            4,
            Combinators.combine(
                    suffix,
                    Arbitraries.integers().between(1, 6),
                    countRoles,
                    Arbitraries.of(Resolve.LOCK_OLDEST, Resolve.DENY_NEW))
                .as(
                    (n, max, roles, resolve) ->
                        new Rule.ActiveResourceLimit("active-" + n, max, roles, resolve))),
        Tuple.of(
            4,
            Combinators.combine(
                    suffix,
                    Arbitraries.of(ENVIRONMENTS).list().uniqueElements().ofMinSize(2).ofMaxSize(3),
                    Arbitraries.of(Resolve.LOCK_OLDER, Resolve.DENY_NEW))
                .as(
                    (n, environments, resolve) ->
                        new Rule.ExclusiveEnvironments("exclusive-" + n, environments, resolve))),
        Tuple.of(
            1,
            Combinators.combine(suffix, Arbitraries.integers().between(1, 12))
                .as((n, hours) -> new Rule.MaxTtl("ttl-" + n, Duration.ofHours(hours)))),
        Tuple.of(
            1,
            Combinators.combine(suffix, Arbitraries.integers().between(1, 3))
                .as((n, max) -> new Rule.PendingLimit("pending-" + n, max))),
        Tuple.of(
            1,
            Combinators.combine(suffix, Arbitraries.integers().between(1, 20))
                .as((n, length) -> new Rule.RequireReason("reason-" + n, length))),
        Tuple.of(
            1,
            Combinators.combine(
                    suffix,
                    Arbitraries.integers().between(1, 5),
                    Arbitraries.integers().between(1, 48))
                .as(
                    (n, max, hours) ->
                        new Rule.ApprovalRateLimit("budget-" + n, max, Duration.ofHours(hours)))),
        Tuple.of(
            2,
            Combinators.combine(
                    suffix,
                    Arbitraries.of(TestConditions.class),
                    Arbitraries.of(CustomAction.class))
                .as(
                    (n, condition, action) ->
                        new Rule.Custom(
                            "custom-" + n,
                            condition.name(),
                            condition,
                            action,
                            "custom condition " + condition + " holds"))));
  }

  // User states: requests in every state, and locks on requests, roles and users.

  enum Kind {
    PENDING,
    ACTIVE,
    EXPIRED_GRANT,
    EXPIRED,
    DENIED
  }

  private record RequestSpec(
      Kind kind, List<Integer> access, int reason, int ttl, int ageMinutes) {}

  private static Arbitrary<RequestSpec> requestSpecs() {
    return Combinators.combine(
            Arbitraries.of(
                Kind.PENDING,
                Kind.PENDING,
                Kind.ACTIVE,
                Kind.ACTIVE,
                Kind.ACTIVE,
                Kind.EXPIRED_GRANT,
                Kind.EXPIRED,
                Kind.DENIED),
            Arbitraries.integers().between(0, 19).list().uniqueElements().ofMinSize(1).ofMaxSize(4),
            Arbitraries.integers().between(0, REASONS.size() - 1),
            Arbitraries.integers().between(0, TTL_MINUTES.size() - 1),
            Arbitraries.integers().between(1, 5000))
        .as(RequestSpec::new);
  }

  enum LockKind {
    REQUEST,
    ROLE,
    USER,
    OTHER_USER,
    IDENTITY
  }

  enum Expiry {
    NEVER,
    PAST,
    FUTURE
  }

  private record LockSpec(LockKind kind, int index, Expiry expiry, int offsetMinutes) {}

  private static Arbitrary<LockSpec> lockSpecs() {
    return Combinators.combine(
            Arbitraries.of(LockKind.class),
            Arbitraries.integers().between(0, 9),
            Arbitraries.of(Expiry.class),
            Arbitraries.integers().between(0, 600))
        .as(LockSpec::new);
  }

  enum Ask {
    RESYNC,
    PENDING,
    ANY
  }

  private record AskSpec(Ask ask, int index) {}

  private static Arbitrary<AskSpec> askSpecs() {
    return Combinators.combine(
            Arbitraries.of(Ask.RESYNC, Ask.PENDING, Ask.PENDING, Ask.PENDING, Ask.ANY),
            Arbitraries.integers().between(0, 9))
        .as(AskSpec::new);
  }

  private static Scenario build(
      Catalog catalog,
      Policy policy,
      List<RequestSpec> requestSpecs,
      List<LockSpec> lockSpecs,
      String user,
      AskSpec ask) {
    List<AccessRequest> requests = new ArrayList<>();
    for (int i = 0; i < requestSpecs.size(); i++) {
      requests.add(request("req-" + i, user, requestSpecs.get(i), catalog));
    }
    List<Lock> locks = new ArrayList<>();
    for (int i = 0; i < lockSpecs.size(); i++) {
      locks.add(lock("lock-" + i, lockSpecs.get(i), user, requests, catalog));
    }
    UserState state = States.of(catalog, user, requests, locks);
    return new Scenario(policy, state, asked(ask, requests));
  }

  private static AccessRequest request(String id, String user, RequestSpec spec, Catalog catalog) {
    Requests.Builder builder =
        Requests.request(id, access(spec.access(), catalog))
            .by(user)
            .reason(REASONS.get(spec.reason()))
            .ttl(Duration.ofMinutes(TTL_MINUTES.get(spec.ttl())));
    long effective = builder.pending().effectiveTtl(catalog).toMinutes();
    return switch (spec.kind()) {
      case PENDING -> builder.created(NOW.minus(Duration.ofMinutes(spec.ageMinutes()))).pending();
      case ACTIVE -> approvedAgo(builder, 1 + spec.ageMinutes() % (effective - 1), catalog);
      case EXPIRED_GRANT -> approvedAgo(builder, effective + spec.ageMinutes() % 2000, catalog);
      case EXPIRED ->
          approvedAgo(builder, effective + spec.ageMinutes() % 2000, catalog)
              .withState(RequestState.EXPIRED);
      case DENIED -> builder.denied();
    };
  }

  private static AccessRequest approvedAgo(
      Requests.Builder builder, long minutes, Catalog catalog) {
    return builder.approvedAt(NOW.minus(Duration.ofMinutes(minutes)), catalog);
  }

  /** Names for the access indexes: roles, then resources, then two names no catalog lists. */
  private static String[] access(List<Integer> indexes, Catalog catalog) {
    List<String> pool = new ArrayList<>();
    catalog.roles().forEach(r -> pool.add(r.name().value()));
    catalog.resources().forEach(r -> pool.add(r.id().value()));
    pool.add("prod-unlisted");
    pool.add("node/research-unlisted");
    Map<String, Boolean> chosen = new LinkedHashMap<>();
    for (int index : indexes) {
      chosen.put(pool.get(index % pool.size()), true);
    }
    return chosen.keySet().toArray(String[]::new);
  }

  private static Lock lock(
      String id, LockSpec spec, String user, List<AccessRequest> requests, Catalog catalog) {
    List<Role> roles = List.copyOf(catalog.roles());
    LockTarget target =
        switch (spec.kind()) {
          case REQUEST ->
              requests.isEmpty()
                  ? new LockTarget.Identity("bot-1")
                  : new LockTarget.Request(requests.get(spec.index() % requests.size()).id());
          case ROLE -> new LockTarget.Role(roles.get(spec.index() % roles.size()).name());
          case USER -> new LockTarget.User(UserName.of(user));
          case OTHER_USER -> new LockTarget.User(UserName.of("carol"));
          case IDENTITY -> new LockTarget.Identity(user);
        };
    Instant expires =
        switch (spec.expiry()) {
          case NEVER -> null;
          case PAST -> NOW.minus(Duration.ofMinutes(spec.offsetMinutes()));
          case FUTURE -> NOW.plus(Duration.ofMinutes(spec.offsetMinutes() + 1));
        };
    return new Lock(LockId.of(id), target, "locked in a generated state", expires);
  }

  private static @Nullable RequestId asked(AskSpec spec, List<AccessRequest> requests) {
    if (spec.ask() == Ask.RESYNC || requests.isEmpty()) {
      return null;
    }
    if (spec.ask() == Ask.ANY) {
      return requests.get(spec.index() % requests.size()).id();
    }
    List<AccessRequest> pending = new ArrayList<>();
    for (AccessRequest request : requests) {
      if (request.isPending()) {
        pending.add(request);
      }
    }
    return pending.isEmpty() ? null : pending.get(spec.index() % pending.size()).id();
  }
}
