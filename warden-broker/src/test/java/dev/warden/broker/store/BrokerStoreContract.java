package dev.warden.broker.store;

import static dev.warden.broker.store.Fixtures.ALICE;
import static dev.warden.broker.store.Fixtures.PROD_DB;
import static dev.warden.broker.store.Fixtures.STAGING;
import static dev.warden.broker.store.Fixtures.SYSTEM;
import static dev.warden.broker.store.Fixtures.T0;
import static dev.warden.broker.store.Fixtures.WATCHER;
import static dev.warden.broker.store.Fixtures.approve;
import static dev.warden.broker.store.Fixtures.deny;
import static dev.warden.broker.store.Fixtures.request;
import static dev.warden.broker.store.Fixtures.userLock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.UserName;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BrokerStore} must show, run against each database by a subclass that
 * says how to open a store on a fresh database of its own.
 */
abstract class BrokerStoreContract {

  private final List<BrokerStore> opened = new ArrayList<>();
  BrokerStore store;

  /** The store URL of this test's database, null for SQLite. */
  abstract @Nullable String storeUrl();

  /** The data directory of this test's store. */
  abstract Path dataDir();

  /** Opens a new store object on this test's database; a second call opens a second object. */
  BrokerStore openStore() {
    return BrokerStores.open(storeUrl(), dataDir());
  }

  /** Called once every store this test opened is closed, to drop the test's database. */
  void afterStoresClosed() throws Exception {}

  BrokerStore open() {
    BrokerStore opened = openStore();
    this.opened.add(opened);
    return opened;
  }

  BrokerStore reopen() {
    store.close();
    store = open();
    return store;
  }

  @BeforeEach
  void openFirstStore() {
    store = open();
  }

  @AfterEach
  void closeOpenedStores() throws Exception {
    opened.forEach(BrokerStore::close);
    afterStoresClosed();
  }

  // --- creating and reading requests

  @Test
  void createRequest_returnsPendingRequestWithUnguessableIdAndFirstVersion() {
    StoredRequest created = store.createRequest(request("alice"), ALICE, T0);

    assertThat(created.id()).matches("r-[a-z2-7]{20}");
    assertThat(created.state()).isEqualTo(RequestState.PENDING);
    assertThat(created.resourceVersion()).isEqualTo(1);
    assertThat(created.request().created()).isEqualTo(T0);
    assertThat(created.request().approved()).isNull();
    assertThat(created.reviews()).isEmpty();
    assertThat(store.request(created.requestId())).contains(created);
    assertThat(store.currentVersion()).isEqualTo(1);
  }

  @Test
  void createRequest_truncatesTimesToMicroseconds() {
    Instant withNanos = T0.plusNanos(1_234_567);

    StoredRequest created = store.createRequest(request("alice"), ALICE, withNanos);

    assertThat(created.request().created()).isEqualTo(T0.plusNanos(1_234_000));
    assertThat(store.request(created.requestId()).orElseThrow()).isEqualTo(created);
  }

  @Test
  void createRequest_fromManyThreads_givesDistinctIdsAndEveryVersionOnce() throws Exception {
    int threads = 16;
    int perThread = 40;

    List<StoredRequest> created = inParallel(threads, perThread, i -> create("user-" + (i % 5)));

    assertThat(created).extracting(StoredRequest::id).doesNotHaveDuplicates();
    assertThat(created)
        .extracting(StoredRequest::resourceVersion)
        .containsExactlyInAnyOrderElementsOf(range(1, threads * perThread));
    assertThat(store.currentVersion()).isEqualTo(threads * perThread);
  }

  @Test
  void request_whenUnknown_isEmpty() {
    Optional<StoredRequest> found = store.request(RequestId.of("r-doesnotexist"));

    assertThat(found).isEmpty();
  }

  @Test
  void requests_filtersByStateAndUserAndCarriesTheSnapshotVersion() {
    StoredRequest alicePending = create("alice");
    StoredRequest aliceApproved = approved(create("alice"));
    StoredRequest bobPending = create("bob");

    Listing<StoredRequest> all = store.requests(RequestFilter.all());
    Listing<StoredRequest> alice = store.requests(RequestFilter.ofUser(UserName.of("alice")));
    Listing<StoredRequest> pending = store.requests(RequestFilter.inState(RequestState.PENDING));
    Listing<StoredRequest> alicePendingOnly =
        store.requests(new RequestFilter(RequestState.PENDING, UserName.of("alice")));

    assertThat(all.items()).extracting(StoredRequest::id).hasSize(3);
    assertThat(all.resourceVersion()).isEqualTo(4);
    assertThat(alice.items()).containsExactly(alicePending, aliceApproved);
    assertThat(pending.items()).containsExactly(alicePending, bobPending);
    assertThat(alicePendingOnly.items()).containsExactly(alicePending);
  }

  @Test
  void requests_listedWhileWriting_holdExactlyTheChangesUpToTheirVersion() throws Exception {
    ExecutorService writers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        writes.add(writers.submit(() -> create("alice")));
      }

      for (int i = 0; i < 20; i++) {
        Listing<StoredRequest> listing = store.requests(RequestFilter.all());

        // Each creation is one version, so a consistent snapshot at version N holds N requests.
        assertThat(listing.items()).hasSize((int) listing.resourceVersion());
      }
      for (Future<?> write : writes) {
        write.get(30, TimeUnit.SECONDS);
      }
    } finally {
      writers.shutdownNow();
    }
  }

  // --- reviews

  @Test
  void review_approve_setsApprovedAndExpiresCappedByTheRolesMaxTtl() {
    StoredRequest capped = store.createRequest(request("alice", PROD_DB, hours(4)), ALICE, T0);
    StoredRequest uncapped = store.createRequest(request("alice", STAGING, hours(4)), ALICE, T0);
    Instant at = T0.plusSeconds(60);

    StoredRequest cappedAfter = reviewed(store.review(capped.requestId(), approve(), WATCHER, at));
    StoredRequest uncappedAfter =
        reviewed(store.review(uncapped.requestId(), approve(), WATCHER, at));

    assertThat(cappedAfter.state()).isEqualTo(RequestState.APPROVED);
    assertThat(cappedAfter.request().approved()).isEqualTo(at);
    assertThat(cappedAfter.request().expires()).isEqualTo(at.plus(hours(2)));
    assertThat(uncappedAfter.request().expires()).isEqualTo(at.plus(hours(4)));
    assertThat(cappedAfter.resourceVersion()).isEqualTo(3);
    assertThat(cappedAfter.reviews())
        .containsExactly(
            new Review(WATCHER, ReviewDecision.APPROVE, "within policy", "d-approve-1", at));
    assertThat(store.request(capped.requestId())).contains(cappedAfter);
  }

  @Test
  void review_deny_endsTheRequestWithoutGrantingIt() {
    StoredRequest created = create("alice");

    StoredRequest denied = reviewed(store.review(created.requestId(), deny(), WATCHER, T0));

    assertThat(denied.state()).isEqualTo(RequestState.DENIED);
    assertThat(denied.request().approved()).isNull();
    assertThat(denied.request().expires()).isNull();
    assertThat(denied.reviews()).extracting(Review::decision).containsExactly(ReviewDecision.DENY);
  }

  @Test
  void review_whenRequestNoLongerPending_returnsConflictWithTheCurrentRequest() {
    StoredRequest approved = approved(create("alice"));

    ReviewOutcome outcome = store.review(approved.requestId(), deny(), WATCHER, T0);

    assertThat(outcome).isEqualTo(new ReviewOutcome.Conflict(approved));
    assertThat(store.currentVersion()).isEqualTo(approved.resourceVersion());
  }

  @Test
  void review_whenRequestUnknown_returnsNotFound() {
    RequestId unknown = RequestId.of("r-unknown");

    ReviewOutcome outcome = store.review(unknown, approve(), WATCHER, T0);

    assertThat(outcome).isEqualTo(new ReviewOutcome.NotFound(unknown));
    assertThat(store.currentVersion()).isZero();
  }

  @Test
  void review_fromManyThreadsOnTwoStoreObjects_letsExactlyOneWinPerRequest() throws Exception {
    BrokerStore other = open();
    int requests = 10;
    int threads = 16;
    List<StoredRequest> created = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      created.add(create("alice"));
    }

    List<ReviewOutcome> outcomes = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (StoredRequest request : created) {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<?>> reviews = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          // Half the reviewers go through a second store object, as a second broker would.
          BrokerStore via = t % 2 == 0 ? store : other;
          NewReview review = t % 3 == 0 ? deny() : approve();
          reviews.add(
              pool.submit(
                  () -> {
                    start.await(10, TimeUnit.SECONDS);
                    return outcomes.add(via.review(request.requestId(), review, WATCHER, T0));
                  }));
        }
        for (Future<?> review : reviews) {
          review.get(30, TimeUnit.SECONDS);
        }
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(outcomes.stream().filter(ReviewOutcome.Reviewed.class::isInstance))
        .hasSize(requests);
    assertThat(outcomes.stream().filter(ReviewOutcome.Conflict.class::isInstance))
        .hasSize(requests * (threads - 1));
    for (StoredRequest request : created) {
      assertThat(store.request(request.requestId()).orElseThrow().reviews()).hasSize(1);
    }
    assertThat(store.currentVersion()).isEqualTo(2L * requests);
  }

  // --- locks

  @Test
  void createLock_whenNew_returnsCreatedAndStoresIt() {
    Lock lock = userLock("warden-lock-1", "alice", T0.plus(hours(1)));

    LockWrite write = store.createLock(lock, WATCHER, T0);

    assertThat(write).isInstanceOf(LockWrite.Created.class);
    assertThat(write.lock().lock()).isEqualTo(lock);
    assertThat(write.lock().createdBy()).isEqualTo(WATCHER);
    assertThat(write.lock().resourceVersion()).isEqualTo(1);
    assertThat(store.lock(lock.id())).contains(write.lock());
  }

  @Test
  void createLock_whenSameIdAndContentExists_returnsUnchangedAndWritesNothing() {
    Instant expiresWithNanos = T0.plus(hours(1)).plusNanos(999);
    StoredLock first =
        store.createLock(userLock("warden-lock-1", "alice", expiresWithNanos), WATCHER, T0).lock();

    LockWrite again =
        store.createLock(
            userLock("warden-lock-1", "alice", expiresWithNanos), WATCHER, T0.plusSeconds(5));

    assertThat(again).isEqualTo(new LockWrite.Unchanged(first));
    assertThat(store.currentVersion()).isEqualTo(1);
  }

  @Test
  void createLock_whenSameIdWithOtherContentExists_returnsConflictWithTheExistingLock() {
    StoredLock first =
        store.createLock(userLock("warden-lock-1", "alice", null), WATCHER, T0).lock();

    LockWrite other = store.createLock(userLock("warden-lock-1", "bob", null), WATCHER, T0);

    assertThat(other).isEqualTo(new LockWrite.Conflict(first));
    assertThat(store.lock(LockId.of("warden-lock-1")).orElseThrow()).isEqualTo(first);
    assertThat(store.currentVersion()).isEqualTo(1);
  }

  @Test
  void createLock_withTheSameIdFromManyThreads_createsItOnce() throws Exception {
    BrokerStore other = open();
    Lock lock = userLock("warden-race", "alice", null);

    List<LockWrite> writes =
        inParallel(8, 1, i -> (i % 2 == 0 ? store : other).createLock(lock, WATCHER, T0));

    assertThat(writes.stream().filter(LockWrite.Created.class::isInstance)).hasSize(1);
    assertThat(writes.stream().filter(LockWrite.Unchanged.class::isInstance)).hasSize(7);
    assertThat(store.currentVersion()).isEqualTo(1);
  }

  @Test
  void locks_listsEveryLockByIdWithTheSnapshotVersion() {
    StoredLock b =
        store
            .createLock(
                new Lock(LockId.of("b"), new LockTarget.Role(PROD_DB), "role frozen", null),
                WATCHER,
                T0)
            .lock();
    StoredLock a = store.createLock(userLock("a", "alice", T0), WATCHER, T0).lock();

    Listing<StoredLock> listing = store.locks();

    assertThat(listing.items()).containsExactly(a, b);
    assertThat(listing.resourceVersion()).isEqualTo(2);
  }

  @Test
  void deleteLock_removesItOnceAndRecordsTheLastStateAsDeleted() throws Exception {
    StoredLock created =
        store.createLock(userLock("warden-lock-1", "alice", null), ALICE, T0).lock();

    boolean first = store.deleteLock(created.lockId(), WATCHER, T0.plusSeconds(1));
    boolean second = store.deleteLock(created.lockId(), WATCHER, T0.plusSeconds(2));

    assertThat(first).isTrue();
    assertThat(second).isFalse();
    assertThat(store.lock(created.lockId())).isEmpty();
    assertThat(store.changesSince(1, 10))
        .containsExactly(
            new ChangeEvent(
                2,
                ChangeType.DELETED,
                new StoredLock(created.lock(), ALICE, created.created(), 2)));
  }

  // --- watch history

  @Test
  void changesSince_givesEveryChangeInVersionOrderWithItsSnapshot() throws Exception {
    StoredRequest created = create("alice");
    StoredRequest approved = approved(created);
    StoredLock lock = store.createLock(userLock("l-1", "alice", null), WATCHER, T0).lock();
    store.deleteLock(lock.lockId(), WATCHER, T0);

    List<ChangeEvent> changes = store.changesSince(0, 100);

    assertThat(changes).extracting(ChangeEvent::resourceVersion).containsExactly(1L, 2L, 3L, 4L);
    assertThat(changes)
        .extracting(ChangeEvent::type)
        .containsExactly(
            ChangeType.ADDED, ChangeType.MODIFIED, ChangeType.ADDED, ChangeType.DELETED);
    assertThat(changes)
        .extracting(ChangeEvent::kind)
        .containsExactly("request", "request", "lock", "lock");
    assertThat(changes.get(0).object()).isEqualTo(created);
    assertThat(changes.get(1).object()).isEqualTo(approved);
    assertThat(changes.get(2).object()).isEqualTo(lock);
  }

  @Test
  void changesSince_resumesAfterAnyVersionAndHonoursTheLimit() throws Exception {
    for (int i = 0; i < 12; i++) {
      create("user-" + i);
    }
    List<ChangeEvent> all = store.changesSince(0, 100);

    for (int n = 0; n <= 12; n++) {
      assertThat(store.changesSince(n, 100)).isEqualTo(all.subList(n, 12));
      assertThat(store.changesSince(n, 3)).isEqualTo(all.subList(n, Math.min(n + 3, 12)));
    }
    assertThat(store.changesSince(40, 100)).isEmpty();
  }

  @Test
  void changesSince_afterConcurrentWrites_hasNoGapAndNoDuplicate() throws Exception {
    BrokerStore other = open();

    inParallel(8, 25, i -> (i % 2 == 0 ? store : other).createRequest(request("a"), ALICE, T0));

    List<ChangeEvent> changes = new ArrayList<>();
    long after = 0;
    List<ChangeEvent> page;
    while (!(page = store.changesSince(after, 37)).isEmpty()) {
      changes.addAll(page);
      after = page.getLast().resourceVersion();
    }
    assertThat(changes).extracting(ChangeEvent::resourceVersion).isEqualTo(range(1, 200));
  }

  @Test
  void changesSince_beforeTheCompactedHistory_throwsHistoryCompacted() throws Exception {
    for (int i = 0; i < 10; i++) {
      create("alice");
    }

    store.compact(6);

    assertThatThrownBy(() -> store.changesSince(4, 100))
        .isInstanceOfSatisfying(
            HistoryCompactedException.class,
            e -> {
              assertThat(e.requested()).isEqualTo(4);
              assertThat(e.oldestRetained()).isEqualTo(6);
            });
    assertThatThrownBy(() -> store.changesSince(0, 100))
        .isInstanceOf(HistoryCompactedException.class);
    assertThat(store.changesSince(5, 100))
        .extracting(ChangeEvent::resourceVersion)
        .containsExactly(6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void compact_keepsTheAuditTrailWhole() throws Exception {
    for (int i = 0; i < 5; i++) {
      create("alice");
    }

    store.compact(100);

    assertThat(store.auditSince(0, 100)).extracting(AuditEvent::version).isEqualTo(range(1, 5));
    assertThat(store.changesSince(5, 100)).isEmpty();
    assertThatThrownBy(() -> store.changesSince(3, 100))
        .isInstanceOf(HistoryCompactedException.class);
  }

  @Test
  void compact_neverMovesTheHistoryStartBack() throws Exception {
    for (int i = 0; i < 5; i++) {
      create("alice");
    }
    store.compact(4);

    store.compact(2);

    assertThatThrownBy(() -> store.changesSince(2, 100))
        .isInstanceOf(HistoryCompactedException.class);
    assertThat(store.changesSince(3, 100)).hasSize(2);
  }

  @Test
  void onCommit_tellsListenersTheNewVersionAfterTheChangeIsReadable() throws Exception {
    List<Long> heard = new CopyOnWriteArrayList<>();
    List<Long> readable = new CopyOnWriteArrayList<>();
    BrokerStore.Subscription subscription =
        store.onCommit(
            version -> {
              heard.add(version);
              readable.add(store.currentVersion());
            });

    create("alice");
    create("alice");
    subscription.close();
    create("alice");

    assertThat(heard).containsExactly(1L, 2L);
    assertThat(readable).containsExactly(1L, 2L);
  }

  @Test
  void onChanges_handsOverEachCommitsChanges_asChangesSinceReadsThem() throws Exception {
    List<List<ChangeEvent>> heard = new CopyOnWriteArrayList<>();
    BrokerStore.Subscription subscription = store.onChanges(heard::add);

    StoredRequest created = create("alice");
    store.review(created.requestId(), approve(), WATCHER, T0.plusSeconds(1));
    subscription.close();
    create("alice");

    assertThat(heard).hasSize(2);
    assertThat(heard.get(0)).containsExactlyElementsOf(store.changesSince(0, 1));
    assertThat(heard.get(1)).containsExactlyElementsOf(store.changesSince(1, 1));
  }

  // --- audit trail

  @Test
  void auditSince_recordsActorReasonAndDecisionIdOfEveryChange() {
    StoredRequest created = create("alice");
    store.review(created.requestId(), approve(), WATCHER, T0.plusSeconds(1));
    store.createLock(userLock("warden-l", "alice", null), WATCHER, T0.plusSeconds(2));
    store.deleteLock(LockId.of("warden-l"), ALICE, T0.plusSeconds(3));

    List<AuditEvent> audit = store.auditSince(0, 100);

    assertThat(audit)
        .containsExactly(
            new AuditEvent(
                1,
                T0,
                AuditAction.REQUEST_CREATED,
                "request",
                created.id(),
                ALICE,
                "INC-42 debugging",
                null),
            new AuditEvent(
                2,
                T0.plusSeconds(1),
                AuditAction.REQUEST_APPROVED,
                "request",
                created.id(),
                WATCHER,
                "within policy",
                "d-approve-1"),
            new AuditEvent(
                3,
                T0.plusSeconds(2),
                AuditAction.LOCK_CREATED,
                "lock",
                "warden-l",
                WATCHER,
                "suspended",
                null),
            new AuditEvent(
                4,
                T0.plusSeconds(3),
                AuditAction.LOCK_DELETED,
                "lock",
                "warden-l",
                ALICE,
                null,
                null));
    assertThat(store.auditSince(2, 1)).extracting(AuditEvent::version).containsExactly(3L);
  }

  // --- time

  @Test
  void expireDue_expiresPendingRequestsOnlyOnceThePendingTtlHasPassed() {
    Duration pendingTtl = hours(1);
    StoredRequest old = store.createRequest(request("alice"), ALICE, T0);
    StoredRequest young = store.createRequest(request("alice"), ALICE, T0.plusSeconds(1800));

    List<StoredRequest> early =
        store.expireDue(T0.plus(pendingTtl).minusMillis(1), pendingTtl, SYSTEM);
    List<StoredRequest> due = store.expireDue(T0.plus(pendingTtl), pendingTtl, SYSTEM);

    assertThat(early).isEmpty();
    assertThat(due).extracting(StoredRequest::id).containsExactly(old.id());
    assertThat(due.getFirst().state()).isEqualTo(RequestState.EXPIRED);
    assertThat(due.getFirst().resourceVersion()).isEqualTo(3);
    assertThat(store.request(young.requestId()).orElseThrow().state())
        .isEqualTo(RequestState.PENDING);
  }

  @Test
  void expireDue_expiresApprovedAccessAtItsExpiryAndRecordsTheSystemActor() {
    StoredRequest approved = approved(create("alice"));
    Instant expires = approved.request().expires();

    List<StoredRequest> early = store.expireDue(expires.minusMillis(1), hours(24), SYSTEM);
    List<StoredRequest> due = store.expireDue(expires, hours(24), SYSTEM);

    assertThat(early).isEmpty();
    assertThat(due).hasSize(1);
    StoredRequest expired = due.getFirst();
    assertThat(expired.state()).isEqualTo(RequestState.EXPIRED);
    assertThat(expired.request().expires()).isEqualTo(expires);
    assertThat(expired.reviews()).isEqualTo(approved.reviews());
    assertThat(store.auditSince(approved.resourceVersion(), 10))
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.action()).isEqualTo(AuditAction.REQUEST_EXPIRED);
              assertThat(event.actor()).isEqualTo(SYSTEM);
              assertThat(event.reason()).contains(expires.toString());
            });
  }

  @Test
  void expireDue_afterAReopenThatSpannedTheDueTime_expiresWhatCameDue() throws Exception {
    Duration pendingTtl = hours(1);
    StoredRequest pending = store.createRequest(request("alice"), ALICE, T0);
    StoredRequest approved = approved(store.createRequest(request("bob"), ALICE, T0));
    Instant later = T0.plus(hours(3));

    reopen();
    Optional<Instant> due = store.nextDue(pendingTtl);
    List<StoredRequest> expired = store.expireDue(later, pendingTtl, SYSTEM);

    assertThat(due).contains(T0.plus(pendingTtl));
    assertThat(expired).extracting(StoredRequest::id).containsExactly(pending.id(), approved.id());
    assertThat(store.changesSince(3, 10))
        .extracting(ChangeEvent::type)
        .containsExactly(ChangeType.MODIFIED, ChangeType.MODIFIED);
    assertThat(store.nextDue(pendingTtl)).isEmpty();
  }

  @Test
  void nextDue_isTheEarliestOfPendingTimeoutAndApprovedExpiry() {
    Duration pendingTtl = hours(1);
    assertThat(store.nextDue(pendingTtl)).isEmpty();

    store.createRequest(request("alice"), ALICE, T0);
    StoredRequest soon =
        store.createRequest(request("bob", PROD_DB, Duration.ofMinutes(10)), ALICE, T0);
    StoredRequest approved = reviewed(store.review(soon.requestId(), approve(), WATCHER, T0));

    Optional<Instant> next = store.nextDue(pendingTtl);

    assertThat(next).contains(approved.request().expires());
    assertThat(next).contains(T0.plus(Duration.ofMinutes(10)));
  }

  // --- atomicity and durability

  @Test
  void aFailingWrite_leavesNothingBehindAndDoesNotFailTheOthersInItsBatch() throws Exception {
    GroupCommitWriter writer = ((JdbcBrokerStore) store).writer();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      // Hold the writer busy so the next three writes queue up and run as one batch.
      Future<?> blocker =
          callers.submit(
              () ->
                  writer.execute(
                      tx -> {
                        started.countDown();
                        return awaitQuietly(release);
                      }));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      Future<StoredRequest> good1 = callers.submit(() -> create("alice"));
      Future<Object> bad = callers.submit(() -> writer.execute(this::insertHalfAndFail));
      Future<StoredRequest> good2 = callers.submit(() -> create("bob"));
      awaitWaiting(writer, 3);

      release.countDown();

      blocker.get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(IllegalStateException.class)
          .hasRootCauseMessage("failing on purpose after a half write");
      assertThat(List.of(good1.get(10, TimeUnit.SECONDS), good2.get(10, TimeUnit.SECONDS)))
          .extracting(StoredRequest::resourceVersion)
          .containsExactlyInAnyOrder(1L, 2L);
    } finally {
      callers.shutdownNow();
    }

    assertThat(store.currentVersion()).isEqualTo(2);
    assertThat(store.requests(RequestFilter.all()).items()).hasSize(2);
    assertThat(store.auditSince(0, 100)).hasSize(2);
    assertThat(store.request(RequestId.of("r-half-written"))).isEmpty();
  }

  @Test
  void aKilledWriterProcess_losesNoAcknowledgedWriteAndLeavesNoGap() throws Exception {
    store.close();
    Map<String, Long> acknowledged = new HashMap<>();

    Process child = startAckingWriter();
    try (BufferedReader lines = child.inputReader(StandardCharsets.UTF_8)) {
      assertThat(lines.readLine()).isEqualTo("ready");
      String line;
      while ((line = lines.readLine()) != null) {
        String[] ack = line.split(" ");
        acknowledged.put(ack[1], Long.parseLong(ack[2]));
        if (acknowledged.size() == 300) {
          // SIGKILL, with writes in flight: no shutdown hook, no close. Through the handle, as
          // Process.destroyForcibly would also close the pipe that still holds printed acks.
          child.toHandle().destroyForcibly();
        }
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }

    store = open();
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(300);
    for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
      assertThat(store.request(RequestId.of(ack.getKey())))
          .as("acknowledged request %s", ack.getKey())
          .hasValueSatisfying(
              found -> assertThat(found.resourceVersion()).isEqualTo(ack.getValue()));
    }
    long current = store.currentVersion();
    assertThat(current).isGreaterThanOrEqualTo(Collections.max(acknowledged.values()));
    assertThat(allChanges()).extracting(ChangeEvent::resourceVersion).isEqualTo(range(1, current));
    assertThat(store.requests(RequestFilter.all()).items()).hasSize((int) current);
  }

  @Test
  void close_finishesSubmittedWritesAndRefusesNewOnes() {
    StoredRequest created = create("alice");

    store.close();

    assertThatThrownBy(() -> store.createRequest(request("alice"), ALICE, T0))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("closed");
    BrokerStore reopened = open();
    assertThat(reopened.request(created.requestId())).contains(created);
  }

  // --- helpers

  private Process startAckingWriter() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.addAll(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath));
    String logging = System.getProperty("java.util.logging.config.file");
    if (logging != null) {
      command.add("-Djava.util.logging.config.file=" + logging);
    }
    command.addAll(List.of(AckingWriter.class.getName(), dataDir().toString()));
    String url = storeUrl();
    if (url != null) {
      command.add(url);
    }
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private List<ChangeEvent> allChanges() throws HistoryCompactedException {
    List<ChangeEvent> changes = new ArrayList<>();
    List<ChangeEvent> page;
    while (!(page = store.changesSince(changes.size(), 1000)).isEmpty()) {
      changes.addAll(page);
    }
    return changes;
  }

  StoredRequest create(String user) {
    return store.createRequest(request(user), ALICE, T0);
  }

  StoredRequest approved(StoredRequest request) {
    return reviewed(store.review(request.requestId(), approve(), WATCHER, T0.plusSeconds(10)));
  }

  static StoredRequest reviewed(ReviewOutcome outcome) {
    assertThat(outcome).isInstanceOf(ReviewOutcome.Reviewed.class);
    return ((ReviewOutcome.Reviewed) outcome).request();
  }

  static Duration hours(long hours) {
    return Duration.ofHours(hours);
  }

  static List<Long> range(long from, long toInclusive) {
    return LongStream.rangeClosed(from, toInclusive).boxed().toList();
  }

  /** Runs {@code perThread} calls on each of {@code threads} threads, started together. */
  static <T> List<T> inParallel(int threads, int perThread, IndexedCall<T> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    try {
      List<Future<List<T>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  List<T> results = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    results.add(call.call(thread * perThread + i));
                  }
                  return results;
                }));
      }
      List<T> all = new ArrayList<>();
      for (Future<List<T>> future : futures) {
        all.addAll(future.get(60, TimeUnit.SECONDS));
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One call of {@link #inParallel}, told its overall index. */
  @FunctionalInterface
  interface IndexedCall<T> {
    T call(int index) throws Exception;
  }

  private Object insertHalfAndFail(WriteTransaction transaction) throws SQLException {
    var statement =
        transaction
            .session()
            .prepare(
                "INSERT INTO requests (id, user_name, state, created_us, expires_us,"
                    + " created_version, resource_version, object) VALUES ('r-half-written',"
                    + " 'mallory', 'PENDING', 0, NULL, ?, ?, '{}')");
    long version = transaction.nextVersion();
    statement.setLong(1, version);
    statement.setLong(2, version);
    statement.executeUpdate();
    throw new IllegalStateException("failing on purpose after a half write");
  }

  private static Object awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "released";
  }

  private static void awaitWaiting(GroupCommitWriter writer, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (writer.waiting() != count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "writer queue held " + writer.waiting() + " operations, expected " + count);
      }
      Thread.sleep(5);
    }
  }
}
