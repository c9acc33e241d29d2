package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.api.client.ClientIdentity;
import dev.warden.broker.Broker;
import dev.warden.broker.BrokerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden identity}: issue with kinds and lifetimes, renew, revoke, list and delete, run as
 * the command line runs them, against a real broker.
 */
class IdentityCommandTest {

  @TempDir static Path dir;
  private static Broker broker;
  private static Path data;

  /** What one run printed, and its exit code. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    data = dir.resolve("data");
    broker =
        Broker.start(
            BrokerConfig.of(data, Path.of("..", "examples", "catalog.yaml"))
                .withListen("127.0.0.1", 0));
    assertThat(
            warden(
                    "identity",
                    "issue",
                    "root",
                    "--role",
                    "admin",
                    "--data",
                    data.toString(),
                    "--out",
                    dir.resolve("root").toString())
                .exit())
        .isZero();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void issue_watcher_isABotWithAOneHourCertificate() {
    Path out = dir.resolve("watcher-1");

    Run run = issue("watcher-1", out, "--role", "watcher");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("issued identity watcher-1 kind=bot roles=watcher");
    Duration left = Duration.between(Instant.now(), ClientIdentity.load(out).expires());
    assertThat(left).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
  }

  @Test
  void issue_person_getsADay() {
    Path out = dir.resolve("erin");

    Run run = issue("erin", out, "--role", "requester");

    assertThat(run.out()).contains("kind=human");
    Duration left = Duration.between(Instant.now(), ClientIdentity.load(out).expires());
    assertThat(left).isBetween(Duration.ofHours(23), Duration.ofHours(24));
  }

  @Test
  void issue_withTtlOverSevenDays_isAUsageErrorNamingTheLimit() {
    Run run = issue("long", dir.resolve("long"), "--role", "requester", "--ttl", "8d");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--ttl 8d is longer than the CA's limit of 7 days");
    assertThat(dir.resolve("long")).doesNotExist();
  }

  @Test
  void issue_watcherAsHuman_isAUsageError() {
    Run run = issue("w2", dir.resolve("w2"), "--role", "watcher", "--kind", "human");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("the watcher is a bot");
  }

  @Test
  void issue_roleOfARolesFile_needsTheFile() throws Exception {
    Path roles = dir.resolve("roles.yaml");
    Files.writeString(
        roles,
        "roles:\n  - name: auditor\n    rules:\n      - {resource: events, verbs: [list]}\n");

    Run without = issue("aud", dir.resolve("aud"), "--role", "auditor");
    Run with = issue("aud", dir.resolve("aud"), "--role", "auditor", "--roles", roles.toString());

    assertThat(without.exit()).isEqualTo(2);
    assertThat(without.err()).contains("--role 'auditor' is not a role").contains("--roles FILE");
    assertThat(with.exit()).isZero();
  }

  @Test
  void renew_replacesTheFilesWithACertificateOfTheSameIdentity() throws Exception {
    Path out = dir.resolve("bot-renew");
    issue("bot-renew", out, "--role", "watcher", "--ttl", "10m");
    String before = Files.readString(out.resolve("tls.crt"));
    String keyBefore = Files.readString(out.resolve("tls.key"));

    Run run = warden("identity", "renew", "--dir", out.toString(), "--broker", uri());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("renewed identity in " + out);
    ClientIdentity renewed = ClientIdentity.load(out);
    assertThat(Files.readString(out.resolve("tls.crt"))).isNotEqualTo(before);
    assertThat(Files.readString(out.resolve("tls.key"))).isNotEqualTo(keyBefore);
    assertThat(renewed.name()).isEqualTo("bot-renew");
    assertThat(Files.getPosixFilePermissions(out.resolve("tls.key")).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");
    assertThat(Files.list(out).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("tls.crt", "tls.key", "ca.crt");
  }

  @Test
  void revokedIdentity_cannotRenew_andTheLoopExits1SayingWhy() {
    Path out = dir.resolve("bot-revoked");
    issue("bot-revoked", out, "--role", "watcher", "--ttl", "3s");

    Run revoke = admin("identity", "revoke", "bot-revoked");
    Run renew = warden("identity", "renew", "--dir", out.toString(), "--broker", uri(), "--loop");

    assertThat(revoke.exit()).as(revoke.err()).isZero();
    assertThat(revoke.out()).contains("revoked identity bot-revoked (lock revoked-bot-revoked)");
    assertThat(renew.exit()).isEqualTo(1);
    assertThat(renew.err())
        .contains("the broker refused to renew identity bot-revoked")
        .contains("revoked-bot-revoked");
  }

  @Test
  void renew_ofAnExpiredCertificate_exits1SayingToIssueANewOne() throws Exception {
    Path out = dir.resolve("bot-expired");
    issue("bot-expired", out, "--role", "watcher", "--ttl", "1s");
    Thread.sleep(1200);

    Run run = warden("identity", "renew", "--dir", out.toString(), "--broker", uri());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("expired at").contains("warden identity issue");
  }

  @Test
  void list_showsKindRolesSerialsLastSeenAndLocks() {
    Path out = dir.resolve("listed");
    issue("listed", out, "--role", "watcher");
    warden("identity", "renew", "--dir", out.toString(), "--broker", uri());
    admin("identity", "revoke", "listed");

    Run run = admin("identity", "list");

    assertThat(run.exit()).as(run.err()).isZero();
    String row = run.out().lines().filter(l -> l.startsWith("listed ")).findFirst().orElseThrow();
    assertThat(row).contains("bot").contains("watcher").contains("yes (revoked-listed)");
    assertThat(row).contains(serial(out)).contains("valid");
    assertThat(run.out().lines().findFirst().orElseThrow())
        .contains("NAME")
        .contains("KIND")
        .contains("LAST SEEN")
        .contains("EXPIRES");
  }

  @Test
  void delete_makesTheIdentityUnknown_soItCannotRenew() {
    Path out = dir.resolve("gone");
    issue("gone", out, "--role", "watcher");

    Run delete = admin("identity", "delete", "gone");
    Run renew = warden("identity", "renew", "--dir", out.toString(), "--broker", uri());

    assertThat(delete.out()).contains("deleted identity gone");
    assertThat(renew.exit()).isEqualTo(1);
    assertThat(renew.err()).contains("gone was deleted");
  }

  private static Run issue(String name, Path out, String... options) {
    String[] args = new String[6 + options.length];
    args[0] = "identity";
    args[1] = "issue";
    args[2] = name;
    System.arraycopy(options, 0, args, 3, options.length);
    args[3 + options.length] = "--data";
    args[4 + options.length] = data.toString();
    args[5 + options.length] = "--out=" + out;
    return warden(args);
  }

  private static Run admin(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 4);
    all[args.length] = "--broker";
    all[args.length + 1] = uri();
    all[args.length + 2] = "--identity";
    all[args.length + 3] = dir.resolve("root").toString();
    return warden(all);
  }

  private static String uri() {
    return broker.uri().toString();
  }

  private static String serial(Path identity) {
    return ClientIdentity.load(identity).certificate().getSerialNumber().toString(16);
  }

  /** Runs the command line in this JVM, capturing what it prints. */
  private static synchronized Run warden(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      int exit = Warden.run(args);
      return new Run(
          exit,
          outBytes.toString(StandardCharsets.UTF_8),
          errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
