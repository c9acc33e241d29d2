package dev.warden.core.decision;

import dev.warden.core.access.RequestId;
import java.util.List;

/** The user's grants at one moment: the active ones and the locked ones, oldest first. */
public record Snapshot(List<RequestId> active, List<RequestId> locked) {

  public Snapshot {
    active = List.copyOf(active);
    locked = List.copyOf(locked);
  }
}
