package dev.warden.api.v1;

import java.time.Instant;
import java.util.List;

/**
 * The answer of {@code GET /v1/whoami}: the caller's identity as the broker sees it.
 *
 * @param expires when the caller's certificate stops being accepted
 */
public record WhoAmI(
    String name, List<String> roles, List<Permission> permissions, Instant expires) {

  public WhoAmI {
    Fields.required(name, "name");
    roles = Fields.listOrEmpty(roles);
    permissions = Fields.listOrEmpty(permissions);
    Fields.required(expires, "expires");
  }
}
