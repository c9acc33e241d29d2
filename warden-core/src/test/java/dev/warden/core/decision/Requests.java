package dev.warden.core.decision;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Access requests for engine tests, all of {@code alice} unless told otherwise.
 *
 * <p>Access is written as plain names: a name with a slash ({@code node/prod-web-1}) is a resource,
 * any other name a role, which is how the example catalog spells them.
 */
public final class Requests {

  /** The decision time of every test that does not need another. */
  public static final Instant NOW = Instant.parse("2025-06-02T12:00:00Z");

  /** A reason long enough for the example policy's require-reason rule. */
  public static final String GOOD_REASON = "investigating incident 4711";

  private Requests() {}

  public static Builder request(String id, String... access) {
    return new Builder(id, access);
  }

  /** A pending request created a minute ago. */
  public static AccessRequest pending(String id, String... access) {
    return request(id, access).pending();
  }

  /** A grant approved {@code ago} before {@link #NOW}, for an hour, capped by the example roles. */
  public static AccessRequest approved(String id, Duration ago, String... access) {
    return request(id, access).approvedAt(NOW.minus(ago), Catalogs.example());
  }

  /** Builds one request; every field has a default that passes the example policy. */
  public static final class Builder {

    private final RequestId id;
    private final List<RoleName> roles = new ArrayList<>();
    private final List<ResourceId> resources = new ArrayList<>();
    private UserName user = UserName.of("alice");
    private String reason = GOOD_REASON;
    private Duration ttl = Duration.ofHours(1);
    private @Nullable Instant created;

    private Builder(String id, String... access) {
      this.id = RequestId.of(id);
      for (String name : access) {
        if (name.contains("/")) {
          resources.add(ResourceId.of(name));
        } else {
          roles.add(RoleName.of(name));
        }
      }
    }

    public Builder by(String userName) {
      this.user = UserName.of(userName);
      return this;
    }

    public Builder reason(String text) {
      this.reason = text;
      return this;
    }

    public Builder ttl(Duration duration) {
      this.ttl = duration;
      return this;
    }

    public Builder created(Instant at) {
      this.created = at;
      return this;
    }

    public AccessRequest pending() {
      Instant at = created != null ? created : NOW.minus(Duration.ofMinutes(1));
      return AccessRequest.pending(id, user, roles, resources, reason, ttl, at);
    }

    /**
     * Approved at {@code at}, its expiry capped by the roles' {@code maxTtl} in {@code catalog}.
     */
    public AccessRequest approvedAt(Instant at, Catalog catalog) {
      Instant asked = created != null ? created : at.minus(Duration.ofMinutes(1));
      return AccessRequest.pending(id, user, roles, resources, reason, ttl, asked)
          .approvedAt(at, catalog);
    }

    public AccessRequest denied() {
      return pending().withState(RequestState.DENIED);
    }
  }
}
