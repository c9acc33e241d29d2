package dev.warden.api.v1;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code GET /v1/whoami}: the caller's identity as the broker sees it.
 *
 * @param permissions the effective permissions of all its roles together
 * @param expires when the caller's certificate stops being accepted
 * @param serial the serial of the certificate presented, in lower-case hex
 * @param kind {@code human} or {@code bot}
 */
public record WhoAmI(
    String name,
    List<String> roles,
    List<Permission> permissions,
    Instant expires,
    @Nullable String serial,
    @Nullable String kind) {

  public WhoAmI {
    Fields.required(name, "name");
    roles = Fields.listOrEmpty(roles);
    permissions = Fields.listOrEmpty(permissions);
    Fields.required(expires, "expires");
  }
}
