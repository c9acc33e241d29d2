package dev.warden.api.v1;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One identity of the broker's inventory, as {@code GET /v1/identities} lists it.
 *
 * @param kind {@code human} or {@code bot}
 * @param roles the roles of its newest certificate
 * @param certificates every certificate issued to it, newest first
 * @param lastSeen its last authenticated call, or null when none was seen
 * @param locked whether an identity lock in force targets it
 * @param locks the ids of those locks
 * @param deleted when it was deleted, or null while it is not
 */
public record IdentityObject(
    String name,
    String kind,
    List<String> roles,
    List<Certificate> certificates,
    @Nullable Seen lastSeen,
    boolean locked,
    List<String> locks,
    @Nullable Instant deleted) {

  public IdentityObject {
    Fields.required(name, "name");
    Fields.required(kind, "kind");
    roles = Fields.listOrEmpty(roles);
    certificates = Fields.listOrEmpty(certificates);
    locks = Fields.listOrEmpty(locks);
  }

  /**
   * One certificate issued to the identity.
   *
   * @param issued when it was issued, or null for certificates recorded before issue times were
   * @param renewedFrom the serial of the certificate it renewed, or null for a first issue
   */
  public record Certificate(
      String serial, @Nullable Instant issued, Instant expires, @Nullable String renewedFrom) {

    public Certificate {
      Fields.required(serial, "serial");
      Fields.required(expires, "expires");
    }
  }

  /** When the identity was last seen, and with which certificate. */
  public record Seen(Instant time, String serial) {

    public Seen {
      Fields.required(time, "time");
      Fields.required(serial, "serial");
    }
  }
}
