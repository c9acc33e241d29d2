package dev.warden.api.v1;

import java.util.List;

/**
 * Verbs an identity may use on one kind of resource, as {@code GET /v1/whoami} lists them.
 *
 * @param resource such as {@code requests}, {@code requests:self} (the caller's own requests only)
 *     or {@code locks:warden-*} (locks whose id starts with {@code warden-})
 */
public record Permission(String resource, List<String> verbs) {

  public Permission {
    Fields.required(resource, "resource");
    verbs = Fields.listOrEmpty(verbs);
  }
}
