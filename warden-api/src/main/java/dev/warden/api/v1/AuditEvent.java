package dev.warden.api.v1;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the audit trail ({@code GET /v1/events}): a state change and who made it.
 *
 * @param resourceVersion the version the change committed at; entries are in this order
 * @param type what happened, such as {@code REQUEST_CREATED}, {@code REQUEST_APPROVED} or {@code
 *     LOCK_DELETED}
 * @param kind {@code request} or {@code lock}
 * @param id the id of the request or lock that changed
 * @param actor who made the change; the broker itself for expiries
 * @param decisionId the id the actor gave its decision, or null
 */
public record AuditEvent(
    long resourceVersion,
    Instant time,
    String type,
    String kind,
    String id,
    Actor actor,
    String reason,
    @Nullable String decisionId) {

  public AuditEvent {
    Fields.required(time, "time");
    Fields.required(type, "type");
    Fields.required(kind, "kind");
    Fields.required(id, "id");
    Fields.required(actor, "actor");
    reason = Fields.textOrEmpty(reason);
  }

  /**
   * The identity behind a change.
   *
   * @param serial the serial number of its client certificate in hex, or null when the broker
   *     itself acted (expiry)
   */
  public record Actor(String name, @Nullable String serial) {
    public Actor {
      Fields.required(name, "name");
    }
  }
}
