package dev.warden.watcher.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionLogTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  /**
   * Two watchers once shared a log (a test started a second one before the first had died): their
   * records interleaved, each with its own seq and prev, and the chain forked. The log's lock now
   * makes the second open fail instead, and is released by close.
   */
  @Test
  void secondOpen_whileTheLogIsInUse_failsNamingTheFile_andSucceedsAfterClose() throws Exception {
    Path file = dir.resolve("decisions.jsonl");

    try (DecisionLog first = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> DecisionLog.open(file, CLOCK, Duration.ofSeconds(5)))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("in use by another watcher");
    }
    try (DecisionLog again = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      assertThat(again.recovery().lastSeq()).isZero();
    }
  }

  @Test
  void intentAndOutcome_areChainedAndVerify() throws Exception {
    Path file = dir.resolve("decisions.jsonl");

    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      Appended intent = log.intent(Entries.approval("d-1", "alice", "r1"));
      Appended outcome = log.outcome(Entries.approval("d-1", "alice", "r1"));
      assertThat(intent.seq()).isEqualTo(1);
      assertThat(outcome.seq()).isEqualTo(2);
    }

    LogVerifier.Result result = LogVerifier.verify(file);
    assertThat(result.fault()).isNull();
    assertThat(result.records()).isEqualTo(2);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(0)).contains("\"prev\":\"" + "0".repeat(64) + "\"");
    assertThat(lines.get(0)).contains("\"phase\":\"intent\"");
    assertThat(lines.get(1)).contains("\"phase\":\"outcome\"");
  }

  @Test
  void outcomeLater_keepsQueueOrder_andIsDurableWhenItsFutureCompletes() throws Exception {
    Path file = dir.resolve("decisions.jsonl");

    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      log.intent(Entries.approval("d-1", "alice", "r1"));
      var outcome = log.outcomeLater(Entries.approval("d-1", "alice", "r1"));
      Appended next = log.intent(Entries.approval("d-2", "alice", "r2"));

      assertThat(outcome.get(5, TimeUnit.SECONDS).seq()).isEqualTo(2);
      assertThat(next.seq()).isEqualTo(3);
      assertThat(Files.readAllLines(file).get(1)).contains("\"phase\":\"outcome\"");
    }

    assertThat(LogVerifier.verify(file).records()).isEqualTo(3);
  }

  @Test
  void independentPythonChecker_acceptsTheLog() throws Exception {
    Path file = dir.resolve("decisions.jsonl");
    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      for (int i = 0; i < 20; i++) {
        log.intent(Entries.approval("d-" + i, "ünïcode-\"quoted\"\n-" + i, "r" + i));
      }
    }

    assertThat(independentCheck(file)).contains("20 records verified");
  }

  /**
   * The writer adds the chain's members to a body rendered ahead of time; keys that sort just
   * before, between and after them must still come out in canonical order, which the independent
   * checker recomputes.
   */
  @Test
  void bodyKeysAroundTheChainsOwn_areWrittenInCanonicalOrder() throws Exception {
    Path file = dir.resolve("decisions.jsonl");
    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      Map<String, Object> body = new java.util.LinkedHashMap<>();
      for (String key :
          List.of(
              "zz", "a", "hasg", "hashes", "pha", "phase0", "pre", "prev0", "seq0", "ti", "timf",
              "\u00e9", "A")) {
        body.put(key, Map.of("b", List.of(1L, "\u2603 \"x\"\n", true), "a", key));
      }
      log.submit("intent", body).get(5, TimeUnit.SECONDS);
      log.submit("outcome", Map.of()).get(5, TimeUnit.SECONDS);
    }

    assertThat(LogVerifier.verify(file).ok()).isTrue();
    assertThat(independentCheck(file)).contains("2 records verified");
  }

  @Test
  void aBodyThatSetsAMemberOfTheChain_isRefused() throws Exception {
    try (DecisionLog log =
        DecisionLog.open(dir.resolve("decisions.jsonl"), CLOCK, Duration.ofSeconds(5))) {
      for (String key : List.of("seq", "time", "phase", "prev", "hash")) {
        assertThatThrownBy(() -> log.submit("intent", Map.of(key, "x")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(key);
      }
    }
  }

  /** Runs the stand-alone Python checker on {@code file}; returns its output once it passed. */
  private static String independentCheck(Path file) throws Exception {
    Process checker =
        new ProcessBuilder(
                "python3",
                Path.of("..", "scripts", "verify-decision-log.py").toString(),
                file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(checker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(checker.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(checker.exitValue()).as(output).isZero();
    return output;
  }

  @Test
  void concurrentWriters_getContiguousSequenceNumbers() throws Exception {
    Path file = dir.resolve("decisions.jsonl");
    int threads = 8;
    int perThread = 250;

    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(10));
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    log.intent(Entries.approval("d-" + thread + "-" + i, "u" + thread, "r" + i));
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    }

    LogVerifier.Result result = LogVerifier.verify(file);
    assertThat(result.fault()).isNull();
    assertThat(result.records()).isEqualTo((long) threads * perThread);
  }

  @Test
  void reopen_repairsATornLastLineAndContinuesTheChain() throws Exception {
    Path file = dir.resolve("decisions.jsonl");
    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      log.intent(Entries.approval("d-1", "alice", "r1"));
      log.outcome(Entries.approval("d-1", "alice", "r1"));
    }
    long goodSize = Files.size(file);
    Files.writeString(file, "{\"seq\":3,\"time\":\"2026-01-", StandardOpenOption.APPEND);
    long tornBytes = Files.size(file) - goodSize;

    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      assertThat(log.recovery().truncatedBytes()).isEqualTo(tornBytes);
      assertThat(log.recovery().lastSeq()).isEqualTo(2);
      assertThat(log.intent(Entries.approval("d-2", "bob", "r2")).seq()).isEqualTo(3);
    }

    assertThat(LogVerifier.verify(file).fault()).isNull();
  }

  /**
   * The operational log once formatted its numbers for people ("truncatedBytes=1,234"), which no
   * grep for {@code truncatedBytes=1234} finds.
   */
  @Test
  void tailRepair_isLoggedWithNumbersAsDigitsOnly() throws Exception {
    Path file = dir.resolve("decisions.jsonl");
    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(10))) {
      List<java.util.concurrent.CompletableFuture<Appended>> pending = new ArrayList<>();
      for (int i = 0; i < 1200; i++) {
        pending.add(log.submit("intent", Entries.approval("d-" + i, "alice", "r" + i).toJson()));
      }
      for (var future : pending) {
        future.get();
      }
    }
    Files.writeString(file, "x".repeat(1234), StandardOpenOption.APPEND);
    List<String> messages = new ArrayList<>();
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger(DecisionLog.class.getName());
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            messages.add(new java.util.logging.SimpleFormatter().formatMessage(record));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(capture);

    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      assertThat(log.recovery().lastSeq()).isEqualTo(1200);
    } finally {
      logger.removeHandler(capture);
    }

    assertThat(messages)
        .anySatisfy(m -> assertThat(m).contains("truncatedBytes=1234", "lastSeq=1200"));
  }

  /** A log whose first decision (d-1) has its outcome and whose second (d-2, seq 3) has none. */
  private Path logWithOneDecisionClosedAndOneOpen() throws Exception {
    Path file = dir.resolve("decisions.jsonl");
    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      log.intent(Entries.approval("d-1", "alice", "r1"));
      log.outcome(Entries.approval("d-1", "alice", "r1"));
      log.intent(Entries.approval("d-2", "bob", "r2"));
    }
    return file;
  }

  @Test
  void reopen_reportsIntentsThatHaveNoOutcome() throws Exception {
    Path file = logWithOneDecisionClosedAndOneOpen();

    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      assertThat(log.recovery().openIntents())
          .containsExactly(new OpenIntent(3, "d-2", "bob", "r2"));
    }
  }

  @Test
  void closeOpenIntents_writesAnUnconfirmedOutcome_soTheNextStartFindsNoneOpen() throws Exception {
    Path file = logWithOneDecisionClosedAndOneOpen();

    DecisionEntry.Actor restarted = new DecisionEntry.Actor("watcher", "beef");
    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      assertThat(log.recovery().openIntents()).hasSize(1);
      assertThat(log.closeOpenIntents(restarted)).isEqualTo(1);
      assertThat(log.closeOpenIntents(restarted)).isZero();
    }
    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      assertThat(log.recovery().openIntents()).isEmpty();
    }

    assertThat(LogVerifier.verify(file).ok()).isTrue();
    List<String> lines = Files.readAllLines(file);
    com.fasterxml.jackson.databind.JsonNode intent =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(2));
    com.fasterxml.jackson.databind.JsonNode closing =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(3));
    assertThat(closing.path("phase").asText()).isEqualTo("outcome");
    assertThat(closing.path("decisionId").asText()).isEqualTo("d-2");
    assertThat(closing.path("user").asText()).isEqualTo("bob");
    assertThat(closing.path("request").asText()).isEqualTo("r2");
    assertThat(closing.path("rules")).isEqualTo(intent.path("rules"));
    assertThat(closing.path("before")).isEqualTo(intent.path("before"));
    assertThat(closing.path("identity").path("serial").asText()).isEqualTo("beef");
    assertThat(closing.path("actions")).isNotEmpty();
    assertThat(closing.path("actions"))
        .allSatisfy(
            action -> {
              assertThat(action.path("result").asText()).isEqualTo("unconfirmed");
              assertThat(action.path("error").asText()).contains("stopped before");
            });
  }

  @Test
  void open_refusesALogWithADamagedCompleteLine() throws Exception {
    Path file = dir.resolve("decisions.jsonl");
    try (DecisionLog log = DecisionLog.open(file, CLOCK, Duration.ofSeconds(5))) {
      log.intent(Entries.approval("d-1", "alice", "r1"));
    }
    Files.writeString(file, "not json at all\n", StandardOpenOption.APPEND);

    assertThatThrownBy(() -> DecisionLog.open(file, CLOCK, Duration.ofSeconds(5)))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(":2: line is not JSON");
  }

  @Test
  void timesNeverGoBackwards_whenTheClockDoes() throws Exception {
    Path file = dir.resolve("decisions.jsonl");
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T12:00:00Z"));

    try (DecisionLog log = DecisionLog.open(file, clock, Duration.ofSeconds(5))) {
      Instant first = log.intent(Entries.approval("d-1", "alice", "r1")).time();
      clock.now = clock.now.minusSeconds(3600);
      Instant second = log.outcome(Entries.approval("d-1", "alice", "r1")).time();

      assertThat(second).isEqualTo(first);
    }
  }

  @Test
  void closedLog_refusesRecords() throws IOException, CorruptLogException {
    DecisionLog log =
        DecisionLog.open(dir.resolve("decisions.jsonl"), CLOCK, Duration.ofSeconds(5));
    log.close();

    assertThatThrownBy(() -> log.intent(Entries.approval("d-1", "alice", "r1")))
        .isInstanceOf(LogUnavailableException.class);
  }

  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
