package dev.warden.core.decision;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.User;
import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Catalogs for engine tests: the shipped example and small hand-made ones. */
public final class Catalogs {

  private Catalogs() {}

  /** The catalog of {@code examples/catalog.yaml}, built in code so tests do not read files. */
  public static Catalog example() {
    return new Catalog(
        List.of(
            role("prod-db", "production", Duration.ofHours(8)),
            role("prod-deploy", "production", Duration.ofHours(4)),
            role("prod-readonly", "production", null),
            role("research-notebook", "research", null),
            role("research-gpu", "research", Duration.ofHours(12)),
            role("dev-admin", "development", null),
            role("dev-db", "development", null)),
        List.of(
            resource("node/prod-web-1", "production"),
            resource("node/prod-web-2", "production"),
            resource("db/prod-orders", "production"),
            resource("db/prod-payments", "production"),
            resource("node/research-gpu-1", "research"),
            resource("bucket/research-datasets", "research"),
            resource("node/dev-web-1", "development"),
            resource("db/dev-orders", "development")),
        List.of(
            user("alice", Map.of("team", List.of("sre"), "oncall", List.of("true"))),
            user("bob", Map.of("team", List.of("data-science"))),
            user("carol", Map.of("team", List.of("sre", "security"))),
            user("dave", Map.of("team", List.of("backend")))));
  }

  /**
   * A catalog without any labels, for the name-pattern model: its names say where they belong, and
   * {@code product-analytics} is a development role that the pattern {@code prod} also hits.
   */
  public static Catalog unlabelled() {
    return new Catalog(
        List.of(
            role("prod-db", null, null),
            role("research-notebook", null, null),
            role("product-analytics", null, null),
            role("dev-admin", null, null)),
        List.of(
            new Resource(ResourceId.of("node/prod-web-1"), Map.of()),
            new Resource(ResourceId.of("node/research-gpu-1"), Map.of())),
        List.of(user("alice", Map.of()), user("bob", Map.of())));
  }

  /** A role in {@code environment} (no env label when null), capped at {@code maxTtl}. */
  public static Role role(String name, @Nullable String environment, @Nullable Duration maxTtl) {
    Map<String, String> labels = environment == null ? Map.of() : Map.of("env", environment);
    return new Role(RoleName.of(name), labels, maxTtl);
  }

  /** A resource in {@code environment}, or without an env label when null. */
  public static Resource resource(String id, @Nullable String environment) {
    Map<String, String> labels = environment == null ? Map.of() : Map.of("env", environment);
    return new Resource(ResourceId.of(id), labels);
  }

  public static User user(String name, Map<String, List<String>> traits) {
    return new User(UserName.of(name), traits);
  }
}
