package dev.warden.watcher.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.broker.ca.IssuedIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  @TempDir Path dir;
  private IssuedIdentity watcher;
  private List<X509Certificate> certificate;
  private Path file;

  @BeforeEach
  void writeLog() throws Exception {
    watcher = SignedLogs.watcher(dir);
    certificate = List.of(watcher.certificate());
    file = dir.resolve("decisions.jsonl");
    SignedLogs.write(file, watcher, 2500, 1000);
  }

  @Test
  void log_signsACheckpointEveryIntervalAndAtClose() throws Exception {
    ChainVerifier.Report report = ChainVerifier.verify(file, certificate, false);

    List<Map<String, Object>> checkpoints = checkpoints();
    assertThat(report.ok()).as(report.faults().toString()).isTrue();
    assertThat(report.records()).isEqualTo(2503);
    assertThat(report.verifiedCheckpoints()).isEqualTo(3);
    assertThat(report.endsWithShutdown()).isTrue();
    assertThat(report.lastSignedSeq()).isEqualTo(2502);
    assertThat(checkpoints)
        .extracting(c -> c.get("seq"), c -> c.get("reason"), c -> c.get("algorithm"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1000L, "interval", "SHA256withECDSA"),
            org.assertj.core.groups.Tuple.tuple(2001L, "interval", "SHA256withECDSA"),
            org.assertj.core.groups.Tuple.tuple(2502L, "shutdown", "SHA256withECDSA"));
  }

  @Test
  void reopenedLog_continuesTheChain_andClosesWithAnotherCheckpoint() throws Exception {
    SignedLogs.write(file, watcher, 600, 1000);

    ChainVerifier.Report report = ChainVerifier.verify(file, certificate, false);

    assertThat(report.ok()).as(report.faults().toString()).isTrue();
    // The shutdown checkpoint at 2503 starts the next interval; 600 more records stay within it.
    assertThat(checkpoints())
        .extracting(c -> c.get("seq"))
        .containsExactly(1000L, 2001L, 2502L, 3103L);
    assertThat(LogVerifier.verify(file).ok()).isTrue();
  }

  @Test
  void wholeChainRewrittenWithEveryHashRecomputed_passesTheChainButNotTheSignatures()
      throws Exception {
    byte[] rewritten =
        rewrite(
            record -> {
              if ("alice".equals(record.get("user"))) {
                record.put("user", "mallory");
              }
              return record;
            });

    ChainVerifier.Report chainOnly = ChainVerifier.verify(rewritten, List.of(), false);
    ChainVerifier.Report signed = ChainVerifier.verify(rewritten, certificate, false);

    assertThat(chainOnly.ok()).isTrue();
    assertThat(signed.ok()).isFalse();
    assertThat(signed.faults())
        .extracting(ChainVerifier.Fault::kind)
        .containsOnly(ChainVerifier.BAD_SIGNATURE, ChainVerifier.TRUNCATED);
    assertThat(signed.faults().get(0).seq()).isEqualTo(1001);
  }

  @Test
  void checkpointsStrippedAndChainRewritten_isReportedAsMissingAndTruncated() throws Exception {
    List<byte[]> kept = new ArrayList<>();
    for (byte[] line : SignedLogs.lines(file)) {
      if (!new String(line, StandardCharsets.UTF_8).contains("\"phase\":\"checkpoint\"")) {
        kept.add(line);
      }
    }
    Files.write(file, SignedLogs.join(kept));
    byte[] rewritten = rewrite(UnaryOperator.identity());

    ChainVerifier.Report chainOnly = ChainVerifier.verify(rewritten, List.of(), false);
    ChainVerifier.Report signed = ChainVerifier.verify(rewritten, certificate, false);

    assertThat(chainOnly.ok()).isTrue();
    assertThat(signed.faults())
        .extracting(ChainVerifier.Fault::kind)
        .containsExactly(ChainVerifier.TRUNCATED);
  }

  @Test
  void cutAtALineEnd_isOnlyCaughtWithTheCertificate_unlessLive() throws Exception {
    List<byte[]> lines = SignedLogs.lines(file);
    byte[] cut = SignedLogs.join(lines.subList(0, 1800));

    ChainVerifier.Report chainOnly = ChainVerifier.verify(cut, List.of(), false);
    ChainVerifier.Report signed = ChainVerifier.verify(cut, certificate, false);
    ChainVerifier.Report live = ChainVerifier.verify(cut, certificate, true);

    assertThat(chainOnly.ok()).isTrue();
    assertThat(signed.faults())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(ChainVerifier.TRUNCATED);
              assertThat(f.line()).isEqualTo(1800);
              assertThat(f.detail()).contains("records after seq 1000");
            });
    assertThat(live.ok()).isTrue();
    assertThat(live.lastSignedSeq()).isEqualTo(1000);
  }

  @Test
  void otherCertificate_doesNotVouchForTheLog() throws Exception {
    IssuedIdentity stranger = SignedLogs.watcher(dir.resolve("elsewhere"));

    ChainVerifier.Report report =
        ChainVerifier.verify(file, List.of(stranger.certificate()), false);

    assertThat(report.faults())
        .extracting(ChainVerifier.Fault::kind)
        .contains(ChainVerifier.BAD_SIGNATURE, ChainVerifier.TRUNCATED);
    assertThat(report.faults().get(0).detail()).contains("not among the certificates given");
  }

  @Test
  void emptyLogClosedByTheWatcher_endsWithACheckpoint_andACutToNothingIsCaught() throws Exception {
    Path empty = dir.resolve("empty.jsonl");
    SignedLogs.write(empty, watcher, 0, 1000);

    ChainVerifier.Report closed = ChainVerifier.verify(empty, certificate, false);
    ChainVerifier.Report nothing = ChainVerifier.verify(new byte[0], certificate, false);

    assertThat(closed.ok()).as(closed.faults().toString()).isTrue();
    assertThat(closed.records()).isEqualTo(1);
    assertThat(nothing.faults())
        .extracting(ChainVerifier.Fault::kind)
        .containsExactly(ChainVerifier.TRUNCATED);
  }

  private List<Map<String, Object>> checkpoints() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    List<Map<String, Object>> checkpoints = new ArrayList<>();
    for (byte[] line : SignedLogs.lines(file)) {
      Map<String, Object> record = LogVerifier.asMap(mapper.readTree(line));
      if ("checkpoint".equals(record.get("phase"))) {
        @SuppressWarnings("unchecked")
        Map<String, Object> checkpoint = (Map<String, Object>) record.get("checkpoint");
        checkpoints.add(checkpoint);
      }
    }
    return checkpoints;
  }

  /** What an attacker without the key can do: change records and recompute the whole chain. */
  private byte[] rewrite(UnaryOperator<Map<String, Object>> change) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    StringBuilder out = new StringBuilder();
    String prev = DecisionLog.ZERO_HASH;
    long seq = 0;
    for (byte[] line : SignedLogs.lines(file)) {
      Map<String, Object> record = change.apply(LogVerifier.asMap(mapper.readTree(line)));
      record.remove("hash");
      record.put("seq", ++seq);
      record.put("prev", prev);
      if (record.get("checkpoint") instanceof Map<?, ?> checkpoint) {
        @SuppressWarnings("unchecked")
        Map<String, Object> forged = (Map<String, Object>) checkpoint;
        forged.put("seq", seq - 1);
        forged.put("hash", prev);
      }
      prev = Hashing.sha256Hex(CanonicalJson.write(record));
      record.put("hash", prev);
      out.append(CanonicalJson.write(record)).append('\n');
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
