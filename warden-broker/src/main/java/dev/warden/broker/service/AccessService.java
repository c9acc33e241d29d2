package dev.warden.broker.service;

import dev.warden.api.v1.AccessView;
import dev.warden.api.v1.AuditEvent;
import dev.warden.api.v1.CatalogObject;
import dev.warden.api.v1.EventList;
import dev.warden.api.v1.LockList;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.Problem.FieldError;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.WhoAmI;
import dev.warden.broker.auth.Caller;
import dev.warden.broker.auth.Resource;
import dev.warden.broker.auth.Subject;
import dev.warden.broker.auth.Verb;
import dev.warden.broker.catalog.CatalogSource;
import dev.warden.broker.expiry.ExpiryScheduler;
import dev.warden.broker.failure.CallFailure;
import dev.warden.broker.store.BrokerStore;
import dev.warden.broker.store.Listing;
import dev.warden.broker.store.LockWrite;
import dev.warden.broker.store.RequestFilter;
import dev.warden.broker.store.ReviewDecision;
import dev.warden.broker.store.ReviewOutcome;
import dev.warden.broker.store.StoredLock;
import dev.warden.broker.store.StoredRequest;
import dev.warden.broker.watch.ChangeFeed;
import dev.warden.broker.watch.LockIndex;
import dev.warden.core.Identifiers;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** The broker's API v1 operations, one method per endpoint, for an authenticated caller. */
public final class AccessService {

  /** The most roles plus resources one request may name. */
  public static final int MAX_ITEMS = 64;

  /** The ttl of a request that names none. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  /**
   * The latest time a request may end or a lock expire: RFC 3339, the API's time format, has
   * four-digit years. The store keeps microseconds since 1970 in 64 bits, which reaches further but
   * not to every {@link Instant}; a later time used to reach it and fail there, as a 500.
   */
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  /** The earliest time a lock may expire, for the same reason as {@link #LATEST}. */
  public static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");

  private static final Duration CATCH_UP = Duration.ofSeconds(2);
  private static final int AUDIT_PAGE = 1000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final BrokerStore store;
  private final CatalogSource catalog;
  private final ChangeFeed feed;
  private final ExpiryScheduler expiry;
  private final Clock clock;

  public AccessService(
      BrokerStore store,
      CatalogSource catalog,
      ChangeFeed feed,
      ExpiryScheduler expiry,
      Clock clock) {
    this.store = store;
    this.catalog = catalog;
    this.feed = feed;
    this.expiry = expiry;
    this.clock = clock;
  }

  /** {@code GET /v1/whoami}. */
  public WhoAmI whoami(Caller caller) {
    return new WhoAmI(
        caller.name(),
        caller.roleNames(),
        caller.permissions(),
        caller.expires(),
        caller.serial(),
        caller.kind().wireName());
  }

  /** {@code GET /v1/catalog}. */
  public CatalogObject catalog(Caller caller) {
    caller.require(Verb.READ, Resource.CATALOG);
    return CatalogObject.of(catalog.current());
  }

  /** {@code POST /v1/requests}. */
  public RequestObject createRequest(Caller caller, NewRequest body) {
    UserName user = body.user() != null ? body.user() : callerAsUser(caller);
    requireMayCreateFor(caller, user);
    Instant now = clock.instant();
    dev.warden.broker.store.NewRequest request = validate(body, user, catalog.current(), now);
    refuseIfUserLocked(user, now);

    StoredRequest stored = store.createRequest(request, caller.actor(), now);

    expiry.dueBy(stored.request().created().plus(expiry.pendingTtl()));
    return render(stored, now);
  }

  /**
   * {@code GET /v1/requests}, handing each request to {@code each} as the store reads it, so that a
   * listing of any length is never held in memory; the caller's permission is checked before the
   * first one.
   *
   * @return the version the listing was read at
   */
  public long listRequests(
      Caller caller,
      @Nullable RequestState state,
      @Nullable UserName user,
      Consumer<RequestObject> each) {
    UserName only = user;
    if (!caller.may(Verb.LIST, Resource.REQUESTS)) {
      UserName self = callerAsUser(caller);
      if (!caller.may(Verb.LIST, Resource.REQUESTS, Subject.requestOf(self.value()))) {
        throw caller.forbidden(Verb.LIST, Resource.REQUESTS, "");
      }
      if (user != null && !user.equals(self)) {
        throw caller.forbidden(
            Verb.LIST, Resource.REQUESTS, "it may list only its own requests (user=" + self + ")");
      }
      only = self;
    }
    Instant now = clock.instant();
    LockIndex locks = feed.locks();
    return store.requests(
        new RequestFilter(state, only),
        stored -> each.accept(Renderer.request(stored, locks, now)));
  }

  /** {@code GET /v1/requests/{id}}. */
  public RequestObject getRequest(Caller caller, RequestId id) {
    StoredRequest stored = findRequest(id);
    String owner = stored.request().user().value();
    caller.require(
        Verb.READ,
        Resource.REQUESTS,
        Subject.requestOf(owner),
        owner.equals(caller.name()) ? "" : "request " + id + " belongs to another user");
    return render(stored, clock.instant());
  }

  /** {@code POST /v1/requests/{id}/reviews}. */
  public RequestObject review(Caller caller, RequestId id, NewReview body) {
    // Only a caller whose permission depends on whose request it is (a reviewer, never for its
    // own) needs the request read first; for one that may review every request, that read would
    // only repeat the one the store makes under its write lock, and a missing request is found
    // there as well.
    if (!caller.may(Verb.REVIEW, Resource.REQUESTS)) {
      requireMayReview(caller, findRequest(id));
    }
    if (body.decisionId() != null && !Identifiers.isSafe(body.decisionId())) {
      throw invalid(
          new FieldError("decisionId", "must be a safe id (letters, digits, . _ : / @ -)"));
    }
    Instant now = clock.instant();
    var review =
        new dev.warden.broker.store.NewReview(
            ReviewDecision.valueOf(body.decision().name()),
            body.reason(),
            body.decisionId(),
            catalog.current());

    ReviewOutcome outcome = store.review(id, review, caller.actor(), now);

    return switch (outcome) {
      case ReviewOutcome.Reviewed reviewed -> {
        Instant expires = reviewed.request().request().expires();
        if (expires != null) {
          expiry.dueBy(expires);
        }
        yield render(reviewed.request(), now);
      }
      case ReviewOutcome.Conflict conflict ->
          throw new CallFailure.Conflict(
              "request " + id + " is " + conflict.current().state() + ", no longer PENDING",
              render(conflict.current(), now));
      case ReviewOutcome.NotFound missing -> throw notFound("request", id.value());
    };
  }

  /** {@code GET /v1/locks}. */
  public LockList listLocks(Caller caller) {
    caller.require(Verb.LIST, Resource.LOCKS);
    Listing<StoredLock> listing = store.locks();
    Instant now = clock.instant();
    return new LockList(
        listing.items().stream().map(l -> Renderer.lock(l, now)).toList(),
        listing.resourceVersion());
  }

  /** {@code GET /v1/locks/{id}}. */
  public LockObject getLock(Caller caller, LockId id) {
    caller.require(Verb.READ, Resource.LOCKS);
    StoredLock lock = store.lock(id).orElseThrow(() -> notFound("lock", id.value()));
    return Renderer.lock(lock, clock.instant());
  }

  /** The outcome of {@code POST /v1/locks}: the lock and whether it is new. */
  public record CreatedLock(LockObject lock, boolean created) {}

  /** {@code POST /v1/locks}. */
  public CreatedLock createLock(Caller caller, NewLock body) {
    LockId id = body.id() != null ? body.id() : newLockId(caller);
    requireMayWriteLock(caller, Verb.CREATE, id);
    Instant now = clock.instant();
    requireWritable(body.expires());
    Lock lock = new Lock(id, body.target(), body.message(), body.expires());

    LockWrite write = store.createLock(lock, caller.actor(), now);

    return switch (write) {
      case LockWrite.Created created -> {
        feed.catchUp(created.lock().resourceVersion(), CATCH_UP);
        yield new CreatedLock(Renderer.lock(created.lock(), now), true);
      }
      case LockWrite.Unchanged unchanged ->
          new CreatedLock(Renderer.lock(unchanged.lock(), now), false);
      case LockWrite.Conflict conflict ->
          throw new CallFailure.Conflict(
              "lock " + id + " exists with other content; delete it first or use another id",
              Renderer.lock(conflict.lock(), now));
    };
  }

  /** {@code DELETE /v1/locks/{id}}. */
  public void deleteLock(Caller caller, LockId id) {
    requireMayWriteLock(caller, Verb.DELETE, id);
    if (!store.deleteLock(id, caller.actor(), clock.instant())) {
      throw notFound("lock", id.value());
    }
    feed.catchUp(store.currentVersion(), CATCH_UP);
  }

  /** {@code GET /v1/access/{user}}. */
  public AccessView access(Caller caller, UserName user) {
    caller.require(Verb.LIST, Resource.REQUESTS);
    caller.require(Verb.LIST, Resource.LOCKS);
    Instant now = clock.instant();
    LockIndex locks = feed.locks();
    List<StoredRequest> requests = store.requests(RequestFilter.ofUser(user)).items();

    List<RequestObject> active = new ArrayList<>();
    Set<Lock> touching = new java.util.LinkedHashSet<>();
    for (StoredRequest request : requests) {
      RequestObject rendered = Renderer.request(request, locks, now);
      if (rendered.active()) {
        active.add(rendered);
      }
      touching.addAll(Renderer.touching(request.request(), locks, now));
    }
    for (LockTarget target :
        List.of(new LockTarget.User(user), new LockTarget.Identity(user.value()))) {
      for (Lock lock : locks.on(target)) {
        if (lock.inForceAt(now)) {
          touching.add(lock);
        }
      }
    }
    List<LockObject> lockObjects = new ArrayList<>();
    for (Lock lock : touching) {
      StoredLock stored = feed.storedLock(lock.id());
      if (stored != null) {
        lockObjects.add(Renderer.lock(stored, now));
      }
    }
    return new AccessView(user, active, lockObjects);
  }

  /** {@code GET /v1/events}. */
  public EventList events(Caller caller, long since) {
    caller.require(Verb.LIST, Resource.EVENTS);
    long version = store.currentVersion();
    List<AuditEvent> items =
        store.auditSince(since, AUDIT_PAGE).stream().map(AccessService::audit).toList();
    return new EventList(items, version);
  }

  /** Whether an identity lock in force cuts off {@code caller}; admins are never cut off. */
  public Optional<Lock> identityLock(Caller caller) {
    if (caller.isAdmin()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    for (Lock lock : feed.locks().on(new LockTarget.Identity(caller.name()))) {
      if (lock.inForceAt(now)) {
        return Optional.of(lock);
      }
    }
    return Optional.empty();
  }

  private static AuditEvent audit(dev.warden.broker.store.AuditEvent event) {
    return new AuditEvent(
        event.version(),
        event.time(),
        event.action().name(),
        event.kind(),
        event.objectId(),
        new AuditEvent.Actor(
            event.actor().name(), event.actor().serial().isEmpty() ? null : event.actor().serial()),
        event.reason() == null ? "" : event.reason(),
        event.decisionId());
  }

  private RequestObject render(StoredRequest stored, Instant now) {
    return Renderer.request(stored, feed.locks(), now);
  }

  private StoredRequest findRequest(RequestId id) {
    return store.request(id).orElseThrow(() -> notFound("request", id.value()));
  }

  private static CallFailure.NotFound notFound(String kind, String id) {
    return new CallFailure.NotFound("there is no " + kind + " with id '" + id + "'");
  }

  private static UserName callerAsUser(Caller caller) {
    return UserName.of(caller.name());
  }

  private static void requireMayCreateFor(Caller caller, UserName user) {
    boolean self = user.value().equals(caller.name());
    caller.require(
        Verb.CREATE,
        Resource.REQUESTS,
        Subject.requestOf(user.value()),
        self ? "" : "only an admin may create a request for another user (" + user + ")");
  }

  private static void requireMayReview(Caller caller, StoredRequest request) {
    String owner = request.request().user().value();
    boolean own = owner.equals(caller.name());
    caller.require(
        Verb.REVIEW,
        Resource.REQUESTS,
        Subject.requestOf(owner),
        own
            ? "request "
                + request.id()
                + " is its own, and a reviewer never reviews its own request"
            : "");
  }

  private static void requireMayWriteLock(Caller caller, Verb verb, LockId id) {
    List<String> scopes = caller.scopes(verb, Resource.LOCKS);
    caller.require(
        verb,
        Resource.LOCKS,
        Subject.lock(id.value()),
        scopes.isEmpty()
            ? ""
            : "it may "
                + verb.wireName()
                + " only locks whose id matches "
                + String.join(" or ", scopes)
                + ", and '"
                + id
                + "' does not");
  }

  /**
   * A fresh lock id. A caller that may create only some locks gets one within the first of its
   * prefixes, so that leaving the id out never makes a lock it may not create.
   */
  private static LockId newLockId(Caller caller) {
    String suffix = HexFormat.of().formatHex(randomBytes());
    String prefix = "lock-";
    if (!caller.may(Verb.CREATE, Resource.LOCKS)) {
      List<String> scopes = caller.scopes(Verb.CREATE, Resource.LOCKS);
      if (!scopes.isEmpty()) {
        prefix = scopes.get(0).substring(0, scopes.get(0).length() - 1);
      }
    }
    return LockId.of(prefix + suffix);
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private void refuseIfUserLocked(UserName user, Instant now) {
    for (Lock lock : feed.locks().on(new LockTarget.User(user))) {
      if (lock.inForceAt(now)) {
        throw new CallFailure.Refused(
            "user-locked",
            "user "
                + user
                + " is locked by lock "
                + lock.id()
                + (lock.message().isEmpty() ? "" : " (" + lock.message() + ")")
                + " and cannot ask for access while it is in force");
      }
    }
  }

  private static dev.warden.broker.store.NewRequest validate(
      NewRequest body, UserName user, Catalog catalog, Instant now) {
    List<FieldError> errors = new ArrayList<>();
    int items = body.roles().size() + body.resources().size();
    if (items == 0) {
      errors.add(new FieldError("roles", "a request names at least one role or resource"));
    }
    if (items > MAX_ITEMS) {
      errors.add(
          new FieldError(
              "roles",
              "the request names "
                  + body.roles().size()
                  + " roles and "
                  + body.resources().size()
                  + " resources; the limit is "
                  + MAX_ITEMS
                  + " together"));
    }
    Set<RoleName> roles = new HashSet<>();
    for (int i = 0; i < body.roles().size() && items <= MAX_ITEMS; i++) {
      RoleName role = body.roles().get(i);
      if (catalog.role(role).isEmpty()) {
        errors.add(new FieldError("roles[" + i + "]", "role '" + role + "' is not in the catalog"));
      } else if (!roles.add(role)) {
        errors.add(new FieldError("roles[" + i + "]", "role '" + role + "' is named twice"));
      }
    }
    Set<ResourceId> resources = new HashSet<>();
    for (int i = 0; i < body.resources().size() && items <= MAX_ITEMS; i++) {
      ResourceId resource = body.resources().get(i);
      if (catalog.resource(resource).isEmpty()) {
        errors.add(
            new FieldError(
                "resources[" + i + "]", "resource '" + resource + "' is not in the catalog"));
      } else if (!resources.add(resource)) {
        errors.add(
            new FieldError("resources[" + i + "]", "resource '" + resource + "' is named twice"));
      }
    }
    if (body.reason().isBlank()) {
      errors.add(new FieldError("reason", "is required: say why access is needed"));
    }
    Duration ttl = body.ttl() == null ? DEFAULT_TTL : body.ttl();
    if (ttl.isNegative() || ttl.isZero()) {
      errors.add(new FieldError("ttl", "must be positive, not " + ttl));
    } else if (ttl.truncatedTo(ChronoUnit.MICROS).isZero()) {
      errors.add(new FieldError("ttl", "must be at least a microsecond, not " + ttl));
    } else if (ttl.compareTo(Duration.between(now, LATEST)) > 0) {
      errors.add(
          new FieldError("ttl", ttl + " would end the request after " + LATEST + ", the latest"));
    }
    if (!errors.isEmpty()) {
      throw new CallFailure.InvalidInput("the request is not acceptable", errors);
    }
    return new dev.warden.broker.store.NewRequest(
        user, body.roles(), body.resources(), body.reason(), ttl);
  }

  private static void requireWritable(@Nullable Instant expires) {
    if (expires != null && (expires.isBefore(EARLIEST) || expires.isAfter(LATEST))) {
      throw invalid(
          new FieldError(
              "expires",
              expires + " is outside " + EARLIEST + " to " + LATEST + ", the times kept"));
    }
  }

  private static CallFailure.InvalidInput invalid(FieldError error) {
    return new CallFailure.InvalidInput(error.field() + " " + error.detail(), List.of(error));
  }
}
