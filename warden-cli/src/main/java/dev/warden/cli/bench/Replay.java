package dev.warden.cli.bench;

import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.RequestObject;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Action;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What {@code decide} predicts for every request of a run, found by replaying the watcher's way of
 * reconciling a user, in the bench process and without the broker.
 *
 * <p>Each created request, in creation order per user, starts a reconciliation at its creation
 * time: the user's pending requests are decided oldest first, each seeing the effect of the ones
 * before, then the user's grants are resynced; the result is applied to the model and the
 * reconciliation repeats until it changes nothing, as the watcher's own changes come back to it as
 * events. Every review is credited to the request whose creation caused it, which is where its
 * latency is measured from.
 */
public final class Replay {

  /** The most reconciliation passes one change may take before the model has settled. */
  private static final int MAX_PASSES = 16;

  private static final Comparator<AccessRequest> OLDEST_FIRST =
      Comparator.comparing(AccessRequest::created).thenComparing(AccessRequest::id);

  /**
   * A predicted final state.
   *
   * @param trigger the request whose creation led to the decision, or null for none (left pending)
   */
  public record Prediction(RequestState state, boolean locked, @Nullable RequestId trigger) {}

  /** One user's requests and the locks that touch them, as the model holds them. */
  private static final class UserModel {
    final UserName name;
    final Map<RequestId, AccessRequest> requests = new LinkedHashMap<>();
    final Map<LockId, Lock> locks = new LinkedHashMap<>();

    UserModel(UserName name) {
      this.name = name;
    }
  }

  private final PolicyEngine engine;
  private final Catalog catalog;
  private final Map<UserName, UserModel> users = new HashMap<>();
  private final Map<RequestId, UserName> owners = new HashMap<>();
  private final List<Lock> roleLocks = new ArrayList<>();
  private final Map<RequestId, RequestId> triggers = new HashMap<>();

  public Replay(Policy policy, Catalog catalog) {
    this.engine = new PolicyEngine(policy);
    this.catalog = catalog;
  }

  /** Takes in what the broker held before the load: requests first, then the locks on them. */
  public void seed(List<RequestObject> requests, List<LockObject> locks) {
    for (RequestObject request : requests) {
      AccessRequest model = toModel(request);
      user(model.user()).requests.put(model.id(), model);
      owners.put(model.id(), model.user());
    }
    for (LockObject lock : locks) {
      switch (lock.target()) {
        case LockTarget.Request r -> {
          UserName owner = owners.get(r.id());
          if (owner != null) {
            user(owner).locks.put(lock.id(), lock.toLock());
          }
        }
        case LockTarget.User u -> user(u.name()).locks.put(lock.id(), lock.toLock());
        case LockTarget.Role r -> roleLocks.add(lock.toLock());
        case LockTarget.Identity i -> {
          // Identity locks stop callers, not grants; decide does not read them.
        }
      }
    }
  }

  /** Replays the load's requests as the broker created them. */
  public void replay(List<RequestObject> created) {
    List<AccessRequest> ordered = new ArrayList<>(created.size());
    for (RequestObject request : created) {
      ordered.add(toModel(request));
    }
    ordered.sort(OLDEST_FIRST);
    for (AccessRequest request : ordered) {
      UserModel model = user(request.user());
      model.requests.put(request.id(), request);
      owners.put(request.id(), request.user());
      reconcile(model, request.id(), request.created());
    }
  }

  /** The predicted state of a request at {@code at}, after the whole load. */
  public Prediction prediction(RequestId id, Instant at) {
    UserName owner = owners.get(id);
    if (owner == null) {
      throw new IllegalArgumentException("bug: request " + id + " was never replayed");
    }
    UserModel model = users.get(owner);
    AccessRequest request = model.requests.get(id);
    boolean locked = state(model).isLocked(request, at);
    return new Prediction(request.state(), locked, triggers.get(id));
  }

  /** Every lock the model holds, seeded or predicted. */
  public Set<LockId> locks() {
    Set<LockId> ids = new HashSet<>();
    for (UserModel model : users.values()) {
      ids.addAll(model.locks.keySet());
    }
    roleLocks.forEach(lock -> ids.add(lock.id()));
    return ids;
  }

  private void reconcile(UserModel model, RequestId trigger, Instant start) {
    Instant now = start;
    for (int pass = 0; pass < MAX_PASSES; pass++) {
      boolean changed = false;
      Set<RequestId> decided = new HashSet<>();
      while (true) {
        UserState state = state(model);
        @Nullable AccessRequest next = nextPending(model, decided);
        Decision decision =
            next == null ? engine.decide(state, now) : engine.decide(state, next.id(), now);
        if (next != null) {
          decided.add(next.id());
        }
        changed |= apply(model, decision, trigger, now);
        // The broker stamps each review as it comes; successive decisions never share a time.
        now = now.plus(Duration.ofNanos(1000));
        if (next == null) {
          break;
        }
      }
      if (!changed) {
        return;
      }
    }
    throw new IllegalStateException(
        "bug: the replay of " + model.name + " did not settle in " + MAX_PASSES + " passes");
  }

  private boolean apply(UserModel model, Decision decision, RequestId trigger, Instant now) {
    boolean changed = false;
    for (Action action : decision.actions()) {
      switch (action) {
        case Action.Lock lock -> {
          if (!model.locks.containsKey(lock.id())) {
            model.locks.put(
                lock.id(), new Lock(lock.id(), lock.target(), lock.message(), lock.expires()));
            changed = true;
          }
        }
        case Action.Approve approve -> {
          AccessRequest request = model.requests.get(approve.request());
          model.requests.put(request.id(), request.approvedAt(now, catalog));
          triggers.put(request.id(), trigger);
          changed = true;
        }
        case Action.Deny deny -> {
          AccessRequest request = model.requests.get(deny.request());
          model.requests.put(request.id(), request.withState(RequestState.DENIED));
          triggers.put(request.id(), trigger);
          changed = true;
        }
      }
    }
    return changed;
  }

  private UserState state(UserModel model) {
    List<Lock> locks = new ArrayList<>(model.locks.values());
    locks.addAll(roleLocks);
    return new UserState(
        catalog.userOrUnlisted(model.name), List.copyOf(model.requests.values()), locks, catalog);
  }

  private static @Nullable AccessRequest nextPending(UserModel model, Set<RequestId> decided) {
    @Nullable AccessRequest next = null;
    for (AccessRequest request : model.requests.values()) {
      if (request.isPending()
          && !decided.contains(request.id())
          && (next == null || OLDEST_FIRST.compare(request, next) < 0)) {
        next = request;
      }
    }
    return next;
  }

  private UserModel user(UserName name) {
    return users.computeIfAbsent(name, UserModel::new);
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
