package dev.warden.watcher.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.WatchEvent;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The cache's contract: versions decide, events may come twice or out of order, a relist merges,
 * decided requests leave with the policy's window, and what the policy is given back is what the
 * plane sent.
 */
class AccessCacheTest {

  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00.123456789Z");
  private static final Duration WINDOW = Duration.ofHours(24);
  private static final UserName ALICE = UserName.of("alice");
  private static final UserName BOB = UserName.of("bob");

  private final AccessCache cache = new AccessCache();

  @Test
  void stateOf_givesBackTheRequestAsThePlaneSentIt() {
    RequestObject approved =
        new Req("r-1", ALICE, 3).approved(NOW.minusSeconds(60), NOW.plusSeconds(3600)).object();

    cache.apply(added(approved));

    AccessRequest held = only(cache.stateOf(ALICE, Catalog.empty(), WINDOW, NOW));
    assertThat(held)
        .isEqualTo(
            new AccessRequest(
                approved.id(),
                approved.user(),
                approved.roles(),
                approved.resources(),
                approved.reason(),
                approved.ttl(),
                approved.state(),
                approved.created(),
                approved.approved(),
                approved.expires()));
  }

  @Test
  void stateOf_ofADeniedRequest_keepsEverythingButItsReason() {
    RequestObject denied = new Req("r-1", ALICE, 3).state(RequestState.DENIED).object();

    cache.apply(added(denied));

    AccessRequest held = only(cache.stateOf(ALICE, Catalog.empty(), WINDOW, NOW));
    assertThat(held.reason()).isEmpty();
    assertThat(held.id()).isEqualTo(denied.id());
    assertThat(held.roles()).isEqualTo(denied.roles());
    assertThat(held.resources()).isEqualTo(denied.resources());
    assertThat(held.created()).isEqualTo(denied.created());
    assertThat(held.state()).isEqualTo(RequestState.DENIED);
  }

  @Test
  void apply_ofAnOlderVersion_isIgnored() {
    cache.apply(added(new Req("r-1", ALICE, 5).state(RequestState.DENIED).object()));

    Set<UserName> affected = cache.apply(added(new Req("r-1", ALICE, 4).object()));

    assertThat(affected).isEmpty();
    assertThat(only(cache.stateOf(ALICE, Catalog.empty(), WINDOW, NOW)).state())
        .isEqualTo(RequestState.DENIED);
  }

  @Test
  void apply_ofTheSameEventTwice_changesNothingTheSecondTime() {
    WatchEvent event = added(new Req("r-1", ALICE, 2).object());

    assertThat(cache.apply(event)).containsExactly(ALICE);
    assertThat(cache.apply(event)).isEmpty();
    assertThat(cache.requestCount()).isEqualTo(1);
    assertThat(cache.resourceVersion()).isEqualTo(2);
  }

  @Test
  void replace_keepsWhatTheCacheSawAfterTheListingWasTaken() {
    cache.apply(added(new Req("r-1", ALICE, 9).state(RequestState.DENIED).object()));

    Set<UserName> affected =
        cache.replace(
            List.of(new Req("r-1", ALICE, 7).object(), new Req("r-2", BOB, 8).object()),
            List.of(),
            8);

    assertThat(affected).containsExactly(BOB);
    assertThat(only(cache.stateOf(ALICE, Catalog.empty(), WINDOW, NOW)).state())
        .isEqualTo(RequestState.DENIED);
    assertThat(cache.users()).containsExactlyInAnyOrder(ALICE, BOB);
    assertThat(cache.resourceVersion()).isEqualTo(9);
  }

  @Test
  void mergeLocks_dropsLocksTheListingLacksUnlessTheCacheSawThemLater() {
    cache.apply(added(new Req("r-1", ALICE, 1).object()));
    cache.apply(lockAdded(lock("old", new LockTarget.User(ALICE), 2)));
    cache.apply(lockAdded(lock("newer", new LockTarget.Role(RoleName.of("prod-db")), 12)));

    Set<UserName> affected = cache.mergeLocks(List.of(), 10);

    assertThat(affected).containsExactly(ALICE);
    assertThat(cache.lockCount()).isEqualTo(1);
    assertThat(cache.stateOf(ALICE, Catalog.empty(), WINDOW, NOW).locks())
        .extracting(l -> l.id().value())
        .containsExactly("newer");
  }

  @Test
  void merge_oneRequestAtATime_endsAsReplaceWould() {
    AccessCache whole = new AccessCache();
    List<RequestObject> listing = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      listing.add(new Req("r-" + i, UserName.of("user-" + i % 7), i).object());
    }

    whole.replace(listing, List.of(), 50);
    listing.forEach(cache::merge);
    cache.mergeLocks(List.of(), 50);

    assertThat(cache.users()).isEqualTo(whole.users());
    for (UserName user : whole.users()) {
      assertThat(cache.stateOf(user, Catalog.empty(), WINDOW, NOW))
          .isEqualTo(whole.stateOf(user, Catalog.empty(), WINDOW, NOW));
    }
    assertThat(cache.resourceVersion()).isEqualTo(50);
  }

  @Test
  void lockDeletion_seenBeforeAnOlderAddition_winsOverIt() {
    LockObject lock = lock("l-1", new LockTarget.User(ALICE), 4);
    cache.apply(new WatchEvent.LockChange(WatchEvent.ChangeType.DELETED, lock, 6));

    Set<UserName> affected = cache.apply(lockAdded(lock));

    assertThat(affected).isEmpty();
    assertThat(cache.lockCount()).isZero();
  }

  @Test
  void lockOnARole_touchesEveryUserHoldingIt() {
    cache.apply(added(new Req("r-1", ALICE, 1).object()));
    cache.apply(added(new Req("r-2", BOB, 2).roles("dev-db").object()));

    Set<UserName> affected =
        cache.apply(lockAdded(lock("l-1", new LockTarget.Role(RoleName.of("prod-db")), 3)));

    assertThat(affected).containsExactly(ALICE);
  }

  @Test
  void lockOnARequest_touchesItsUser_andIsPartOfTheirState() {
    cache.apply(added(new Req("r-1", ALICE, 1).object()));

    Set<UserName> affected =
        cache.apply(lockAdded(lock("l-1", new LockTarget.Request(RequestId.of("r-1")), 2)));

    assertThat(affected).containsExactly(ALICE);
    assertThat(cache.stateOf(ALICE, Catalog.empty(), WINDOW, NOW).locks()).hasSize(1);
    assertThat(cache.stateOf(BOB, Catalog.empty(), WINDOW, NOW).locks()).isEmpty();
  }

  @Test
  void prune_dropsOnlyDecidedRequestsOlderThanTheWindow() {
    Instant old = NOW.minus(WINDOW).minusSeconds(1);
    cache.apply(added(new Req("r-old", ALICE, 1).created(old).state(RequestState.DENIED).object()));
    cache.apply(added(new Req("r-pending", ALICE, 2).created(old).object()));
    Instant recentApproval = NOW.minus(WINDOW).plusSeconds(60);
    cache.apply(
        added(
            new Req("r-counted", BOB, 3)
                .created(old)
                .approved(recentApproval, recentApproval.plusSeconds(60))
                .state(RequestState.EXPIRED)
                .object()));

    int dropped = cache.prune(WINDOW, NOW);

    assertThat(dropped).isEqualTo(1);
    assertThat(ids(cache.stateOf(ALICE, Catalog.empty(), WINDOW, NOW)))
        .containsExactly("r-pending");
    assertThat(ids(cache.stateOf(BOB, Catalog.empty(), WINDOW, NOW))).containsExactly("r-counted");
  }

  @Test
  void prune_ofAUsersLastRequest_forgetsTheUser() {
    Instant old = NOW.minus(WINDOW).minusSeconds(1);
    cache.apply(added(new Req("r-1", ALICE, 1).created(old).state(RequestState.DENIED).object()));

    cache.prune(WINDOW, NOW);

    assertThat(cache.users()).isEmpty();
    assertThat(cache.requestCount()).isZero();
  }

  @Test
  void stateOf_leavesOutDecidedRequestsOlderThanTheWindowNotYetPruned() {
    Instant old = NOW.minus(WINDOW).minusSeconds(1);
    cache.apply(added(new Req("r-1", ALICE, 1).created(old).state(RequestState.DENIED).object()));
    cache.apply(added(new Req("r-2", ALICE, 2).object()));

    assertThat(ids(cache.stateOf(ALICE, Catalog.empty(), WINDOW, NOW))).containsExactly("r-2");
  }

  @Test
  void stateOf_keepsTheOrderInWhichRequestsFirstArrived_throughUpdates() {
    cache.apply(added(new Req("r-b", ALICE, 1).object()));
    cache.apply(added(new Req("r-a", ALICE, 2).object()));
    cache.apply(added(new Req("r-c", ALICE, 3).object()));
    cache.apply(added(new Req("r-b", ALICE, 4).state(RequestState.DENIED).object()));

    assertThat(ids(cache.stateOf(ALICE, Catalog.empty(), WINDOW, NOW)))
        .containsExactly("r-b", "r-a", "r-c");
  }

  @Test
  void manyRequests_comeAndGo_withoutLosingAny() {
    // Enough to make the id table grow and shrink several times, with removals in the middle of
    // probe runs.
    Instant old = NOW.minus(WINDOW).minusSeconds(1);
    for (int i = 0; i < 5_000; i++) {
      Req request = new Req("r-" + i, UserName.of("user-" + i % 97), i + 1);
      cache.apply(added(i % 3 == 0 ? request.object() : request.created(old).denied().object()));
    }

    int dropped = cache.prune(WINDOW, NOW);

    assertThat(dropped).isEqualTo(5_000 - 1_667);
    assertThat(cache.requestCount()).isEqualTo(1_667);
    int found = 0;
    for (UserName user : cache.users()) {
      found += cache.stateOf(user, Catalog.empty(), WINDOW, NOW).requests().size();
    }
    assertThat(found).isEqualTo(1_667);
    cache.apply(lockAdded(lock("l-1", new LockTarget.Request(RequestId.of("r-4998")), 10_000)));
    assertThat(
            cache.stateOf(UserName.of("user-" + 4998 % 97), Catalog.empty(), WINDOW, NOW).locks())
        .hasSize(1);
  }

  @Test
  void idsInTheBrokersFormat_andOthers_comeBackAsTheyWere() {
    // Broker ids are kept packed in two numbers, others as text; both must round-trip and be
    // found again, also ids that only look like the broker's.
    List<String> given = new ArrayList<>();
    java.util.Random random = new java.util.Random(7);
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    for (int i = 0; i < 2_000; i++) {
      StringBuilder id = new StringBuilder("r-");
      for (int c = 0; c < 20; c++) {
        id.append(alphabet.charAt(random.nextInt(32)));
      }
      given.add(id.toString());
    }
    given.addAll(
        List.of(
            "r-aaaaaaaaaaaaaaaaaaaa",
            "r-77777777777777777777",
            "r-aaaaaaaaaaaaaaaaaaa1",
            "r-AAAAAAAAAAAAAAAAAAAA",
            "r-aaaaaaaaaaaaaaaaaaaaa",
            "x-aaaaaaaaaaaaaaaaaaaa",
            "r-aaaa"));
    for (int i = 0; i < given.size(); i++) {
      cache.apply(added(new Req(given.get(i), UserName.of("user-" + i % 13), i + 1).object()));
    }

    List<String> held = new ArrayList<>();
    for (UserName user : cache.users()) {
      held.addAll(ids(cache.stateOf(user, Catalog.empty(), WINDOW, NOW)));
    }

    assertThat(held).containsExactlyInAnyOrderElementsOf(given);
    assertThat(cache.requestCount()).isEqualTo(given.size());
    for (int i = given.size() - 7; i < given.size(); i++) {
      String id = given.get(i);
      Set<UserName> touched =
          cache.apply(
              lockAdded(lock("l-" + i, new LockTarget.Request(RequestId.of(id)), 100_000 + i)));
      assertThat(touched).as(id).containsExactly(UserName.of("user-" + i % 13));
    }
  }

  private static List<String> ids(UserState state) {
    return state.requests().stream().map(r -> r.id().value()).toList();
  }

  private static AccessRequest only(UserState state) {
    assertThat(state.requests()).hasSize(1);
    return state.requests().getFirst();
  }

  private static WatchEvent added(RequestObject request) {
    return new WatchEvent.RequestChange(
        WatchEvent.ChangeType.MODIFIED, request, request.resourceVersion());
  }

  private static WatchEvent lockAdded(LockObject lock) {
    return new WatchEvent.LockChange(WatchEvent.ChangeType.ADDED, lock, lock.resourceVersion());
  }

  private static LockObject lock(String id, LockTarget target, long version) {
    return new LockObject(LockId.of(id), target, "because", null, true, version);
  }

  /** A request on the wire, built up one field at a time. */
  private static final class Req {
    private final String id;
    private final UserName user;
    private final long version;
    private List<RoleName> roles = List.of(RoleName.of("prod-db"));
    private RequestState state = RequestState.PENDING;
    private Instant created = NOW.minusSeconds(600);
    private @Nullable Instant approved;
    private @Nullable Instant expires;

    Req(String id, UserName user, long version) {
      this.id = id;
      this.user = user;
      this.version = version;
    }

    Req roles(String... names) {
      roles = List.of(names).stream().map(RoleName::of).toList();
      return this;
    }

    Req state(RequestState next) {
      state = next;
      return this;
    }

    Req denied() {
      return state(RequestState.DENIED);
    }

    Req created(Instant at) {
      created = at;
      return this;
    }

    Req approved(Instant at, Instant until) {
      approved = at;
      expires = until;
      state = RequestState.APPROVED;
      return this;
    }

    RequestObject object() {
      return new RequestObject(
          RequestId.of(id),
          user,
          roles,
          List.of(ResourceId.of("node/prod-web-1")),
          "INC-42 checking " + id,
          Duration.ofHours(2),
          state,
          created,
          approved,
          expires,
          false,
          false,
          List.of(),
          version);
    }
  }
}
