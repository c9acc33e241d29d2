package dev.warden.watcher.cache;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One request as the cache keeps it, in about a quarter of the memory of an {@link AccessRequest}
 * with its wire-parsed parts: the cache holds every request of the policy's longest window, a
 * million on a busy access plane, and most of an {@code AccessRequest}'s bytes are object headers
 * and copies of the same few values.
 *
 * <ul>
 *   <li>The id is packed ({@link PackedId}): a broker id in two numbers, any other as its ASCII
 *       bytes, without the {@code String} and {@link RequestId} around them.
 *   <li>The user, the role and resource lists and the ttl are shared with every other request that
 *       has the same ones ({@link Interner}).
 *   <li>Times are their epoch seconds and nanoseconds, exactly as the {@link Instant} held them.
 *   <li>A denied or expired request keeps no reason: no rule reads the reason of a request that is
 *       neither pending nor a grant (the engine reads those only for the approvals a rate limit
 *       counts), and the reason is the one part that is neither small nor shared.
 * </ul>
 *
 * <p>{@link #toRequest()} gives the request back as the policy engine takes it; apart from the
 * dropped reason, which reads as empty, it equals the request the cache was given.
 */
final class CachedRequest {

  /** Marks an absent time in {@link #approvedSeconds} and {@link #expiresSeconds}. */
  private static final long NONE = Long.MIN_VALUE;

  private final byte @Nullable [] idText;
  private final long idHigh;
  private final long idLow;
  final UserRequests user;
  final List<RoleName> roles;
  final List<ResourceId> resources;
  final @Nullable String reason;
  final Duration ttl;
  final RequestState state;
  final long resourceVersion;
  private final long createdSeconds;
  private final long approvedSeconds;
  private final long expiresSeconds;
  private final int createdNanos;
  private final int approvedNanos;
  private final int expiresNanos;

  CachedRequest(
      PackedId id,
      UserRequests user,
      List<RoleName> roles,
      List<ResourceId> resources,
      @Nullable String reason,
      Duration ttl,
      RequestState state,
      Instant created,
      @Nullable Instant approved,
      @Nullable Instant expires,
      long resourceVersion) {
    this.idText = id.text;
    this.idHigh = id.high;
    this.idLow = id.low;
    this.user = user;
    this.roles = roles;
    this.resources = resources;
    this.reason = keepsReason(state) ? reason : null;
    this.ttl = ttl;
    this.state = state;
    this.resourceVersion = resourceVersion;
    this.createdSeconds = created.getEpochSecond();
    this.createdNanos = created.getNano();
    this.approvedSeconds = approved == null ? NONE : approved.getEpochSecond();
    this.approvedNanos = approved == null ? 0 : approved.getNano();
    this.expiresSeconds = expires == null ? NONE : expires.getEpochSecond();
    this.expiresNanos = expires == null ? 0 : expires.getNano();
  }

  /** Whether a rule may read the reason of a request in {@code state}. */
  static boolean keepsReason(RequestState state) {
    return state == RequestState.PENDING || state == RequestState.APPROVED;
  }

  boolean hasId(PackedId id) {
    return id.matches(idText, idHigh, idLow);
  }

  int idHash() {
    return PackedId.hash(idText, idHigh, idLow);
  }

  RequestId requestId() {
    return PackedId.toRequestId(idText, idHigh, idLow);
  }

  Instant created() {
    return Instant.ofEpochSecond(createdSeconds, createdNanos);
  }

  @Nullable Instant approved() {
    return approvedSeconds == NONE ? null : Instant.ofEpochSecond(approvedSeconds, approvedNanos);
  }

  @Nullable Instant expires() {
    return expiresSeconds == NONE ? null : Instant.ofEpochSecond(expiresSeconds, expiresNanos);
  }

  /**
   * Whether a rule may still look at this request at a time whose window starts at {@code horizon}:
   * pending and approved ones always, an approval the rate limit may still count or a recent denial
   * while its approval or creation is after the horizon.
   */
  boolean isRelevant(Instant horizon) {
    return switch (state) {
      case PENDING, APPROVED -> true;
      case DENIED, EXPIRED -> {
        Instant approved = approved();
        yield (approved != null ? approved : created()).isAfter(horizon);
      }
    };
  }

  /** The request as the policy engine takes it. */
  AccessRequest toRequest() {
    return new AccessRequest(
        requestId(),
        user.name(),
        roles,
        resources,
        reason == null ? "" : reason,
        ttl,
        state,
        created(),
        approved(),
        expires());
  }
}
