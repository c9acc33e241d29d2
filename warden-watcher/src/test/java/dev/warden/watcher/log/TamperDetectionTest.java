package dev.warden.watcher.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.broker.ca.IssuedIdentity;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampering with a signed decision log of 10,000 decision records (10,011 lines with its eleven
 * checkpoints) is detected, by the verifier {@code warden audit verify --cert} uses.
 *
 * <p><b>How it stays fast.</b> Verification reads the log front to back, and what it concludes at a
 * line depends only on the verifier's state at that line's start and the bytes from there on. So
 * the test verifies the untouched log once, keeps the state before every line, and checks each
 * tampered copy from the first line the tampering touches, resuming from the kept state, until the
 * first fault or the end of the file. That gives exactly the answer a full verification of the
 * tampered file would give, without re-reading the unchanged prefix.
 *
 * <p><b>What "every" covers here.</b> Exhaustively, over the whole log: deleting each line;
 * swapping each pair of neighbouring lines; duplicating each line in place; inserting, before each
 * line and at the end, a forged record that is itself chain-valid (right {@code seq}, right {@code
 * prev}, right hash); and cutting the file at every byte offset. Reordering also covers 2,000 swaps
 * of lines far apart. Byte-level tampering is checked on a sample of lines, because one check costs
 * tens of microseconds and the log has over nine million bytes: on each of 60 lines (the first two,
 * every checkpoint and its neighbours, lines holding multi-byte UTF-8, the last two, and random
 * ones from a fixed seed, which {@code -Dwarden.tamper.seed} changes), every byte is changed in
 * three ways (flipping bit 0, 5 and 7), deleted, and preceded by an inserted space, digit or line
 * end; and on four of them (the first record, a checkpoint, a line with multi-byte UTF-8, and the
 * final shutdown checkpoint) every byte is replaced by each of the 255 other values.
 *
 * <p>Without the certificate, the chain alone cannot tell a log cut at a line end from a shorter
 * log; the last test states that limit instead of hiding it.
 */
class TamperDetectionTest {

  private static final int RECORDS = 10_000;
  private static final int SAMPLED_LINES = 60;

  @TempDir static Path dir;

  private static byte[] log;
  private static int[] starts;
  private static ChainVerifier.State[] before;
  private static List<X509Certificate> certificates;
  private static int lines;

  @BeforeAll
  static void writeAndIndexTheLog() throws Exception {
    IssuedIdentity watcher = SignedLogs.watcher(dir);
    certificates = List.of(watcher.certificate());
    Path file = dir.resolve("decisions.jsonl");
    SignedLogs.write(file, watcher, RECORDS, 1000);
    log = Files.readAllBytes(file);

    List<Integer> offsets = new ArrayList<>();
    offsets.add(0);
    for (int i = 0; i < log.length; i++) {
      if (log[i] == '\n') {
        offsets.add(i + 1);
      }
    }
    starts = offsets.stream().mapToInt(Integer::intValue).toArray();
    lines = starts.length - 1;
    before = new ChainVerifier.State[lines + 1];
    ChainVerifier verifier = new ChainVerifier(certificates);
    for (int line = 0; line < lines; line++) {
      before[line] = verifier.state();
      assertThat(verifier.line(log, starts[line], starts[line + 1] - 1)).isNull();
    }
    before[lines] = verifier.state();
    assertThat(verifier.finish(false, false).ok()).isTrue();
    assertThat(lines).isEqualTo(RECORDS + 11);
  }

  @Test
  void everyLineDeleted_isDetected() {
    long undetected =
        parallel(lines).filter(line -> !detected(line, new byte[0], line + 1)).count();

    assertThat(undetected).isZero();
  }

  @Test
  void everyNeighbouringPairSwapped_andFarSwaps_areDetected() {
    long neighbours =
        parallel(lines - 1)
            .filter(line -> !detected(line, concat(line(line + 1), line(line)), line + 2))
            .count();
    Random random = new Random(7);
    List<int[]> far = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      int a = random.nextInt(lines - 2);
      far.add(new int[] {a, a + 2 + random.nextInt(Math.min(500, lines - a - 2))});
    }
    long distant =
        far.parallelStream().filter(pair -> !detected(pair[0], swapped(pair), pair[1] + 1)).count();

    assertThat(neighbours).isZero();
    assertThat(distant).isZero();
  }

  @Test
  void everyLineDuplicated_isDetected() {
    long undetected =
        parallel(lines)
            .filter(line -> !detected(line, concat(line(line), line(line)), line + 1))
            .count();

    assertThat(undetected).isZero();
  }

  @Test
  void aChainValidForgedRecordInsertedAnywhere_isDetected() {
    long undetected =
        parallel(lines + 1).filter(line -> !detected(line, forgedAt(line), line)).count();

    assertThat(undetected).isZero();
  }

  @Test
  void everyCutAtEveryByteOffset_isDetected() {
    AtomicLong undetected = new AtomicLong();

    parallel(lines)
        .forEach(
            line -> {
              for (int cut = starts[line]; cut < starts[line + 1]; cut++) {
                ChainVerifier verifier = new ChainVerifier(certificates, before[line]);
                if (verifier.finish(cut > starts[line], false).ok()) {
                  undetected.incrementAndGet();
                }
              }
            });

    assertThat(undetected.get()).isZero();
  }

  @Test
  void byteChangesDeletionsAndInsertions_onSampledLines_areAllDetected() {
    List<Integer> sample = sample();

    long undetected =
        sample.parallelStream().mapToLong(TamperDetectionTest::undetectedByteEdits).sum();

    assertThat(sample).hasSize(SAMPLED_LINES);
    assertThat(undetected).isZero();
  }

  @Test
  void everyOtherByteValue_atEveryByteOfFourLines_isDetected() {
    List<Integer> chosen = List.of(0, 1000, firstLineWithMultiByteText(), lines - 1);

    long undetected =
        chosen.stream()
            .flatMapToLong(
                line ->
                    IntStream.range(starts[line], starts[line + 1])
                        .parallel()
                        .mapToLong(offset -> undetectedValues(line, offset)))
            .sum();

    assertThat(undetected).isZero();
  }

  @Test
  void withoutTheCertificate_aCutAtALineEnd_isTheOneThingTheChainCannotShow() {
    long undetectedCuts =
        IntStream.rangeClosed(0, lines)
            .filter(line -> new ChainVerifier(List.of(), before[line]).finish(false, false).ok())
            .count();

    assertThat(undetectedCuts).isEqualTo(lines + 1);
  }

  private static long undetectedByteEdits(int line) {
    long undetected = 0;
    int resume = Math.min(line + 2, lines);
    byte[] window = java.util.Arrays.copyOfRange(log, starts[line], starts[resume]);
    int length = starts[line + 1] - starts[line];
    for (int at = 0; at < length; at++) {
      for (int flip : new int[] {0x01, 0x20, 0x80}) {
        window[at] ^= (byte) flip;
        undetected += detected(line, window, resume) ? 0 : 1;
        window[at] ^= (byte) flip;
      }
      undetected += detected(line, without(window, at), resume) ? 0 : 1;
      for (byte inserted : new byte[] {' ', '0', '\n'}) {
        undetected += detected(line, with(window, at, inserted), resume) ? 0 : 1;
      }
    }
    return undetected;
  }

  private static long undetectedValues(int line, int offset) {
    int resume = Math.min(line + 2, lines);
    byte[] window = java.util.Arrays.copyOfRange(log, starts[line], starts[resume]);
    int at = offset - starts[line];
    byte original = window[at];
    long undetected = 0;
    for (int value = 0; value < 256; value++) {
      if ((byte) value == original) {
        continue;
      }
      window[at] = (byte) value;
      undetected += detected(line, window, resume) ? 0 : 1;
    }
    return undetected;
  }

  /**
   * Whether verification of the log with lines {@code [from, resume)} replaced by {@code window}
   * finds a fault, checking from line {@code from} on.
   */
  private static boolean detected(int from, byte[] window, int resume) {
    ChainVerifier verifier = new ChainVerifier(certificates, before[from]);
    int start = 0;
    for (int i = 0; i < window.length; i++) {
      if (window[i] == '\n') {
        if (verifier.line(window, start, i) != null) {
          return true;
        }
        start = i + 1;
      }
    }
    if (start < window.length) {
      if (resume != lines) {
        throw new IllegalStateException("bug: a window ends inside a line before the end");
      }
      return !verifier.finish(true, false).ok();
    }
    for (int line = resume; line < lines; line++) {
      if (verifier.line(log, starts[line], starts[line + 1] - 1) != null) {
        return true;
      }
    }
    return !verifier.finish(false, false).ok();
  }

  /** Lines {@code pair[0]} to {@code pair[1]} with the first and the last exchanged. */
  private static byte[] swapped(int[] pair) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(line(pair[1]));
    out.write(log, starts[pair[0] + 1], starts[pair[1]] - starts[pair[0] + 1]);
    out.writeBytes(line(pair[0]));
    return out.toByteArray();
  }

  /** A record an attacker could append at {@code line}: right seq, prev and hash for there. */
  private static byte[] forgedAt(int line) {
    ChainVerifier.State state = before[line];
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("seq", state.expectedSeq());
    record.put("time", "2026-01-01T12:00:00Z");
    record.put("phase", "intent");
    record.putAll(Entries.approval("forged", "mallory", "r-forged").toJson());
    record.put("prev", state.prevHash());
    record.put("hash", Hashing.sha256Hex(CanonicalJson.write(record)));
    return (CanonicalJson.write(record) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static List<Integer> sample() {
    TreeSet<Integer> chosen = new TreeSet<>(List.of(0, 1, lines - 2, lines - 1));
    for (int line = 0; line < lines; line++) {
      if (text(line).contains("\"phase\":\"checkpoint\"")) {
        chosen.add(line);
        chosen.add(Math.max(0, line - 1));
        chosen.add(Math.min(lines - 1, line + 1));
      }
    }
    int multiByte = firstLineWithMultiByteText();
    chosen.add(multiByte);
    chosen.add(multiByte + 7);
    long seed = Long.getLong("warden.tamper.seed", 20260101L);
    Random random = new Random(seed);
    while (chosen.size() < SAMPLED_LINES) {
      chosen.add(random.nextInt(lines));
    }
    return List.copyOf(chosen);
  }

  private static int firstLineWithMultiByteText() {
    for (int line = 0; line < lines; line++) {
      if (text(line).contains("zoë")) {
        return line;
      }
    }
    throw new IllegalStateException("bug: the log has no line with multi-byte text");
  }

  private static IntStream parallel(int count) {
    return IntStream.range(0, count).parallel();
  }

  private static byte[] line(int line) {
    return java.util.Arrays.copyOfRange(log, starts[line], starts[line + 1]);
  }

  private static String text(int line) {
    return new String(log, starts[line], starts[line + 1] - starts[line], StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  private static byte[] without(byte[] bytes, int at) {
    byte[] shorter = new byte[bytes.length - 1];
    System.arraycopy(bytes, 0, shorter, 0, at);
    System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
    return shorter;
  }

  private static byte[] with(byte[] bytes, int at, byte inserted) {
    byte[] longer = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, longer, 0, at);
    longer[at] = inserted;
    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
    return longer;
  }
}
