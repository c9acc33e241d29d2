package dev.warden.broker.auth;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of things permissions are granted on, each with the verbs the broker enforces on it.
 *
 * <p>A verb that no endpoint checks for a resource is not accepted in a rule: a permission that
 * gates nothing would mislead whoever reads a role, and an auditor reading {@code GET /v1/whoami}.
 */
public enum Resource {
  REQUESTS(Verb.LIST, Verb.READ, Verb.WATCH, Verb.CREATE, Verb.REVIEW),
  /**
   * Reviews are made with {@code review} on {@link #REQUESTS} and read as part of their request;
   * {@code create} on reviews is accepted in role files as another spelling of that permission.
   */
  REVIEWS(Verb.CREATE),
  LOCKS(Verb.LIST, Verb.READ, Verb.WATCH, Verb.CREATE, Verb.DELETE),
  CATALOG(Verb.READ),
  IDENTITIES(Verb.LIST, Verb.READ, Verb.DELETE),
  EVENTS(Verb.LIST);

  private final Set<Verb> verbs;

  Resource(Verb first, Verb... rest) {
    this.verbs = EnumSet.of(first, rest);
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The verbs some endpoint checks on this resource. */
  public Set<Verb> verbs() {
    return verbs;
  }

  /** The resource with this wire name, if it is one. */
  public static Optional<Resource> parse(String name) {
    return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
  }

  /** The wire names of all resources, for messages. */
  public static List<String> names() {
    return Arrays.stream(values()).map(Resource::wireName).toList();
  }
}
