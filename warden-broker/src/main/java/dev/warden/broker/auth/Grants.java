package dev.warden.broker.auth;

import dev.warden.api.v1.Permission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The effective permissions of an identity: the union of the rules of all its roles. */
public final class Grants {

  private static final Comparator<Scope> SCOPE_ORDER =
      Comparator.comparing(
          (Scope s) -> s.wireName() == null ? "" : s.wireName(), Comparator.naturalOrder());

  private final List<Rule> rules;

  private Grants(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The union of the rules of {@code roles}. */
  public static Grants of(List<RoleDefinition> roles) {
    List<Rule> rules = new ArrayList<>();
    for (RoleDefinition role : roles) {
      rules.addAll(role.rules());
    }
    return new Grants(rules);
  }

  /** Whether some rule grants {@code verb} on {@code resource} for {@code subject}. */
  public boolean allows(Verb verb, Resource resource, Subject subject, String caller) {
    for (Rule rule : rules) {
      if (rule.grants(verb, resource, subject, caller)) {
        return true;
      }
    }
    return false;
  }

  /** The scopes, other than all objects, within which some rule grants {@code verb} on it. */
  public List<Scope> scopes(Verb verb, Resource resource) {
    List<Scope> scopes = new ArrayList<>();
    for (Rule rule : rules) {
      if (rule.resource() == resource
          && rule.verbs().contains(verb)
          && !(rule.scope() instanceof Scope.All)
          && !scopes.contains(rule.scope())) {
        scopes.add(rule.scope());
      }
    }
    return scopes;
  }

  /**
   * The permissions as {@code GET /v1/whoami} reports them: one entry per resource and scope, with
   * the verbs merged, in a stable order (resources and verbs in their declared order, the unscoped
   * entry of a resource first). A scoped verb that an unscoped rule already grants is left out, so
   * the list never says the same thing twice.
   */
  public List<Permission> permissions() {
    Map<Resource, Map<Scope, Set<Verb>>> merged = new LinkedHashMap<>();
    for (Resource resource : Resource.values()) {
      merged.put(resource, new java.util.TreeMap<>(SCOPE_ORDER));
    }
    for (Rule rule : rules) {
      merged
          .get(rule.resource())
          .computeIfAbsent(rule.scope(), s -> EnumSet.noneOf(Verb.class))
          .addAll(rule.verbs());
    }
    List<Permission> permissions = new ArrayList<>();
    merged.forEach(
        (resource, byScope) -> {
          Set<Verb> unscoped = byScope.getOrDefault(Scope.ALL, EnumSet.noneOf(Verb.class));
          byScope.forEach(
              (scope, verbs) -> {
                Set<Verb> shown = EnumSet.copyOf(verbs);
                if (!(scope instanceof Scope.All)) {
                  shown.removeAll(unscoped);
                }
                if (!shown.isEmpty()) {
                  permissions.add(
                      new Permission(
                          resource.wireName(),
                          shown.stream().map(Verb::wireName).toList(),
                          scope.wireName()));
                }
              });
        });
    return permissions;
  }
}
