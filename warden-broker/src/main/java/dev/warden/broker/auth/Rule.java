package dev.warden.broker.auth;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One grant of a role: some verbs on one resource, within a scope.
 *
 * <p>{@code create} on {@code reviews} is stored as {@code review} on {@code requests}, the one
 * form {@code GET /v1/whoami} reports, so that two spellings never look like two permissions.
 *
 * @param verbs at least one, each enforced on the resource
 */
public record Rule(Resource resource, Set<Verb> verbs, Scope scope) {

  private static final String SCOPES_HELP =
      "self applies to list, read and create on requests, others to review on requests, and a"
          + " prefix such as warden-* to create and delete on locks";

  /**
   * Checks and normalises a rule.
   *
   * @throws IllegalArgumentException naming the verb or scope that does not apply to the resource
   */
  public Rule {
    String wrongVerb = verbProblem(resource, verbs);
    if (wrongVerb != null) {
      throw new IllegalArgumentException(wrongVerb);
    }
    if (resource == Resource.REVIEWS) {
      resource = Resource.REQUESTS;
      verbs = EnumSet.of(Verb.REVIEW);
    }
    String wrongScope = scopeProblem(resource, verbs, scope);
    if (wrongScope != null) {
      throw new IllegalArgumentException(wrongScope);
    }
    verbs = Set.copyOf(EnumSet.copyOf(verbs));
  }

  /** Why {@code verbs} cannot be granted on {@code resource}, or null when they can. */
  static @Nullable String verbProblem(Resource resource, Set<Verb> verbs) {
    if (verbs.isEmpty()) {
      return "a rule on " + resource.wireName() + " names no verb";
    }
    for (Verb verb : verbs) {
      if (!resource.verbs().contains(verb)) {
        return "'"
            + verb.wireName()
            + "' is not a verb of "
            + resource.wireName()
            + "; "
            + resource.wireName()
            + " takes "
            + names(resource.verbs())
            + hint(resource, verb);
      }
    }
    return null;
  }

  /** Why {@code scope} does not apply to the verbs, or null when it does. */
  static @Nullable String scopeProblem(Resource resource, Set<Verb> verbs, Scope scope) {
    Resource normal = resource == Resource.REVIEWS ? Resource.REQUESTS : resource;
    for (Verb verb : verbs) {
      Verb normalVerb = resource == Resource.REVIEWS ? Verb.REVIEW : verb;
      if (!scope.appliesTo(normal, normalVerb)) {
        return "scope '"
            + scope.wireName()
            + "' does not apply to "
            + normalVerb.wireName()
            + " on "
            + normal.wireName()
            + "; "
            + SCOPES_HELP;
      }
    }
    return null;
  }

  /** A rule over every object of the resource. */
  public static Rule of(Resource resource, Verb... verbs) {
    return new Rule(resource, EnumSet.copyOf(List.of(verbs)), Scope.ALL);
  }

  /** Whether this rule grants {@code verb} on {@code resource} for {@code subject}. */
  public boolean grants(Verb verb, Resource on, Subject subject, String caller) {
    return resource == on && verbs.contains(verb) && scope.covers(subject, caller);
  }

  private static String hint(Resource resource, Verb verb) {
    if (resource == Resource.REVIEWS) {
      return " (reviews are made with {resource: requests, verbs: [review]} and read with their"
          + " request)";
    }
    if (resource == Resource.IDENTITIES && verb == Verb.CREATE) {
      return " (identities are issued with warden identity issue on the broker's host, which needs"
          + " the CA key rather than a permission)";
    }
    return "";
  }

  static String names(Set<Verb> verbs) {
    return String.join(", ", EnumSet.copyOf(verbs).stream().map(Verb::wireName).toList());
  }
}
