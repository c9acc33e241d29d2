package dev.warden.cli.bench;

import dev.warden.api.v1.NewRequest;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import dev.warden.core.policy.EnvironmentModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The requests of one run, slot by slot: who asks for what. The same settings always give the same
 * load.
 *
 * <p>The mix, in every 50 slots: 41 compliant requests (one role and up to two resources in one
 * environment), 3 over the per-request resource limit, 3 spanning two exclusive environments, and 3
 * from abusive users. Ordinary users take their slots in turn, which spaces each one's requests
 * evenly; compliant requests still collide with the state rules as they pile up (the oldest grant
 * is locked past the active-resource limit, production is locked when research is granted).
 *
 * <p>Why the prediction holds: {@code decide} sees one user at a time, so only the order and the
 * company of a user's own requests matter. Ordinary users are spaced so that fewer than the pending
 * limit of their requests can ever wait for the watcher together (the decision horizon divided by
 * the spacing), which leaves pending-limit out of their decisions however the watcher batches them;
 * the other rules give the same answer for requests decided one after another or oldest first in
 * one pass. Abusive users start the run at their approval budget (see {@link #seeds}), so each of
 * their requests escalates and stays pending, and the pending limit then denies the oldest waiting
 * one: whatever the batching, a user ends with their newest requests pending and the older ones
 * denied, which is what replaying them one by one predicts.
 */
public final class LoadPlan {

  /** What a planned request is meant to test. */
  public enum Kind {
    COMPLIANT,
    OVER_LIMIT,
    CROSS_ENVIRONMENT,
    ABUSE
  }

  /** How long the load's requests ask for; far longer than any run, so nothing expires. */
  static final Duration TTL = Duration.ofHours(2);

  private static final int CYCLE = 50;
  private static final int PER_KIND = 3;
  private static final int ABUSER_SHARE = 50;
  private static final long SEED = 0x5eedL;

  /** One request of the load. */
  public record Planned(
      long slot,
      UserName user,
      Kind kind,
      List<RoleName> roles,
      List<ResourceId> resources,
      String reason) {

    public NewRequest toNewRequest() {
      return new NewRequest(user, roles, resources, reason, TTL);
    }
  }

  private final List<UserName> ordinary;
  private final List<UserName> abusers;
  private final Map<String, List<RoleName>> roles;
  private final Map<String, List<ResourceId>> resources;
  private final List<String> environments;
  private final int requestLimit;
  private final List<String> exclusive;
  private final Kind[] cycle;
  private final SplittableRandom random;
  private long slot;
  private long ordinaryTaken;
  private long abusersTaken;

  private LoadPlan(
      List<UserName> ordinary,
      List<UserName> abusers,
      Map<String, List<RoleName>> roles,
      Map<String, List<ResourceId>> resources,
      int requestLimit,
      List<String> exclusive,
      long seed) {
    this.random = new SplittableRandom(seed);
    this.ordinary = List.copyOf(ordinary);
    this.abusers = List.copyOf(abusers);
    this.roles = roles;
    this.resources = resources;
    this.environments = List.copyOf(roles.keySet());
    this.requestLimit = requestLimit;
    this.exclusive = exclusive;
    this.cycle = cycle(!abusers.isEmpty(), !exclusive.isEmpty(), seed);
  }

  /**
   * Plans the load over {@code users} of {@code catalog}.
   *
   * @param horizon how late the run's watcher may decide (see {@link RunMode#decisionHorizon()})
   * @throws IllegalArgumentException when the load would space one user's requests too closely for
   *     the prediction to hold, or the catalog lacks what the mix needs; the message says which
   */
  static LoadPlan of(
      List<UserName> users, Catalog catalog, BenchPolicy policy, double rate, Duration horizon) {
    return of(users, catalog, policy, rate, horizon, SEED);
  }

  /**
   * Plans the load as {@link #of(List, Catalog, BenchPolicy, double, Duration)} does, with {@code
   * seed} choosing the kinds' order and what each request asks for: the reliability scenarios vary
   * it from run to run and print it, so that a failing run can be replayed.
   */
  public static LoadPlan of(
      List<UserName> users,
      Catalog catalog,
      BenchPolicy policy,
      double rate,
      Duration horizon,
      long seed) {
    boolean abuse =
        policy.approvalBudget() != Integer.MAX_VALUE && policy.pendingLimit() != Integer.MAX_VALUE;
    int abuserCount = abuse ? Math.max(1, users.size() / ABUSER_SHARE) : 0;
    List<UserName> abusers = users.subList(users.size() - abuserCount, users.size());
    List<UserName> ordinary = users.subList(0, users.size() - abuserCount);
    EnvironmentModel model = policy.policy().environments();
    LoadPlan plan =
        new LoadPlan(
            ordinary,
            abusers,
            rolesByEnvironment(catalog, model),
            resourcesByEnvironment(catalog, model),
            policy.requestResourceLimit(),
            exclusiveIn(policy, catalog, model),
            seed);
    plan.checkCatalog();
    plan.checkSpacing(rate, horizon, policy.pendingLimit());
    return plan;
  }

  /**
   * Plans a warm-up load over users of its own: the same mix without abusers, and without the
   * spacing check, as nothing of the warm-up is measured or compared.
   */
  static LoadPlan warmup(List<UserName> users, Catalog catalog, BenchPolicy policy) {
    EnvironmentModel model = policy.policy().environments();
    LoadPlan plan =
        new LoadPlan(
            users,
            List.of(),
            rolesByEnvironment(catalog, model),
            resourcesByEnvironment(catalog, model),
            policy.requestResourceLimit(),
            exclusiveIn(policy, catalog, model),
            SEED);
    plan.checkCatalog();
    return plan;
  }

  public List<UserName> abusers() {
    return abusers;
  }

  /** The most requests one ordinary user makes in a load of {@code requests}. */
  public long ordinaryRequestsPerUser(long requests) {
    long ordinarySlots = requests * (CYCLE - ordinaryShareMissing()) / CYCLE + CYCLE;
    return (ordinarySlots + ordinary.size() - 1) / ordinary.size();
  }

  /** Seconds between two requests of one ordinary user. */
  double ordinarySpacingSeconds(double rate) {
    return ordinary.size() / (rate * (CYCLE - ordinaryShareMissing()) / CYCLE);
  }

  /**
   * The requests that bring an abusive user to {@code budget} approvals before the load: one role,
   * no resources, in an environment the exclusive rules leave alone where there is one, so that
   * they trigger no lock.
   */
  public List<NewRequest> seeds(UserName abuser, int budget) {
    String environment = quietEnvironment();
    RoleName role = roles.get(environment).get(0);
    List<NewRequest> seeds = new ArrayList<>(budget);
    for (int i = 1; i <= budget; i++) {
      seeds.add(
          new NewRequest(
              abuser,
              List.of(role),
              List.of(),
              "bench: approval " + i + " of the budget, before the load",
              TTL));
    }
    return seeds;
  }

  /** The next request of the load. Not thread-safe: one scheduler takes them in order. */
  public Planned next() {
    long current = slot++;
    Kind kind = cycle[(int) (current % CYCLE)];
    UserName user =
        kind == Kind.ABUSE
            ? abusers.get((int) (abusersTaken++ % abusers.size()))
            : ordinary.get((int) (ordinaryTaken++ % ordinary.size()));
    String reason = "bench slot " + current + ": routine " + kind.name().toLowerCase();
    return switch (kind) {
      case COMPLIANT, ABUSE -> compliant(current, user, kind, reason);
      case OVER_LIMIT -> overLimit(current, user, reason);
      case CROSS_ENVIRONMENT -> crossing(current, user, reason);
    };
  }

  private Planned compliant(long current, UserName user, Kind kind, String reason) {
    String environment = environments.get(random.nextInt(environments.size()));
    int count = random.nextInt(4) / 2 + random.nextInt(2);
    return new Planned(
        current, user, kind, List.of(oneRole(environment)), pick(environment, count), reason);
  }

  private Planned overLimit(long current, UserName user, String reason) {
    List<String> large = new ArrayList<>();
    for (String environment : environments) {
      if (resources.getOrDefault(environment, List.of()).size() > requestLimit) {
        large.add(environment);
      }
    }
    String environment = large.get(random.nextInt(large.size()));
    return new Planned(
        current,
        user,
        Kind.OVER_LIMIT,
        List.of(oneRole(environment)),
        pick(environment, requestLimit + 1),
        reason);
  }

  private Planned crossing(long current, UserName user, String reason) {
    List<ResourceId> across = pick(exclusive.get(1), 1);
    return new Planned(
        current, user, Kind.CROSS_ENVIRONMENT, List.of(oneRole(exclusive.get(0))), across, reason);
  }

  private RoleName oneRole(String environment) {
    List<RoleName> choices = roles.get(environment);
    return choices.get(random.nextInt(choices.size()));
  }

  private List<ResourceId> pick(String environment, int count) {
    List<ResourceId> pool = new ArrayList<>(resources.getOrDefault(environment, List.of()));
    List<ResourceId> picked = new ArrayList<>(count);
    for (int i = 0; i < count && !pool.isEmpty(); i++) {
      picked.add(pool.remove(random.nextInt(pool.size())));
    }
    return picked;
  }

  private String quietEnvironment() {
    for (String environment : environments) {
      if (!exclusive.contains(environment)) {
        return environment;
      }
    }
    return environments.get(0);
  }

  private int ordinaryShareMissing() {
    return abusers.isEmpty() ? 0 : PER_KIND;
  }

  private void checkCatalog() {
    if (environments.isEmpty()) {
      throw new IllegalArgumentException(
          "the catalog has no role that the policy places in an environment; the load needs one");
    }
    boolean roomForOverLimit =
        environments.stream()
            .anyMatch(e -> resources.getOrDefault(e, List.of()).size() > requestLimit);
    if (!roomForOverLimit) {
      throw new IllegalArgumentException(
          "no environment of the catalog has more than "
              + requestLimit
              + " resources; the load needs that many to ask for too many");
    }
  }

  private void checkSpacing(double rate, Duration horizon, int pendingLimit) {
    if (pendingLimit == Integer.MAX_VALUE) {
      return;
    }
    double spacing = ordinarySpacingSeconds(rate);
    double horizonSeconds = horizon.toMillis() / 1000.0;
    if (spacing * pendingLimit <= horizonSeconds) {
      long neededUsers =
          (long) Math.ceil(ordinary.size() * horizonSeconds / pendingLimit / spacing);
      throw new IllegalArgumentException(
          String.format(
              "at %s requests/s, each of %d ordinary users asks every %.2f s, but a decision may"
                  + " take up to %d s in this mode and the pending limit is %d; predictions would"
                  + " depend on timing. Use --users %d or more, or a lower --rate",
              trim(rate),
              ordinary.size(),
              spacing,
              horizon.toSeconds(),
              pendingLimit,
              neededUsers + abusers.size() + 1));
    }
  }

  private static String trim(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
  }

  private static Kind[] cycle(boolean abuse, boolean crossing, long seed) {
    List<Kind> kinds = new ArrayList<>(CYCLE);
    for (int i = 0; i < PER_KIND; i++) {
      kinds.add(Kind.OVER_LIMIT);
      kinds.add(crossing ? Kind.CROSS_ENVIRONMENT : Kind.COMPLIANT);
      kinds.add(abuse ? Kind.ABUSE : Kind.COMPLIANT);
    }
    while (kinds.size() < CYCLE) {
      kinds.add(Kind.COMPLIANT);
    }
    // Spread the kinds through the cycle instead of sending them in blocks.
    Collections.shuffle(kinds, new Random(seed));
    return kinds.toArray(Kind[]::new);
  }

  private static Map<String, List<RoleName>> rolesByEnvironment(
      Catalog catalog, EnvironmentModel model) {
    Map<String, List<RoleName>> byEnvironment = new LinkedHashMap<>();
    for (Role role : catalog.roles()) {
      Set<String> environments = model.environmentsOf(role.name().value(), role.labels());
      if (environments.size() == 1) {
        byEnvironment
            .computeIfAbsent(environments.iterator().next(), e -> new ArrayList<>())
            .add(role.name());
      }
    }
    return byEnvironment;
  }

  private static Map<String, List<ResourceId>> resourcesByEnvironment(
      Catalog catalog, EnvironmentModel model) {
    Map<String, List<ResourceId>> byEnvironment = new LinkedHashMap<>();
    for (Resource resource : catalog.resources()) {
      Set<String> environments = model.environmentsOf(resource.id().value(), resource.labels());
      if (environments.size() == 1) {
        byEnvironment
            .computeIfAbsent(environments.iterator().next(), e -> new ArrayList<>())
            .add(resource.id());
      }
    }
    return byEnvironment;
  }

  /** Two exclusive environments the catalog has roles and resources in, or none. */
  private static List<String> exclusiveIn(
      BenchPolicy policy, Catalog catalog, EnvironmentModel model) {
    List<String> pair = policy.exclusivePair().orElse(List.of());
    if (pair.isEmpty()) {
      return List.of();
    }
    boolean present =
        rolesByEnvironment(catalog, model).containsKey(pair.get(0))
            && resourcesByEnvironment(catalog, model).containsKey(pair.get(1));
    return present ? pair : List.of();
  }
}
