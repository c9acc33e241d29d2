package dev.warden.core.replay;

import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** What a generated request asks for: one to three picks, each a role or a resource, no repeats. */
record RandomAsk(List<RoleName> roles, List<ResourceId> resources) {

  static RandomAsk draw(Random random, List<RoleName> roles, List<ResourceId> resources) {
    List<RoleName> asked = new ArrayList<>();
    List<ResourceId> on = new ArrayList<>();
    for (int k = 0; k < 1 + random.nextInt(3); k++) {
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
    return new RandomAsk(asked, on);
  }
}
