package dev.warden.broker.store;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Fills a broker's SQLite store with a day of requests, for measurements that need a large access
 * plane (the watcher's memory with a million requests).
 *
 * <p>Writes go through the store's own tables, event log and group-commit writer, but many thousand
 * requests to one transaction: through {@link BrokerStore#createRequest} and {@link
 * BrokerStore#review} each request would cost its own operation, and a million of them hours. What
 * is written is what the broker would have written: a pending snapshot and its {@code ADDED} event
 * at creation, then the final snapshot and its {@code MODIFIED} event when it was decided. An
 * approved request that has since expired gets only the expiry event, not the approval's as well;
 * nothing reads the history of a seeded store, only the current state and the version.
 *
 * <p>The mix follows a busy day: creation times spread over the last 23 hours, about 3% still
 * pending (only within the pending ttl), 12% denied, the approved ones active while their ttl runs
 * and expired after, pending ones past the pending ttl expired unreviewed.
 */
public final class LargeStore {

  private static final int PER_TRANSACTION = 5_000;
  private static final Duration PENDING_TTL = Duration.ofHours(1);
  private static final Duration SPREAD = Duration.ofHours(23);
  private static final Actor WATCHER = new Actor("watcher", "5eed");
  private static final Actor EXPIRY = Actor.system("broker");

  /** Requests of one environment, as the example catalog lists them. */
  private record Environment(List<String> roles, List<String> resources) {}

  private static final List<Environment> ENVIRONMENTS =
      List.of(
          new Environment(
              List.of("prod-db", "prod-deploy", "prod-readonly"),
              List.of("node/prod-web-1", "node/prod-web-2", "db/prod-orders", "db/prod-payments")),
          new Environment(
              List.of("research-notebook", "research-gpu"),
              List.of("node/research-gpu-1", "bucket/research-datasets")),
          new Environment(
              List.of("dev-admin", "dev-db"), List.of("node/dev-web-1", "db/dev-orders")));

  private static final List<String> REASONS =
      List.of(
          "investigating the checkout latency",
          "rotating the database credentials",
          "deploying the payments hotfix",
          "debugging a failed nightly job",
          "reviewing the access logs for an audit",
          "training run for the ranking model");

  /** At most the shortest {@code maxTtl} of the example catalog, so expiry is just the ttl. */
  private static final List<Duration> TTLS =
      List.of(Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4));

  /** How many requests ended in each state. */
  public record Counts(int pending, int approved, int denied, int expired, long version) {

    public int total() {
      return pending + approved + denied + expired;
    }
  }

  private LargeStore() {}

  /**
   * Creates the store {@code dataDir/broker.db} (or adds to it) with {@code requests} requests of
   * {@code users} users named {@code user-000000} onwards, decided as of {@code now}.
   */
  public static Counts seed(Path dataDir, int requests, int users, Instant now, long seed) {
    Random random = new Random(seed);
    long[] createdUs = creationTimes(random, requests, now);
    int[] counts = new int[RequestState.values().length];
    long version = 0;
    try (BrokerStore store = SqliteStore.open(dataDir)) {
      JdbcBrokerStore jdbc = (JdbcBrokerStore) store;
      Snapshots snapshots = new Snapshots();
      RequestTable table = new RequestTable(snapshots);
      EventLog events = new EventLog(snapshots);
      RequestIds ids = new RequestIds();
      for (int from = 0; from < requests; from += PER_TRANSACTION) {
        int to = Math.min(requests, from + PER_TRANSACTION);
        int first = from;
        version =
            jdbc.writer()
                .execute(
                    transaction -> {
                      for (int i = first; i < to; i++) {
                        AccessRequest pending =
                            pending(ids.next(), user(random, users), random, createdUs[i], now, i);
                        RequestState end =
                            write(transaction, table, events, snapshots, pending, random, now);
                        counts[end.ordinal()]++;
                      }
                      return transaction.version();
                    });
      }
    }
    return new Counts(
        counts[RequestState.PENDING.ordinal()],
        counts[RequestState.APPROVED.ordinal()],
        counts[RequestState.DENIED.ordinal()],
        counts[RequestState.EXPIRED.ordinal()],
        version);
  }

  private static long[] creationTimes(Random random, int requests, Instant now) {
    long nowUs = Micros.of(now);
    long spreadUs = SPREAD.toNanos() / 1000;
    long[] created = new long[requests];
    for (int i = 0; i < requests; i++) {
      created[i] = nowUs - (long) (random.nextDouble() * spreadUs);
    }
    // The store lists in creation order, and creation versions follow creation times.
    Arrays.sort(created);
    return created;
  }

  private static UserName user(Random random, int users) {
    return UserName.of("user-%06d".formatted(random.nextInt(users)));
  }

  private static AccessRequest pending(
      RequestId id, UserName user, Random random, long createdUs, Instant now, int index) {
    Environment environment = ENVIRONMENTS.get(random.nextInt(ENVIRONMENTS.size()));
    List<RoleName> roles =
        List.of(RoleName.of(environment.roles().get(random.nextInt(environment.roles().size()))));
    List<ResourceId> resources = new ArrayList<>();
    int count = 1 + random.nextInt(2);
    for (int i = 0; i < count; i++) {
      ResourceId resource =
          ResourceId.of(
              environment.resources().get(random.nextInt(environment.resources().size())));
      if (!resources.contains(resource)) {
        resources.add(resource);
      }
    }
    String reason =
        "INC-" + (10_000 + index % 90_000) + " " + REASONS.get(random.nextInt(REASONS.size()));
    return AccessRequest.pending(
        id,
        user,
        roles,
        resources,
        reason,
        TTLS.get(random.nextInt(TTLS.size())),
        Micros.toInstant(createdUs));
  }

  /** Writes one request's creation and, when it is decided by now, its decision. */
  private static RequestState write(
      WriteTransaction transaction,
      RequestTable table,
      EventLog events,
      Snapshots snapshots,
      AccessRequest pending,
      Random random,
      Instant now)
      throws SQLException {
    StoredRequest created = new StoredRequest(pending, List.of(), transaction.nextVersion());
    String json = snapshots.write(created);
    table.insert(transaction.session(), created, json);
    events.append(
        transaction,
        new EventLog.Entry(
            ChangeType.ADDED,
            created,
            json,
            AuditAction.REQUEST_CREATED,
            WATCHER,
            pending.created(),
            pending.reason(),
            null));

    Decided decided = decide(pending, random, now);
    if (decided == null) {
      return RequestState.PENDING;
    }
    StoredRequest last =
        new StoredRequest(decided.request(), decided.reviews(), transaction.nextVersion());
    String lastJson = snapshots.write(last);
    table.update(transaction.session(), last, lastJson);
    events.append(
        transaction,
        new EventLog.Entry(
            ChangeType.MODIFIED,
            last,
            lastJson,
            decided.action(),
            decided.actor(),
            decided.time(),
            decided.reason(),
            null));
    return decided.request().state();
  }

  private record Decided(
      AccessRequest request,
      List<Review> reviews,
      AuditAction action,
      Actor actor,
      Instant time,
      String reason) {}

  private static Decided decide(AccessRequest pending, Random random, Instant now) {
    Instant created = pending.created();
    Instant reviewed = Micros.truncate(created.plusMillis(500 + random.nextInt(60_000)));
    boolean recent = created.isAfter(now.minus(PENDING_TTL).plusSeconds(600));
    double roll = random.nextDouble();
    if ((recent && roll < 0.6) || reviewed.isAfter(now)) {
      return null;
    }
    if (!recent && roll < 0.03) {
      Instant at = created.plus(PENDING_TTL);
      return new Decided(
          pending.withState(RequestState.EXPIRED),
          List.of(),
          AuditAction.REQUEST_EXPIRED,
          EXPIRY,
          at,
          "not reviewed within the pending ttl of " + PENDING_TTL);
    }
    String decisionId = UUID.nameUUIDFromBytes(pending.id().value().getBytes()).toString();
    if (roll < 0.15) {
      String reason = "denied by rule reason-required";
      return new Decided(
          pending.withState(RequestState.DENIED),
          List.of(new Review(WATCHER, ReviewDecision.DENY, reason, decisionId, reviewed)),
          AuditAction.REQUEST_DENIED,
          WATCHER,
          reviewed,
          reason);
    }
    String reason = "complies with every rule of policy default";
    List<Review> reviews =
        List.of(new Review(WATCHER, ReviewDecision.APPROVE, reason, decisionId, reviewed));
    AccessRequest approved =
        new AccessRequest(
            pending.id(),
            pending.user(),
            pending.roles(),
            pending.resources(),
            pending.reason(),
            pending.ttl(),
            RequestState.APPROVED,
            created,
            reviewed,
            reviewed.plus(pending.ttl()));
    if (approved.expires().isAfter(now)) {
      return new Decided(
          approved, reviews, AuditAction.REQUEST_APPROVED, WATCHER, reviewed, reason);
    }
    return new Decided(
        approved.withState(RequestState.EXPIRED),
        reviews,
        AuditAction.REQUEST_EXPIRED,
        EXPIRY,
        approved.expires(),
        "access ended at " + approved.expires());
  }
}
