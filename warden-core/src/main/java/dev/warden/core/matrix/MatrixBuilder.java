package dev.warden.core.matrix;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.User;
import dev.warden.core.decision.Action;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.Outcome;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.policy.EnvironmentModel;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the matrix of a policy over a catalog with {@code decide}, and checks every cell against
 * the state rules independently of the engine.
 *
 * <p>Each held grant asks for one item and was approved a second after the one before it, the
 * newest a second before the request; the request asks for one item for an hour (less if a {@code
 * max-ttl} rule is stricter) with a reason long enough for every {@code require-reason} rule, and
 * the user has no other pending request. So a cell shows what the state rules and the custom rules
 * do, not that a made-up request broke a request rule. Held grants count as approvals for {@code
 * approval-rate-limit}, as they would in life.
 */
public final class MatrixBuilder {

  /** The most cells a matrix may have. */
  public static final long MAX_CELLS = 1_000_000;

  private static final String REASON = "simulated request for the policy matrix";
  private static final RequestId NEXT = RequestId.of("next");

  private final Policy policy;
  private final Catalog catalog;
  private final User user;
  private final Instant now;
  private final PolicyEngine engine;

  private MatrixBuilder(Policy policy, Catalog catalog, User user, Instant now) {
    this.policy = policy;
    this.catalog = catalog;
    this.user = user;
    this.now = now;
    this.engine = new PolicyEngine(policy);
  }

  /**
   * Builds the matrix.
   *
   * @param hold the most grants a holding has (0 gives one row: holding nothing)
   * @param user whose traits custom conditions see
   * @throws IllegalArgumentException when {@code hold} is negative or the matrix would have more
   *     than {@link #MAX_CELLS} cells
   */
  public static PolicyMatrix build(
      Policy policy, Catalog catalog, int hold, User user, Instant now) {
    List<Access> items = items(catalog);
    long cells = cellCount(items.size(), hold);
    if (hold < 0 || cells > MAX_CELLS) {
      throw new IllegalArgumentException(
          hold < 0
              ? "hold must be 0 or more, not " + hold
              : "holding up to "
                  + hold
                  + " of "
                  + items.size()
                  + " items makes more than the "
                  + MAX_CELLS
                  + " cells a matrix may have");
    }
    return new MatrixBuilder(policy, catalog, user, now).build(items, hold);
  }

  private PolicyMatrix build(List<Access> items, int hold) {
    List<List<Access>> holdings = new ArrayList<>();
    List<Cell> cells = new ArrayList<>();
    int refused = 0;
    for (List<Access> held : combinations(items, hold)) {
      List<AccessRequest> grants = grants(held);
      UserState alone = new UserState(user, grants, List.of(), catalog);
      if (engine.decide(alone, now).changesAnything()) {
        refused++;
        continue;
      }
      holdings.add(held);
      for (Access item : items) {
        cells.add(cell(held, grants, item));
      }
    }
    return new PolicyMatrix(hold, items, holdings, refused, cells);
  }

  private Cell cell(List<Access> held, List<AccessRequest> grants, Access item) {
    List<AccessRequest> requests = new ArrayList<>(grants);
    requests.add(
        AccessRequest.pending(
            NEXT, user.name(), item.roles(), item.resources(), reason(), ttl(), now));
    Decision decision = engine.decide(new UserState(user, requests, List.of(), catalog), NEXT, now);
    List<Access> locked = locked(held, decision);
    return new Cell(
        held, item, decision, locked, violations(policy, catalog, held, item, decision));
  }

  /**
   * What the user would hold against a state rule once {@code decision} is carried out, worked out
   * from the held items, the decision's locks and its outcome alone: the engine's own account of
   * the state after the decision is deliberately not used, so a bug there shows here.
   *
   * @param held the held grants, where grant {@code i} has the request id {@code h<i+1>}
   */
  public static List<String> violations(
      Policy policy, Catalog catalog, List<Access> held, Access requested, Decision decision) {
    List<Access> kept = new ArrayList<>(held);
    kept.removeAll(locked(held, decision));
    if (decision.outcome() == Outcome.APPROVE) {
      kept.add(requested);
    }

    List<String> violations = new ArrayList<>();
    for (Rule rule : policy.rules()) {
      if (rule instanceof Rule.ExclusiveEnvironments exclusive) {
        Set<String> environments = new TreeSet<>();
        for (Access access : kept) {
          environments.addAll(environmentsOf(policy.environments(), catalog, access));
        }
        List<String> together = new ArrayList<>(exclusive.environments());
        together.retainAll(environments);
        if (together.size() >= 2) {
          violations.add(
              "holds "
                  + String.join(" and ", together)
                  + " at once, which rule '"
                  + rule.name()
                  + "' keeps apart");
        }
      } else if (rule instanceof Rule.ActiveResourceLimit limit) {
        int total = 0;
        for (Access access : kept) {
          total += access.resources().size() + (limit.countRoles() ? access.roles().size() : 0);
        }
        if (total > limit.max()) {
          violations.add(
              "holds "
                  + total
                  + (limit.countRoles() ? " roles and resources" : " resources")
                  + ", above the "
                  + limit.max()
                  + " rule '"
                  + rule.name()
                  + "' allows");
        }
      }
    }
    return violations;
  }

  /** The held items a decision locks: those whose grant it locks, or all under a user lock. */
  private static List<Access> locked(List<Access> held, Decision decision) {
    Set<Integer> indexes = new HashSet<>();
    for (Action.Lock lock : decision.locks()) {
      if (lock.target() instanceof LockTarget.Request request
          && request.id().value().startsWith("h")) {
        indexes.add(Integer.parseInt(request.id().value().substring(1)) - 1);
      } else if (lock.target() instanceof LockTarget.User) {
        for (int i = 0; i < held.size(); i++) {
          indexes.add(i);
        }
      }
    }
    List<Access> locked = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      if (indexes.contains(i)) {
        locked.add(held.get(i));
      }
    }
    return locked;
  }

  private static Set<String> environmentsOf(
      EnvironmentModel model, Catalog catalog, Access access) {
    Map<String, String> labels =
        access.role() != null
            ? catalog.role(access.role()).map(Role::labels).orElse(Map.of())
            : catalog.resource(access.resource()).map(Resource::labels).orElse(Map.of());
    return model.environmentsOf(access.name(), labels);
  }

  /** Held grants, oldest first, approved a second apart up to a second before now. */
  private List<AccessRequest> grants(List<Access> held) {
    List<AccessRequest> grants = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      Access access = held.get(i);
      Instant approved = now.minusSeconds(held.size() - i);
      AccessRequest pending =
          AccessRequest.pending(
              RequestId.of("h" + (i + 1)),
              user.name(),
              access.roles(),
              access.resources(),
              reason(),
              Duration.ofHours(8),
              approved.minusSeconds(1));
      AccessRequest granted = pending.approvedAt(approved, catalog);
      grants.add(granted);
    }
    return grants;
  }

  private Duration ttl() {
    Duration ttl = Duration.ofHours(1);
    for (Rule rule : policy.rules()) {
      if (rule instanceof Rule.MaxTtl max && max.max().compareTo(ttl) < 0) {
        ttl = max.max();
      }
    }
    return ttl;
  }

  private String reason() {
    int longest = REASON.length();
    for (Rule rule : policy.rules()) {
      if (rule instanceof Rule.RequireReason required) {
        longest = Math.max(longest, required.minLength());
      }
    }
    return longest == REASON.length()
        ? REASON
        : REASON + " " + ".".repeat(longest - REASON.length() - 1);
  }

  private static List<Access> items(Catalog catalog) {
    List<Access> items = new ArrayList<>();
    catalog.roles().forEach(role -> items.add(Access.of(role.name())));
    catalog.resources().forEach(resource -> items.add(Access.of(resource.id())));
    return items;
  }

  /** Every subset of up to {@code most} items, smallest first, each in item order. */
  private static List<List<Access>> combinations(List<Access> items, int most) {
    List<List<Access>> all = new ArrayList<>();
    all.add(List.of());
    List<List<Integer>> previous = List.of(List.of());
    for (int size = 1; size <= most; size++) {
      List<List<Integer>> next = new ArrayList<>();
      for (List<Integer> combination : previous) {
        int from = combination.isEmpty() ? 0 : combination.get(combination.size() - 1) + 1;
        for (int i = from; i < items.size(); i++) {
          List<Integer> longer = new ArrayList<>(combination);
          longer.add(i);
          next.add(longer);
          all.add(longer.stream().map(items::get).toList());
        }
      }
      previous = next;
    }
    return all;
  }

  /** The number of cells, or a number above {@link #MAX_CELLS} once it is clear it is. */
  private static long cellCount(int items, int hold) {
    long holdings = 0;
    long choose = 1;
    for (int k = 0; k <= Math.min(hold, items); k++) {
      holdings += choose;
      choose = choose * (items - k) / (k + 1);
      if (holdings > MAX_CELLS) {
        break;
      }
    }
    return holdings * items;
  }
}
