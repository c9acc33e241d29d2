package dev.warden.api.v1;

import java.util.List;

/**
 * The answer of {@code GET /v1/locks}.
 *
 * @param resourceVersion the version the list was read at; watch from it to see later changes
 */
public record LockList(List<LockObject> items, long resourceVersion) {

  public LockList {
    items = Fields.listOrEmpty(items);
  }
}
