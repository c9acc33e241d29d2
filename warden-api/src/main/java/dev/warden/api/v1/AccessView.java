package dev.warden.api.v1;

import dev.warden.core.catalog.UserName;
import java.util.List;

/**
 * The answer of {@code GET /v1/access/{user}}: what a user can use right now and what holds them
 * back.
 *
 * @param active the user's active grants: approved, unexpired and not locked
 * @param locks the locks in force that target the user, one of their requests or roles
 */
public record AccessView(UserName user, List<RequestObject> active, List<LockObject> locks) {

  public AccessView {
    Fields.required(user, "user");
    active = Fields.listOrEmpty(active);
    locks = Fields.listOrEmpty(locks);
  }
}
