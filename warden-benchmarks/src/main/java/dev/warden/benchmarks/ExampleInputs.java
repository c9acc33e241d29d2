package dev.warden.benchmarks;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.yaml.InvalidFileException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The inputs every benchmark decides on: the shipped example policy and catalog, and alice with ten
 * active grants and one pending request that the example policy approves without locking anything,
 * so a run measures the common decision rather than a rare one.
 */
final class ExampleInputs {

  /** The custom rule of the policy format, the one the CEL benchmarks add. */
  static final String ON_CALL_CONDITION =
      "\"production\" in request.environments && !(\"oncall\" in user.traits)";

  static final Instant NOW = Instant.parse("2025-06-02T12:00:00Z");
  static final RequestId PENDING = RequestId.of("req-pending");

  private static final String CUSTOM_RULE =
      """

        - name: production-needs-on-call
          type: custom
          when: >-
            %s
          action: deny
          reason: production access is for the on-call engineer
      """
          .formatted(ON_CALL_CONDITION);

  private ExampleInputs() {}

  static Catalog catalog() {
    try {
      return CatalogLoader.load("examples/catalog.yaml", resource("examples/catalog.yaml"));
    } catch (InvalidFileException e) {
      throw new IllegalStateException("the example catalog does not load: " + e.getMessage(), e);
    }
  }

  /** {@code examples/policy.yaml} as shipped: built-in rules only. */
  static Policy builtInPolicy() {
    return policy(resource("examples/policy.yaml"));
  }

  /** The example policy with the on-call custom rule appended to its rules. */
  static Policy policyWithCelRule() {
    return policy(resource("examples/policy.yaml").stripTrailing() + "\n" + CUSTOM_RULE);
  }

  /**
   * Alice's state, in the order a broker lists it (oldest first): six long-lived grants a person
   * approved days ago, four recent ones (so the approval budget of five per day is not used up),
   * two resources held in all, nothing in research, and a pending request for one production node.
   */
  static UserState alice(Catalog catalog) {
    return state(catalog, UserName.of("alice"));
  }

  /** Alice's requests as {@code user}'s, for telling how the on-call rule treats others. */
  static UserState state(Catalog catalog, UserName user) {
    List<AccessRequest> requests = new ArrayList<>();
    String[] longLived = {
      "prod-readonly", "dev-admin", "dev-db", "prod-readonly", "dev-admin", "dev-db"
    };
    for (int i = 0; i < longLived.length; i++) {
      requests.add(
          grant(user, "req-old-" + i, longLived[i], 36 - 2 * i, Duration.ofDays(3), catalog));
    }
    requests.add(grant(user, "req-new-0", "prod-db", 6, Duration.ofHours(8), catalog));
    requests.add(grant(user, "req-new-1", "prod-deploy", 3, Duration.ofHours(4), catalog));
    requests.add(grant(user, "req-new-2", "db/dev-orders", 2, Duration.ofHours(8), catalog));
    requests.add(grant(user, "req-new-3", "node/dev-web-1", 1, Duration.ofHours(8), catalog));
    requests.add(
        AccessRequest.pending(
            PENDING,
            user,
            List.of(),
            List.of(ResourceId.of("node/prod-web-1")),
            "deploying the checkout fix for incident 4711",
            Duration.ofHours(2),
            NOW.minusSeconds(30)));
    return new UserState(catalog.userOrUnlisted(user), requests, List.of(), catalog);
  }

  /** A grant of one role, or of one resource when the name has a slash. */
  private static AccessRequest grant(
      UserName user, String id, String access, int hoursAgo, Duration ttl, Catalog catalog) {
    Instant approved = NOW.minus(Duration.ofHours(hoursAgo));
    boolean resource = access.contains("/");
    return AccessRequest.pending(
            RequestId.of(id),
            user,
            resource ? List.of() : List.of(RoleName.of(access)),
            resource ? List.of(ResourceId.of(access)) : List.of(),
            "routine maintenance window",
            ttl,
            approved.minusSeconds(60))
        .approvedAt(approved, catalog);
  }

  private static Policy policy(String text) {
    try {
      return PolicyLoader.load("examples/policy.yaml", text);
    } catch (InvalidFileException e) {
      throw new IllegalStateException("the benchmark policy does not load: " + e.getMessage(), e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = ExampleInputs.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the class path; build the jar again");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }
}
