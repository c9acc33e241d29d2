package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.api.json.Json;
import dev.warden.api.v1.RequestObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * audit verify, audit why, export requests and replay of a decision log, on the log a real watcher
 * wrote while enforcing the example policy against a real broker.
 */
class AuditCommandTest {

  private static final String POLICY = "../examples/policy.yaml";
  private static final String CATALOG = "../examples/catalog.yaml";

  @TempDir static Path dir;
  private static LiveSystem system;
  private static RequestObject production;
  private static RequestObject research;
  private static RequestObject tooBig;
  private static String log;
  private static String cert;

  @BeforeAll
  static void runTheWatcher() throws Exception {
    system = LiveSystem.start(dir);
    production = system.decided("alice", List.of("prod-db"), List.of(), "incident 7 on checkout");
    research =
        system.decided("alice", List.of("research-notebook"), List.of(), "notebook for run 7");
    tooBig =
        system.decided(
            "bob",
            List.of(),
            List.of("node/dev-web-1", "db/dev-orders", "node/prod-web-1", "node/prod-web-2"),
            "load test of the new cache");
    system.stopWatcher();
    log = system.decisionLog.toString();
    cert = dir.resolve("watcher").resolve("tls.crt").toString();
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  @Test
  void verify_theWatchersLogWithItsCertificate_isIntact() {
    Cli.Run run = Cli.run("audit", "verify", log, "--cert", cert);

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains(": intact")
        .contains("1 signatures verified")
        .doesNotContain("note:");
  }

  @Test
  void verify_withoutCertificate_saysWhatItCannotShow() {
    Cli.Run run = Cli.run("audit", "verify", log);

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("note: signatures not checked (no --cert)");
  }

  @Test
  void verify_editedRecord_exitsOneNamingLineSeqAndKind() throws Exception {
    Path copy = dir.resolve("edited.jsonl");
    List<String> lines = Files.readAllLines(system.decisionLog);
    lines.set(1, lines.get(1).replace("\"alice\"", "\"mallory\""));
    Files.write(copy, lines);

    Cli.Run run = Cli.run("audit", "verify", copy.toString(), "--cert", cert, "-o", "json");

    JsonNode report = Json.mapper().readTree(run.out());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(report.path("ok").asBoolean()).isFalse();
    assertThat(report.path("faults").get(0).path("line").asInt()).isEqualTo(2);
    assertThat(report.path("faults").get(0).path("seq").asInt()).isEqualTo(2);
    assertThat(report.path("faults").get(0).path("kind").asText()).isEqualTo("edited");
  }

  @Test
  void verify_cutAfterALine_isTruncatedWithTheCertificate() throws Exception {
    Path copy = dir.resolve("cut.jsonl");
    List<String> lines = Files.readAllLines(system.decisionLog);
    Files.write(copy, lines.subList(0, lines.size() - 1));

    Cli.Run run = Cli.run("audit", "verify", copy.toString(), "--cert", cert);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out())
        .contains(copy + ":" + (lines.size() - 1) + ": seq " + (lines.size() - 1) + ": truncated:");
  }

  @Test
  void why_tellsWhatWasAskedAndEveryDecisionTouchingIt() {
    Cli.Run run = Cli.run("audit", "why", production.id().value(), "--log", log);

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("request " + production.id() + " of alice")
        .contains("roles prod-db; resources -; for PT4H; reason \"incident 7 on checkout\"")
        .contains(
            "outcome APPROVE for "
                + production.id()
                + "; "
                + production.id()
                + ": pending → active")
        .contains(
            "outcome APPROVE for " + research.id() + "; " + production.id() + ": active → locked")
        .contains("rule production-research-separation: " + production.id())
        .contains("results: lock warden-production-research-separation-" + production.id())
        .contains("by watcher (serial ");
  }

  @Test
  void why_withTheBroker_addsItsAuditEvents_asJson() throws Exception {
    Cli.Run run =
        Cli.run(
            "audit",
            "why",
            production.id().value(),
            "--log",
            log,
            "--broker",
            system.broker.uri().toString(),
            "--identity",
            dir.resolve("admin").toString(),
            "-o",
            "json");

    JsonNode story = Json.mapper().readTree(run.out());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(story.path("asked").path("reason").asText()).isEqualTo("incident 7 on checkout");
    assertThat(story.path("decisions")).hasSizeGreaterThanOrEqualTo(4);
    assertThat(story.path("brokerEvents"))
        .extracting(e -> e.path("type").asText())
        .contains("REQUEST_CREATED", "REQUEST_APPROVED", "LOCK_CREATED");
  }

  @Test
  void why_unknownRequest_exitsOne() {
    Cli.Run run = Cli.run("audit", "why", "r-nothing", "--log", log);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("holds no decision about request r-nothing");
  }

  @Test
  void replay_theLogThroughItsOwnPolicy_reproducesEveryRecordedDecision() throws Exception {
    Cli.Run run =
        Cli.run("policy", "replay", POLICY, "--history", log, "--catalog", CATALOG, "-o", "json");

    JsonNode summary = Json.mapper().readTree(run.out());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(summary.path("decisions").asInt()).isEqualTo(3);
    assertThat(summary.path("changed").asInt()).isZero();
    assertThat(summary.path("baselineLocks").asInt()).isEqualTo(1);
  }

  @Test
  void replay_theLogThroughAStricterPolicy_showsTheChange() throws Exception {
    Path stricter = dir.resolve("stricter.yaml");
    Files.writeString(
        stricter,
        Files.readString(Path.of(POLICY)).replace("resolve: lock-older", "resolve: deny-new"));

    Cli.Run run =
        Cli.run("policy", "replay", stricter.toString(), "--history", log, "--catalog", CATALOG);

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("against the decisions recorded in " + log)
        .contains("APPROVE → DENY")
        .contains(research.id() + " of alice asks for research-notebook")
        .contains("1 before, 0 after (-1)");
  }

  @Test
  void export_thenReplayAgainstTheSamePolicy_changesNothing() throws Exception {
    Cli.Run export =
        Cli.run(
            "export",
            "requests",
            "--since",
            "1d",
            "--broker",
            system.broker.uri().toString(),
            "--identity",
            dir.resolve("admin").toString());
    Path exported = dir.resolve("export.jsonl");
    Files.writeString(exported, export.out(), StandardCharsets.UTF_8);

    Cli.Run replay =
        Cli.run(
            "policy",
            "replay",
            POLICY,
            "--history",
            exported.toString(),
            "--catalog",
            CATALOG,
            "--baseline",
            POLICY,
            "-o",
            "json");

    assertThat(export.exit()).as(export.err()).isZero();
    assertThat(export.out().lines())
        .hasSize(3)
        .first()
        .satisfies(line -> assertThat(line).contains("\"id\":\"" + production.id() + "\""));
    JsonNode summary = Json.mapper().readTree(replay.out());
    assertThat(summary.path("decisions").asInt()).isEqualTo(3);
    assertThat(summary.path("changed").asInt()).isZero();
    assertThat(summary.path("transitions")).isEmpty();
  }
}
