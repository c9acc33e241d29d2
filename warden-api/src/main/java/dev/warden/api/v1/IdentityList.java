package dev.warden.api.v1;

import java.util.List;

/** The answer of {@code GET /v1/identities}: every identity the broker's CA issued, by name. */
public record IdentityList(List<IdentityObject> items) {

  public IdentityList {
    items = Fields.listOrEmpty(items);
  }
}
