package dev.warden.cli;

import dev.warden.api.json.Json;
import dev.warden.api.v1.RequestObject;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.Resource;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a synthetic broker export (what {@code warden export requests} writes) of any length, for
 * replay tests and the replay benchmark; large files are made on the fly, never committed.
 *
 * <p>Requests come from {@code users} users, a few seconds apart, each for one to four roles or
 * resources of the catalog, for one to ten hours, with reasons of varying length, so that every
 * built-in rule of the example policy matches some of them.
 */
final class HistoryGenerator {

  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private HistoryGenerator() {}

  static void write(Path file, Catalog catalog, int requests, int users, long seed)
      throws IOException {
    List<RoleName> roles = catalog.roles().stream().map(Role::name).toList();
    List<ResourceId> resources = catalog.resources().stream().map(Resource::id).toList();
    Random random = new Random(seed);
    Instant created = START;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (int i = 0; i < requests; i++) {
        created = created.plusMillis(200 + random.nextInt(4000));
        List<RoleName> asked = new ArrayList<>();
        List<ResourceId> on = new ArrayList<>();
        int items = 1 + random.nextInt(random.nextInt(8) == 0 ? 4 : 2);
        for (int k = 0; k < items; k++) {
          if (random.nextBoolean()) {
            RoleName role = roles.get(random.nextInt(roles.size()));
            if (!asked.contains(role)) {
              asked.add(role);
            }
          } else {
            ResourceId resource = resources.get(random.nextInt(resources.size()));
            if (!on.contains(resource)) {
              on.add(resource);
            }
          }
        }
        RequestObject request =
            new RequestObject(
                RequestId.of("r-" + i),
                UserName.of("user-" + random.nextInt(users)),
                asked,
                on,
                random.nextInt(20) == 0 ? "fix" : "ticket " + random.nextInt(100000) + " on call",
                Duration.ofHours(1 + random.nextInt(random.nextInt(10) == 0 ? 12 : 8)),
                RequestState.PENDING,
                created,
                null,
                null,
                false,
                false,
                List.of(),
                i + 1L);
        out.write(Json.write(request));
        out.write('\n');
      }
    }
  }
}
