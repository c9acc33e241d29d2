package dev.warden.broker.store;

import java.util.List;

/**
 * Items read in one consistent snapshot, with the store's version at that snapshot, so a watcher
 * can list and then watch from {@code resourceVersion} without missing or repeating a change.
 */
public record Listing<T>(List<T> items, long resourceVersion) {

  public Listing {
    items = List.copyOf(items);
  }
}
