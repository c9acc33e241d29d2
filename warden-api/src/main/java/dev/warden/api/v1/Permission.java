package dev.warden.api.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Verbs an identity may use on one resource, within a scope, as {@code GET /v1/whoami} lists them.
 *
 * @param resource one of {@code requests}, {@code reviews}, {@code locks}, {@code catalog}, {@code
 *     identities}, {@code events}
 * @param verbs some of {@code list}, {@code read}, {@code watch}, {@code create}, {@code delete},
 *     {@code review}
 * @param scope absent when the verbs apply to every object of the resource; otherwise {@code self}
 *     (the caller's own requests), {@code others} (requests of other users) or a lock id prefix
 *     followed by {@code *}, such as {@code warden-*}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Permission(String resource, List<String> verbs, @Nullable String scope) {

  public Permission {
    Fields.required(resource, "resource");
    verbs = Fields.listOrEmpty(verbs);
  }

  /** Verbs on every object of a resource. */
  public static Permission of(String resource, String... verbs) {
    return new Permission(resource, List.of(verbs), null);
  }

  /** Verbs on the objects of a resource within {@code scope}. */
  public static Permission scoped(String resource, String scope, String... verbs) {
    return new Permission(resource, List.of(verbs), scope);
  }
}
