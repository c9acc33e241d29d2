package dev.warden.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.ProblemException;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.Permission;
import dev.warden.broker.Broker;
import dev.warden.broker.BrokerConfig;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.catalog.UserName;
import dev.warden.core.yaml.InvalidFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Roles defined in the broker's roles file, enforced over HTTPS like the built-in ones. */
class CustomRoleTest {

  private static final String ROLES =
      """
      roles:
        - name: auditor
          rules:
            - resource: events
              verbs: [list]
            - resource: identities
              verbs: [list, read]
        - name: freeze-bot
          rules:
            - resource: locks
              verbs: [create, delete]
              scope: freeze-*
      """;

  private static TestBroker broker;

  @BeforeAll
  static void start() throws Exception {
    Path roles = Files.createTempFile("roles", ".yaml");
    Files.writeString(roles, ROLES);
    broker = TestBroker.start(config -> config.withRoles(roles));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void auditor_mayDoWhatItsRulesSay_andNothingElse() {
    BrokerClient auditor = broker.client("carol", "auditor");

    auditor.events(0);
    auditor.identities();
    ProblemException refused = assertThrows(ProblemException.class, auditor::listRequests);

    assertThat(auditor.whoami().permissions())
        .containsExactly(
            Permission.of("identities", "list", "read"), Permission.of("events", "list"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.problem().permission()).isEqualTo("list requests");
  }

  @Test
  void scopedLockRole_managesItsOwnPrefixOnly() {
    BrokerClient bot = broker.client("freezer", "freeze-bot");
    LockTarget target = new LockTarget.User(UserName.of("alice"));

    bot.createLock(new NewLock(LockId.of("freeze-release-7"), target, "release freeze", null));
    bot.deleteLock(LockId.of("freeze-release-7"));
    ProblemException refused =
        assertThrows(
            ProblemException.class,
            () -> bot.createLock(new NewLock(LockId.of("warden-x"), target, "not mine", null)));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.problem().detail()).contains("freeze-*").contains("'warden-x'");
  }

  @Test
  void brokerWithABadRolesFile_doesNotStart_andSaysWhere() throws Exception {
    Path dir = Files.createTempDirectory("bad-roles");
    Path roles = dir.resolve("roles.yaml");
    Files.writeString(
        roles,
        "roles:\n  - name: x\n    rules:\n      - resource: locks\n        verbs: [review]\n");
    Path catalog = dir.resolve("catalog.yaml");
    Files.writeString(catalog, TestBroker.CATALOG);
    BrokerConfig config =
        BrokerConfig.of(dir.resolve("data"), catalog).withListen("127.0.0.1", 0).withRoles(roles);

    assertThatThrownBy(() -> Broker.start(config).close())
        .isInstanceOf(InvalidFileException.class)
        .hasMessageContaining(roles + ":5:16")
        .hasMessageContaining("'review' is not a verb of locks");
  }
}
