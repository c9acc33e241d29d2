package dev.warden.broker.store;

import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.UserName;
import org.jspecify.annotations.Nullable;

/**
 * Which requests to list; a null field matches everything.
 *
 * @param state only requests in this state, or null for all states
 * @param user only requests of this user, or null for all users
 */
public record RequestFilter(@Nullable RequestState state, @Nullable UserName user) {

  private static final RequestFilter ALL = new RequestFilter(null, null);

  public static RequestFilter all() {
    return ALL;
  }

  public static RequestFilter ofUser(UserName user) {
    return new RequestFilter(null, user);
  }

  public static RequestFilter inState(RequestState state) {
    return new RequestFilter(state, null);
  }

  /** Whether {@code request} passes this filter. */
  public boolean matches(StoredRequest request) {
    return (state == null || request.state() == state)
        && (user == null || request.request().user().equals(user));
  }
}
