package dev.warden.watcher.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogVerifierTest {

  @TempDir Path dir;
  private byte[] log;

  @BeforeEach
  void writeLog() throws Exception {
    Path file = dir.resolve("decisions.jsonl");
    try (DecisionLog decisions =
        DecisionLog.open(
            file,
            Clock.fixed(Instant.parse("2026-01-01T12:00:00Z"), ZoneOffset.UTC),
            Duration.ofSeconds(5))) {
      for (int i = 0; i < 6; i++) {
        decisions.intent(Entries.approval("d-" + i, "alice", "r" + i));
      }
    }
    log = Files.readAllBytes(file);
  }

  @Test
  void everySingleByteChange_isDetected() {
    int undetected = 0;
    for (int i = 0; i < log.length; i++) {
      for (int delta : new int[] {1, 0x20, 0x80}) {
        byte[] changed = log.clone();
        changed[i] = (byte) (changed[i] ^ delta);
        if (LogVerifier.verify(changed).ok()) {
          undetected++;
        }
      }
    }

    assertThat(undetected).isZero();
  }

  @Test
  void deletedRecord_isASeqGap() {
    List<byte[]> lines = lines();
    lines.remove(2);

    LogVerifier.Result result = LogVerifier.verify(join(lines));

    assertThat(result.fault()).isNotNull();
    assertThat(result.fault().kind()).isEqualTo("seq-gap");
    assertThat(result.fault().line()).isEqualTo(3);
  }

  @Test
  void swappedRecords_areDetectedAtTheFirstOne() {
    List<byte[]> lines = lines();
    byte[] third = lines.get(2);
    lines.set(2, lines.get(3));
    lines.set(3, third);

    LogVerifier.Result result = LogVerifier.verify(join(lines));

    assertThat(result.fault().line()).isEqualTo(3);
  }

  @Test
  void cutInsideTheLastLine_isATornTail() {
    byte[] cut = Arrays.copyOf(log, log.length - 10);

    LogVerifier.Result result = LogVerifier.verify(cut);

    assertThat(result.fault().kind()).isEqualTo("torn-tail");
    assertThat(result.fault().line()).isEqualTo(6);
  }

  @Test
  void intactLog_verifies() {
    LogVerifier.Result result = LogVerifier.verify(log);

    assertThat(result.ok()).isTrue();
    assertThat(result.records()).isEqualTo(6);
  }

  private List<byte[]> lines() {
    List<byte[]> lines = new ArrayList<>();
    for (String line : new String(log, StandardCharsets.UTF_8).split("\n")) {
      lines.add((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return lines;
  }

  private static byte[] join(List<byte[]> lines) {
    int size = lines.stream().mapToInt(l -> l.length).sum();
    byte[] out = new byte[size];
    int at = 0;
    for (byte[] line : lines) {
      System.arraycopy(line, 0, out, at, line.length);
      at += line.length;
    }
    return out;
  }
}
