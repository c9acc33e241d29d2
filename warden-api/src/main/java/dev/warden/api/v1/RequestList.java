package dev.warden.api.v1;

import java.util.List;

/**
 * The answer of {@code GET /v1/requests}.
 *
 * @param resourceVersion the version the list was read at; watch from it to see later changes
 */
public record RequestList(List<RequestObject> items, long resourceVersion) {

  public RequestList {
    items = Fields.listOrEmpty(items);
  }
}
