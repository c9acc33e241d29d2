package dev.warden.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.api.v1.Permission;
import dev.warden.core.yaml.Diagnostic;
import dev.warden.core.yaml.InvalidFileException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Roles as data: the roles file format, its errors with positions, and effective permissions. */
class RoleFileTest {

  @Test
  void builtInRoles_areTheFourDocumentedOnes() {
    RoleBook book = RoleBook.builtIn();

    assertThat(book.names()).containsExactly("admin", "watcher", "requester", "reviewer");
    assertThat(book.all()).allMatch(RoleDefinition::builtIn);
  }

  @Test
  void watcherRole_grantsExactlyTheWatchersScope() {
    List<Permission> permissions = grants("watcher").permissions();

    assertThat(permissions)
        .containsExactly(
            Permission.of("requests", "list", "read", "watch", "review"),
            Permission.of("locks", "list", "read", "watch"),
            Permission.scoped("locks", "warden-*", "create", "delete"),
            Permission.of("catalog", "read"));
  }

  @Test
  void reviewerRole_reviewsOthersOnly_andCreatesForItself() {
    Grants reviewer = grants("reviewer");

    boolean othersRequest =
        reviewer.allows(Verb.REVIEW, Resource.REQUESTS, Subject.requestOf("bob"), "carol");
    boolean ownRequest =
        reviewer.allows(Verb.REVIEW, Resource.REQUESTS, Subject.requestOf("carol"), "carol");
    boolean createForOther =
        reviewer.allows(Verb.CREATE, Resource.REQUESTS, Subject.requestOf("bob"), "carol");

    assertThat(othersRequest).isTrue();
    assertThat(ownRequest).isFalse();
    assertThat(createForOther).isFalse();
    assertThat(reviewer.permissions())
        .containsExactly(
            Permission.of("requests", "list", "read"),
            Permission.scoped("requests", "others", "review"),
            Permission.scoped("requests", "self", "create"),
            Permission.of("catalog", "read"));
  }

  @Test
  void rolesTogether_mergeAndDropWhatAnUnscopedRuleAlreadyGrants() {
    Grants both = grants("requester", "reviewer");

    List<Permission> permissions = both.permissions();

    assertThat(permissions)
        .containsExactly(
            Permission.of("requests", "list", "read"),
            Permission.scoped("requests", "others", "review"),
            Permission.scoped("requests", "self", "create"),
            Permission.of("catalog", "read"));
  }

  @Test
  void rolesFile_addsRolesBesideTheBuiltIns() throws Exception {
    String text =
        """
        roles:
          - name: auditor
            description: Reads the audit trail.
            rules:
              - resource: events
                verbs: [list]
              - resource: identities
                verbs: [list, read]
          - name: lock-bot
            rules:
              - resource: locks
                verbs: [create, delete]
                scope: ops-*
              - resource: reviews
                verbs: [create]
        """;

    RoleBook book = RoleBook.withFile("roles.yaml", text);

    assertThat(book.names()).endsWith("auditor", "lock-bot");
    assertThat(Grants.of(List.of(book.find("lock-bot").orElseThrow())).permissions())
        .as("create on reviews is the same permission as review on requests")
        .containsExactly(
            Permission.of("requests", "review"),
            Permission.scoped("locks", "ops-*", "create", "delete"));
    Grants auditor = Grants.of(List.of(book.find("auditor").orElseThrow()));
    assertThat(auditor.allows(Verb.LIST, Resource.EVENTS, Subject.EVERYTHING, "x")).isTrue();
    assertThat(auditor.allows(Verb.LIST, Resource.REQUESTS, Subject.EVERYTHING, "x")).isFalse();
  }

  @Test
  void rolesFile_withMistakes_reportsEachWithItsPosition() {
    String text =
        """
        roles:
          - name: admin
            rules:
              - resource: events
                verbs: [list]
          - name: auditor
            rules:
              - resource: event
                verbs: [list]
              - resource: catalog
                verbs: [watch]
              - resource: requests
                verbs: [reed]
              - resource: requests
                verbs: [watch]
                scope: self
              - resource: identities
                verbs: [create]
          - name: Bad_Name
            rules:
              - resource: events
                verbs: [list]
          - name: empty
            rules: []
        """;

    InvalidFileException failure =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidFileException.class, () -> RoleBook.withFile("roles.yaml", text));

    assertThat(failure.diagnostics())
        .extracting(d -> d.line() + ":" + d.code())
        .containsExactlyInAnyOrder(
            "2:redefines-built-in",
            "8:unknown-resource",
            "11:bad-verb",
            "13:unknown-verb",
            "16:bad-scope",
            "18:bad-verb",
            "19:bad-name",
            "24:no-rules");
    assertThat(messageAt(failure, 8)).contains("'event'");
    assertThat(hintAt(failure, 8)).contains("did you mean 'events'");
    assertThat(messageAt(failure, 11)).contains("'watch' is not a verb of catalog");
    assertThat(hintAt(failure, 13)).contains("did you mean 'read'");
    assertThat(messageAt(failure, 16)).contains("scope 'self' does not apply to watch");
    assertThat(messageAt(failure, 18)).contains("warden identity issue");
    assertThat(failure.getMessage()).startsWith("roles.yaml:");
  }

  @Test
  void rule_withScopeOnTheWrongResource_isRefused() {
    assertThatThrownBy(
            () ->
                new Rule(
                    Resource.CATALOG, java.util.EnumSet.of(Verb.READ), new Scope.IdPrefix("x-")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not apply to read on catalog");
  }

  private static Grants grants(String... roles) {
    return Grants.of(
        java.util.Arrays.stream(roles).map(r -> RoleBook.builtIn().find(r).orElseThrow()).toList());
  }

  private static String messageAt(InvalidFileException failure, int line) {
    return diagnosticAt(failure, line).message();
  }

  private static String hintAt(InvalidFileException failure, int line) {
    return String.valueOf(diagnosticAt(failure, line).hint());
  }

  private static Diagnostic diagnosticAt(InvalidFileException failure, int line) {
    return failure.diagnostics().stream().filter(d -> d.line() == line).findFirst().orElseThrow();
  }
}
