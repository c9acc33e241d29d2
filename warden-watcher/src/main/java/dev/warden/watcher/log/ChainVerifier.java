package dev.warden.watcher.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a decision log line by line and reports every fault with its line and {@code seq}: what
 * was edited, what is missing, what is out of order, whether the tail is torn or cut off, and
 * whether the signed checkpoints hold.
 *
 * <p>Each line must be its record's canonical JSON and hash to its {@code hash}; {@code seq} must
 * count up by one and {@code prev} name the hash of the line before. After a fault the verifier
 * carries on from what the faulty line claims, so one edit is one fault and later, unrelated damage
 * is still reported.
 *
 * <p>The chain alone cannot reveal a log rewritten from some record on with every hash recomputed,
 * nor one cut off at a line end. Checkpoints can: each vouches for the chain head before it with
 * the watcher's signature, and the watcher writes one when it closes the log. Given the watcher's
 * certificates, the verifier checks every signature, that no more than a checkpoint's interval of
 * records go unsigned, and that the log ends with a shutdown checkpoint. A log still being written
 * ({@code live}) ends with unsigned records by nature; for it only the signed part is vouched for.
 * A log cut back to the shutdown checkpoint of an earlier run is indistinguishable from that
 * earlier log; only a copy of the last checkpoint kept elsewhere can show it.
 *
 * <p>Not thread-safe; {@link #state()} and the constructor taking a {@link State} let a caller
 * resume verification at any line, for example to check many copies of a log that differ only after
 * a known line.
 */
public final class ChainVerifier {

  /** A line that is not its record's exact canonical form, or whose content does not hash. */
  public static final String EDITED = "edited";

  /** {@code seq} jumps ahead: records are missing here, or were moved. */
  public static final String MISSING = "missing";

  /** {@code seq} goes back or repeats: a record was inserted, repeated or moved. */
  public static final String REORDERED = "reordered";

  /** The last line has no line end: a write was cut short, or the file was cut inside a line. */
  public static final String TORN_TAIL = "torn-tail";

  /** The log does not end with a signed shutdown checkpoint, and is not declared live. */
  public static final String TRUNCATED = "truncated";

  /** A checkpoint does not vouch for the chain before it, or its signature does not verify. */
  public static final String BAD_SIGNATURE = "bad-signature";

  private static final int KEPT_FAULTS = 1000;
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * One fault.
   *
   * @param line 1-based line number
   * @param seq the record's {@code seq} when the line could be read, otherwise -1
   * @param kind one of the kind constants of this class
   */
  public record Fault(long line, long seq, String kind, String detail) {}

  /**
   * Where verification stands at a line boundary.
   *
   * @param line the number of lines checked so far
   * @param expectedSeq the {@code seq} the next record must have
   * @param prevHash the hash the next record's {@code prev} must name, or null after a line whose
   *     hash could not be read
   * @param every the checkpoint interval the last checkpoint declared, or 0 before the first
   * @param sinceCheckpoint records since the last checkpoint
   * @param lastSignedSeq the highest seq a verified checkpoint vouches for
   * @param endsWithShutdown whether the last record checked is a shutdown checkpoint
   */
  public record State(
      long line,
      long expectedSeq,
      @Nullable String prevHash,
      long records,
      long checkpoints,
      long verifiedCheckpoints,
      long every,
      long sinceCheckpoint,
      long lastSignedSeq,
      boolean endsWithShutdown,
      long faults) {

    public static final State START =
        new State(0, 1, DecisionLog.ZERO_HASH, 0, 0, 0, 0, 0, 0, false, 0);
  }

  /**
   * The outcome of a verification.
   *
   * @param faults the faults found, in file order (at most the first 1000; {@link #faultCount()}
   *     counts all)
   * @param signaturesChecked whether certificates were given, so that checkpoints were checked
   */
  public record Report(
      long lines,
      long records,
      long checkpoints,
      long verifiedCheckpoints,
      long lastSignedSeq,
      boolean signaturesChecked,
      boolean endsWithShutdown,
      List<Fault> faults,
      long faultCount) {

    public Report {
      faults = List.copyOf(faults);
    }

    public boolean ok() {
      return faultCount == 0;
    }
  }

  private final List<X509Certificate> certificates;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final List<Fault> faults = new ArrayList<>();

  private long line;
  private long expectedSeq;
  private @Nullable String prevHash;
  private long records;
  private long checkpoints;
  private long verifiedCheckpoints;
  private long every;
  private long sinceCheckpoint;
  private long lastSignedSeq;
  private boolean endsWithShutdown;
  private long faultCount;

  /**
   * A verifier from the start of a log.
   *
   * @param certificates the watcher's certificates to check checkpoint signatures with; empty to
   *     check the chain only
   */
  public ChainVerifier(List<X509Certificate> certificates) {
    this(certificates, State.START);
  }

  /** A verifier that resumes at a line boundary another verifier of the same log reached. */
  public ChainVerifier(List<X509Certificate> certificates, State from) {
    this.certificates = List.copyOf(certificates);
    this.line = from.line();
    this.expectedSeq = from.expectedSeq();
    this.prevHash = from.prevHash();
    this.records = from.records();
    this.checkpoints = from.checkpoints();
    this.verifiedCheckpoints = from.verifiedCheckpoints();
    this.every = from.every();
    this.sinceCheckpoint = from.sinceCheckpoint();
    this.lastSignedSeq = from.lastSignedSeq();
    this.endsWithShutdown = from.endsWithShutdown();
    this.faultCount = from.faults();
  }

  /** Verifies a whole file, reading it as a stream. */
  public static Report verify(Path file, List<X509Certificate> certificates, boolean live)
      throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return verify(in, certificates, live);
    }
  }

  /** Verifies a log held in memory. */
  public static Report verify(byte[] content, List<X509Certificate> certificates, boolean live) {
    ChainVerifier verifier = new ChainVerifier(certificates);
    int start = 0;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '\n') {
        verifier.line(content, start, i);
        start = i + 1;
      }
    }
    return verifier.finish(start < content.length, live);
  }

  private static Report verify(InputStream in, List<X509Certificate> certificates, boolean live)
      throws IOException {
    ChainVerifier verifier = new ChainVerifier(certificates);
    ByteArrayOutputStream current = new ByteArrayOutputStream(1024);
    byte[] buffer = new byte[1 << 16];
    int read;
    while ((read = in.read(buffer)) > 0) {
      int start = 0;
      for (int i = 0; i < read; i++) {
        if (buffer[i] == '\n') {
          current.write(buffer, start, i - start);
          byte[] line = current.toByteArray();
          verifier.line(line, 0, line.length);
          current.reset();
          start = i + 1;
        }
      }
      current.write(buffer, start, read - start);
    }
    return verifier.finish(current.size() > 0, live);
  }

  /** Where verification stands now. */
  public State state() {
    return new State(
        line,
        expectedSeq,
        prevHash,
        records,
        checkpoints,
        verifiedCheckpoints,
        every,
        sinceCheckpoint,
        lastSignedSeq,
        endsWithShutdown,
        faultCount);
  }

  /**
   * Checks one complete line, without its line end.
   *
   * @return the fault found on it, or null when it verifies
   */
  public @Nullable Fault line(byte[] content, int start, int end) {
    line++;
    Fault fault = check(content, start, end);
    if (fault != null) {
      faultCount++;
      if (faults.size() < KEPT_FAULTS) {
        faults.add(fault);
      }
    }
    return fault;
  }

  /**
   * Ends verification.
   *
   * @param tornTail whether bytes follow the last line end
   * @param live whether the log is still being written, so that unsigned records at its end are
   *     expected rather than a sign of truncation
   */
  public Report finish(boolean tornTail, boolean live) {
    if (tornTail) {
      record(
          new Fault(
              line + 1,
              -1,
              TORN_TAIL,
              "the last line has no line end: a write was cut short, or the file was cut inside a"
                  + " line"));
    }
    if (!certificates.isEmpty() && !live) {
      if (!endsWithShutdown) {
        record(
            new Fault(
                line,
                expectedSeq - 1,
                TRUNCATED,
                "the log does not end with the watcher's signed shutdown checkpoint: records after"
                    + " seq "
                    + lastSignedSeq
                    + " may have been cut off or rewritten, or the watcher stopped without"
                    + " closing the log"));
      }
    }
    if (every > 0 && sinceCheckpoint > every) {
      record(
          new Fault(
              line,
              expectedSeq - 1,
              MISSING,
              sinceCheckpoint
                  + " records follow the last checkpoint, more than its interval of "
                  + every
                  + ": a checkpoint is missing"));
    }
    return new Report(
        line,
        records,
        checkpoints,
        verifiedCheckpoints,
        lastSignedSeq,
        !certificates.isEmpty(),
        endsWithShutdown,
        faults,
        faultCount);
  }

  private void record(Fault fault) {
    faultCount++;
    if (faults.size() < KEPT_FAULTS) {
      faults.add(fault);
    }
  }

  private @Nullable Fault check(byte[] content, int start, int end) {
    records++;
    String text;
    try {
      text = utf8.decode(ByteBuffer.wrap(content, start, end - start)).toString();
    } catch (CharacterCodingException e) {
      return unreadable("the line is not valid UTF-8");
    }
    Map<String, Object> record;
    try (JsonParser parser = JSON.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return unreadable("the line is not a JSON object");
      }
      record = object(parser);
      if (parser.nextToken() != null) {
        return unreadable("the line holds more than one JSON value");
      }
    } catch (IOException | IllegalArgumentException e) {
      return unreadable("the line is not valid JSON");
    }

    long seq = record.get("seq") instanceof Long l ? l : -1;
    Object claimed = record.get("hash");
    String claimedHash = claimed instanceof String h && h.length() == 64 ? h : null;
    @Nullable String expectedPrev = prevHash;
    long expected = expectedSeq;
    resync(seq, claimedHash);
    Fault fault = chainFault(text, record, seq, claimedHash, expected, expectedPrev);
    track(record);
    if (fault == null && Checkpoints.PHASE.equals(record.get("phase"))) {
      return checkpointFault(record, seq, expectedPrev);
    }
    return fault;
  }

  private @Nullable Fault chainFault(
      String text,
      Map<String, Object> record,
      long seq,
      @Nullable String claimedHash,
      long expected,
      @Nullable String expectedPrev) {
    if (!CanonicalJson.write(record).equals(text)) {
      return new Fault(
          line, seq, EDITED, "the line is not in canonical form, so it was written by hand");
    }
    Map<String, Object> content = new java.util.LinkedHashMap<>(record);
    content.remove("hash");
    if (claimedHash == null
        || !claimedHash.equals(Hashing.sha256Hex(CanonicalJson.write(content)))) {
      return new Fault(line, seq, EDITED, "the record's content does not match its hash");
    }
    if (seq != expected) {
      return seq > expected
          ? new Fault(
              line,
              seq,
              MISSING,
              "expected seq " + expected + " but found " + seq + ": records are missing, or moved")
          : new Fault(
              line,
              seq,
              REORDERED,
              "expected seq "
                  + expected
                  + " but found "
                  + seq
                  + ": a record was inserted, repeated or moved");
    }
    if (expectedPrev != null && !expectedPrev.equals(record.get("prev"))) {
      return new Fault(
          line,
          seq,
          EDITED,
          "prev does not name the hash of the record before it: that record, or this one, was"
              + " replaced with a rehashed copy");
    }
    return null;
  }

  /** Carries on from what the line claims, whether or not it verified. */
  private void resync(long seq, @Nullable String claimedHash) {
    expectedSeq = seq >= 1 ? seq + 1 : expectedSeq + 1;
    prevHash = claimedHash;
  }

  /** Counts the record toward the next checkpoint; a checkpoint is handled on its own. */
  private void track(Map<String, Object> record) {
    endsWithShutdown = false;
    if (!Checkpoints.PHASE.equals(record.get("phase"))) {
      sinceCheckpoint++;
    }
  }

  private @Nullable Fault checkpointFault(
      Map<String, Object> record, long seq, @Nullable String chainHead) {
    checkpoints++;
    long unsignedRun = sinceCheckpoint;
    sinceCheckpoint = 0;
    if (!(record.get("checkpoint") instanceof Map<?, ?> raw)) {
      return new Fault(line, seq, BAD_SIGNATURE, "the checkpoint record has no checkpoint object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> checkpoint = (Map<String, Object>) raw;
    Object coveredSeq = checkpoint.get("seq");
    Object coveredHash = checkpoint.get("hash");
    if (!Long.valueOf(seq - 1).equals(coveredSeq)
        || chainHead == null
        || !chainHead.equals(coveredHash)) {
      return new Fault(
          line,
          seq,
          BAD_SIGNATURE,
          "the checkpoint vouches for seq "
              + coveredSeq
              + " with hash "
              + coveredHash
              + ", not for the record before it");
    }
    long interval = checkpoint.get("every") instanceof Long l ? l : 0;
    @Nullable Fault late =
        interval > 0 && unsignedRun > interval
            ? new Fault(
                line,
                seq,
                MISSING,
                unsignedRun
                    + " records precede this checkpoint, more than its interval of "
                    + interval
                    + ": a checkpoint is missing")
            : null;
    every = interval;
    if (certificates.isEmpty()) {
      endsWithShutdown = Checkpoints.SHUTDOWN.equals(checkpoint.get("reason"));
      return late;
    }
    @Nullable String problem = signatureProblem(checkpoint);
    if (problem != null) {
      return new Fault(line, seq, BAD_SIGNATURE, problem);
    }
    verifiedCheckpoints++;
    lastSignedSeq = seq - 1;
    endsWithShutdown = Checkpoints.SHUTDOWN.equals(checkpoint.get("reason"));
    return late;
  }

  /** Why the checkpoint's signature does not verify with a given certificate, or null. */
  private @Nullable String signatureProblem(Map<String, Object> checkpoint) {
    if (!(checkpoint.get("serial") instanceof String serial)
        || !(checkpoint.get("algorithm") instanceof String algorithm)
        || !(checkpoint.get("signature") instanceof String signature)) {
      return "the checkpoint lacks its serial, algorithm or signature";
    }
    X509Certificate signer = null;
    for (X509Certificate certificate : certificates) {
      if (serialMatches(certificate, serial)) {
        signer = certificate;
      }
    }
    if (signer == null) {
      return "the checkpoint is signed by the certificate with serial "
          + serial
          + ", which is not among the certificates given";
    }
    try {
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(signer.getPublicKey());
      verifier.update(Checkpoints.signedBytes(checkpoint));
      if (!verifier.verify(Base64.getDecoder().decode(signature))) {
        return "the checkpoint's signature does not verify with the certificate with serial "
            + serial;
      }
      return null;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "the checkpoint's signature cannot be checked: " + e.getMessage();
    }
  }

  private static boolean serialMatches(X509Certificate certificate, String serial) {
    try {
      return certificate.getSerialNumber().equals(new BigInteger(serial, 16));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Reads the object whose start the parser is on into the plain values {@link CanonicalJson}
   * writes, straight from the token stream: a line is read once, with no tree in between.
   */
  private static Map<String, Object> object(JsonParser parser) throws IOException {
    Map<String, Object> map = new java.util.LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      map.put(name, value(parser));
    }
    return map;
  }

  private static @Nullable Object value(JsonParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case START_OBJECT -> object(parser);
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(parser));
        }
        yield list;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      case VALUE_NUMBER_INT -> {
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new IllegalArgumentException("numbers in the decision log fit in 64 bits");
        }
        yield parser.getLongValue();
      }
      default -> throw new IllegalArgumentException("numbers in the decision log are whole");
    };
  }

  private Fault unreadable(String why) {
    expectedSeq++;
    prevHash = null;
    endsWithShutdown = false;
    sinceCheckpoint++;
    return new Fault(line, -1, EDITED, why);
  }
}
