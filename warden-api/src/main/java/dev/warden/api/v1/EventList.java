package dev.warden.api.v1;

import java.util.List;

/**
 * The answer of {@code GET /v1/events}: audit entries after the asked version, oldest first.
 *
 * @param resourceVersion the version the list was read at
 */
public record EventList(List<AuditEvent> items, long resourceVersion) {

  public EventList {
    items = Fields.listOrEmpty(items);
  }
}
