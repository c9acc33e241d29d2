package dev.warden.watcher.log;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The decision log: JSON Lines, one record a line, each chained to the one before by its hash.
 *
 * <p>Records are made durable by one writer thread with group commit: it takes every record
 * waiting, writes them in one go and forces them to disk once, then completes each caller's future.
 * Callers that must not act before their record is durable use the blocking methods; a full queue
 * makes writers wait, so nothing is ever dropped.
 *
 * <p>When the file cannot be written, the batch in flight fails, the partial bytes are cut off, and
 * the log reports itself unhealthy; the next append tries again and, when it succeeds, the chain
 * continues from the last durable record. A force that hangs is bounded by {@code durableTimeout}:
 * the caller gets {@link LogUnavailableException} and the log stays unhealthy until a write
 * completes.
 */
public final class DecisionLog implements AutoCloseable {

  static final String ZERO_HASH = "0".repeat(64);

  /** How many records a signed checkpoint follows unless told otherwise. */
  public static final int DEFAULT_CHECKPOINT_EVERY = 1000;

  private static final int QUEUE_CAPACITY = 8192;
  private static final int MAX_BATCH = 4096;
  private static final System.Logger LOG = System.getLogger(DecisionLog.class.getName());

  private final Path file;
  private final FileChannel channel;
  private final Clock clock;
  private final Duration durableTimeout;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread writer;
  private final Recovery recovery;
  private final Map<String, JsonNode> openIntentRecords;
  private volatile LongConsumer fsyncNanos = nanos -> {};

  // Owned by the writer thread once it has started, and by close() after it has stopped.
  private final MessageDigest digest = Hashing.sha256();
  private long lastSeq;
  private String lastHash;
  private Instant lastTime;
  private long sinceCheckpoint;
  private boolean endsWithShutdownCheckpoint;

  private volatile @Nullable CheckpointSigner signer;
  private volatile int checkpointEvery = DEFAULT_CHECKPOINT_EVERY;

  private volatile boolean healthy = true;
  private volatile @Nullable String unhealthyReason;
  private volatile boolean closed;

  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> PLAIN_MAP = new TypeReference<>() {};

  /** The members a body may not have: the log sets them, in this canonical order. */
  private static final List<String> CHAIN_KEYS = List.of("hash", "phase", "prev", "seq", "time");

  /**
   * A record waiting for the writer, its body already in canonical form: rendering is most of the
   * work of an append, and done here it runs in the submitting threads, in parallel, while the one
   * writer thread only adds the chain's members, hashes and writes.
   */
  private record Pending(
      String phase, List<CanonicalJson.Member> body, CompletableFuture<Appended> done) {}

  /** What opening the log found: the last record, a repaired tail, intents left open. */
  public record Recovery(long lastSeq, long truncatedBytes, List<OpenIntent> openIntents) {}

  private DecisionLog(
      Path file,
      FileChannel channel,
      Clock clock,
      Duration durableTimeout,
      Recovery recovery,
      Map<String, JsonNode> openIntentRecords,
      String lastHash,
      Instant lastTime,
      long sinceCheckpoint,
      boolean endsWithShutdownCheckpoint) {
    this.file = file;
    this.openIntentRecords = new LinkedHashMap<>(openIntentRecords);
    this.channel = channel;
    this.clock = clock;
    this.durableTimeout = durableTimeout;
    this.recovery = recovery;
    this.lastSeq = recovery.lastSeq();
    this.lastHash = lastHash;
    this.lastTime = lastTime;
    this.sinceCheckpoint = sinceCheckpoint;
    this.endsWithShutdownCheckpoint = endsWithShutdownCheckpoint;
    this.writer = Thread.ofPlatform().name("warden-decision-log").daemon().unstarted(this::run);
  }

  /**
   * Opens (or creates) the log, repairing a torn last line by cutting it off.
   *
   * @param durableTimeout how long a caller waits for its record to become durable
   * @throws IOException when the file cannot be opened or read
   * @throws CorruptLogException when a complete line is not a valid record, which repair must not
   *     paper over
   */
  public static DecisionLog open(Path file, Clock clock, Duration durableTimeout)
      throws IOException, CorruptLogException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      lockExclusively(file, channel);
      Scan scan = Scan.of(file, channel);
      if (scan.truncatedBytes > 0) {
        channel.truncate(scan.goodLength);
        channel.force(true);
        LOG.log(
            System.Logger.Level.WARNING,
            "decision log tail repaired: file={0} truncatedBytes={1} lastSeq={2}",
            file,
            Long.toString(scan.truncatedBytes),
            Long.toString(scan.lastSeq));
      }
      Recovery recovery = new Recovery(scan.lastSeq, scan.truncatedBytes, scan.openIntents());
      DecisionLog log =
          new DecisionLog(
              file,
              channel,
              clock,
              durableTimeout,
              recovery,
              scan.openIntentRecords,
              scan.lastHash,
              scan.lastTime,
              scan.sinceCheckpoint,
              scan.endsWithShutdownCheckpoint);
      log.writer.start();
      return log;
    } catch (IOException | CorruptLogException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Takes the file's exclusive lock, held until the channel closes. Two watchers appending to one
   * log would interleave their records, each continuing its own {@code seq} and {@code prev}, and
   * fork the chain beyond repair; a second watcher pointed at a log in use must refuse to start.
   */
  private static void lockExclusively(Path file, FileChannel channel) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new IOException(
          "the decision log "
              + file
              + " is in use by another watcher; each watcher needs a log of its own");
    }
  }

  public Recovery recovery() {
    return recovery;
  }

  public Path file() {
    return file;
  }

  /**
   * Closes each intent the last run left without an outcome with an outcome record of its own, once
   * the process that now owns the log is ready to re-evaluate those users. The record repeats the
   * intent, names the identity writing it, and marks every action {@code unconfirmed}: nobody knows
   * whether it reached the broker, and the re-evaluation that follows finds out and records what it
   * does as a decision of its own. Without it the intent would stay open for good, and every later
   * start would report and re-evaluate it again.
   *
   * @return how many intents were closed
   * @throws LogUnavailableException when an outcome could not be made durable; the intents not
   *     closed stay open and are found again at the next start
   */
  public int closeOpenIntents(DecisionEntry.Actor writer) throws LogUnavailableException {
    int closedCount = 0;
    for (var open : List.copyOf(openIntentRecords.entrySet())) {
      await(submit("outcome", unconfirmedOutcome(open.getValue(), writer)));
      openIntentRecords.remove(open.getKey());
      closedCount++;
    }
    return closedCount;
  }

  /** Why an action of an intent closed at start has no known result. */
  static final String STOPPED_BEFORE_OUTCOME =
      "the watcher stopped before it recorded how this action went; the user was re-evaluated"
          + " when the watcher started again";

  private static Map<String, Object> unconfirmedOutcome(
      JsonNode intent, DecisionEntry.Actor writer) {
    // Plain maps, lists, strings, integers and booleans, as the log writes them; a value of any
    // other kind was not written by this log, and rendering it fails the close.
    Map<String, Object> body = PLAIN.convertValue(intent, PLAIN_MAP);
    CHAIN_KEYS.forEach(body::remove);
    body.put("identity", Map.of("name", writer.name(), "serial", writer.serial()));
    for (Object action : (List<?>) body.getOrDefault("actions", List.of())) {
      @SuppressWarnings("unchecked")
      Map<String, Object> unconfirmed = (Map<String, Object>) action;
      unconfirmed.put("result", "unconfirmed");
      unconfirmed.put("error", STOPPED_BEFORE_OUTCOME);
    }
    return body;
  }

  /** Receives the duration of every force to disk, in nanoseconds, for metrics. */
  public void onFsync(LongConsumer nanos) {
    this.fsyncNanos = nanos;
  }

  /** Whether the last write succeeded; false while the log cannot be written. */
  public boolean healthy() {
    return healthy;
  }

  public @Nullable String unhealthyReason() {
    return unhealthyReason;
  }

  /** Records a decision before its actions are sent; returns once the record is durable. */
  public Appended intent(DecisionEntry entry) throws LogUnavailableException {
    return await(submit("intent", entry.toJson()));
  }

  /** Records how a decision's actions went; returns once the record is durable. */
  public Appended outcome(DecisionEntry entry) throws LogUnavailableException {
    return await(submit("outcome", entry.toJson()));
  }

  /**
   * Records what a shadow policy decided where it differs from the decision in force. Nothing acts
   * on a shadow record, so the caller does not wait for it: the future completes when it is
   * durable, or exceptionally with {@link LogUnavailableException}.
   *
   * @param shadow the shadow policy's decision
   * @param enforced the decision of the policy in force, summarised in the record's {@code
   *     enforced} member
   */
  public CompletableFuture<Appended> shadow(DecisionEntry shadow, DecisionEntry enforced) {
    Map<String, Object> body = shadow.toJson();
    body.put("enforced", enforced.summaryJson());
    return submit("shadow", body);
  }

  /**
   * Signs a checkpoint after every {@code every} records and when the log closes. Call it before
   * the first record is appended.
   */
  public void signCheckpoints(CheckpointSigner checkpointSigner, int every) {
    if (every < 1) {
      throw new IllegalArgumentException("checkpoints follow at least 1 record, not " + every);
    }
    this.checkpointEvery = every;
    this.signer = checkpointSigner;
  }

  /**
   * Records how a decision's actions went without waiting for the disk: the future completes when
   * the record is durable, or exceptionally with {@link LogUnavailableException}. Records are
   * written in the order they are queued, so it still follows its intent and precedes whatever is
   * queued after it.
   */
  public CompletableFuture<Appended> outcomeLater(DecisionEntry entry) {
    return submit("outcome", entry.toJson());
  }

  /**
   * Records a decision without waiting: the future completes when the record is durable, or
   * exceptionally with {@link LogUnavailableException}. Blocks only while the queue is full.
   */
  public CompletableFuture<Appended> submit(String phase, Map<String, Object> body) {
    CompletableFuture<Appended> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new LogUnavailableException("the decision log is closed"));
      return done;
    }
    for (String key : CHAIN_KEYS) {
      if (body.containsKey(key)) {
        throw new IllegalArgumentException("bug: a record body may not set '" + key + "'");
      }
    }
    List<CanonicalJson.Member> rendered = CanonicalJson.members(body);
    try {
      queue.put(new Pending(phase, rendered, done));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done.completeExceptionally(new LogUnavailableException("interrupted while queueing", e));
    }
    return done;
  }

  private Appended await(CompletableFuture<Appended> done) throws LogUnavailableException {
    try {
      return done.get(durableTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      markUnhealthy("a record did not become durable within " + durableTimeout);
      throw new LogUnavailableException(
          "decision log " + file + " did not make a record durable within " + durableTimeout);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LogUnavailableException unavailable) {
        throw unavailable;
      }
      throw new LogUnavailableException("decision log write failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogUnavailableException("interrupted while waiting for the decision log", e);
    }
  }

  private void run() {
    List<Pending> batch = new ArrayList<>();
    while (true) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        writeBatch(batch);
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      } catch (RuntimeException e) {
        // Never let the writer die silently: fail the batch and keep serving.
        fail(batch, new LogUnavailableException("bug in the decision log writer", e));
      } finally {
        batch.clear();
      }
    }
  }

  private void writeBatch(List<Pending> batch) {
    Chain chain = new Chain(lastSeq, lastHash, lastTime, sinceCheckpoint);
    Lines lines = new Lines(batch.size() * 700);
    List<Appended> results = new ArrayList<>(batch.size());
    for (Pending pending : batch) {
      results.add(chain.append(lines, pending.phase(), pending.body()));
      if (signer != null && chain.sinceCheckpoint >= checkpointEvery) {
        appendCheckpoint(chain, lines, Checkpoints.INTERVAL);
      }
    }
    String prev = chain.hash;
    long seq = chain.seq;
    Instant time = chain.time;

    long start = 0;
    try {
      start = channel.size();
      ByteBuffer bytes = lines.buffer();
      while (bytes.hasRemaining()) {
        channel.write(bytes, start + (bytes.position()));
      }
      long forceStart = System.nanoTime();
      channel.force(false);
      fsyncNanos.accept(System.nanoTime() - forceStart);
    } catch (IOException e) {
      cutBackTo(start);
      markUnhealthy(e.toString());
      fail(batch, new LogUnavailableException("cannot write decision log " + file + ": " + e, e));
      return;
    }

    lastSeq = seq;
    lastHash = prev;
    lastTime = time;
    sinceCheckpoint = chain.sinceCheckpoint;
    endsWithShutdownCheckpoint = false;
    if (!healthy) {
      LOG.log(
          System.Logger.Level.INFO,
          "decision log writable again: file={0} seq={1}",
          file,
          Long.toString(seq));
    }
    healthy = true;
    unhealthyReason = null;
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).done().complete(results.get(i));
    }
  }

  /** The chain's head while a batch is built; committed only once the batch is durable. */
  private final class Chain {
    long seq;
    String hash;
    Instant time;
    long sinceCheckpoint;

    Chain(long seq, String hash, Instant time, long sinceCheckpoint) {
      this.seq = seq;
      this.hash = hash;
      this.time = time;
      this.sinceCheckpoint = sinceCheckpoint;
    }

    Appended append(Lines lines, String phase, List<CanonicalJson.Member> body) {
      seq++;
      Instant now = clock.instant();
      // Times never go backwards along the chain, even when the wall clock does.
      time = now.isBefore(time) ? time : now;
      List<CanonicalJson.Member> chainMembers =
          List.of(
              CanonicalJson.Member.of("phase", phase),
              CanonicalJson.Member.of("prev", hash),
              CanonicalJson.Member.of("seq", seq),
              CanonicalJson.Member.of("time", time.toString()));
      List<CanonicalJson.Member> record = merged(body, chainMembers);

      // The hash covers the record without its own hash member: {, members joined by commas, }.
      digest.update((byte) '{');
      for (int i = 0; i < record.size(); i++) {
        if (i > 0) {
          digest.update((byte) ',');
        }
        digest.update(record.get(i).bytes());
      }
      digest.update((byte) '}');
      String recordHash = HexFormat.of().formatHex(digest.digest());

      List<CanonicalJson.Member> line =
          merged(record, List.of(CanonicalJson.Member.of("hash", recordHash)));
      lines.put((byte) '{');
      for (int i = 0; i < line.size(); i++) {
        if (i > 0) {
          lines.put((byte) ',');
        }
        lines.put(line.get(i).bytes());
      }
      lines.put((byte) '}');
      lines.put((byte) '\n');
      hash = recordHash;
      sinceCheckpoint = phase.equals(Checkpoints.PHASE) ? 0 : sinceCheckpoint + 1;
      return new Appended(seq, time, recordHash);
    }
  }

  /** Two lists of members in canonical order, merged into one in that order. */
  private static List<CanonicalJson.Member> merged(
      List<CanonicalJson.Member> a, List<CanonicalJson.Member> b) {
    List<CanonicalJson.Member> out = new ArrayList<>(a.size() + b.size());
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      boolean takeA =
          j == b.size() || (i < a.size() && a.get(i).key().compareTo(b.get(j).key()) < 0);
      out.add(takeA ? a.get(i++) : b.get(j++));
    }
    return out;
  }

  /** The bytes of the lines a batch appends, grown as needed. */
  private static final class Lines {
    private byte[] bytes;
    private int length;

    Lines(int capacity) {
      this.bytes = new byte[Math.max(capacity, 256)];
    }

    void put(byte b) {
      ensure(1);
      bytes[length++] = b;
    }

    void put(byte[] more) {
      ensure(more.length);
      System.arraycopy(more, 0, bytes, length, more.length);
      length += more.length;
    }

    ByteBuffer buffer() {
      return ByteBuffer.wrap(bytes, 0, length);
    }

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }
  }

  /**
   * Appends a signed checkpoint for the chain head. A signing failure is logged and leaves the
   * records unsigned until the next checkpoint: refusing to record decisions because a signature
   * failed would stop enforcement for the sake of a second line of defence.
   */
  private boolean appendCheckpoint(Chain chain, Lines lines, String reason) {
    CheckpointSigner current = signer;
    if (current == null) {
      return false;
    }
    try {
      DecisionEntry.Actor identity = current.identity();
      Map<String, Object> checkpoint =
          Checkpoints.unsigned(
              chain.seq,
              chain.hash,
              reason,
              checkpointEvery,
              identity.serial(),
              current.algorithm());
      byte[] signature = current.sign(Checkpoints.signedBytes(checkpoint));
      checkpoint.put("signature", java.util.Base64.getEncoder().encodeToString(signature));
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("identity", Map.of("name", identity.name(), "serial", identity.serial()));
      body.put("checkpoint", checkpoint);
      chain.append(lines, Checkpoints.PHASE, CanonicalJson.members(body));
      return true;
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.ERROR,
          "decision log checkpoint not signed: file={0} seq={1} error={2}",
          file,
          Long.toString(chain.seq),
          e.toString());
      return false;
    }
  }

  /** Writes the shutdown checkpoint, so that a verifier can tell a closed log from a cut one. */
  private void writeShutdownCheckpoint() {
    // Written even for a log with no decision in it, so that an empty file can be told from a
    // log that was cut back to nothing.
    if (signer == null || endsWithShutdownCheckpoint) {
      return;
    }
    Chain chain = new Chain(lastSeq, lastHash, lastTime, sinceCheckpoint);
    Lines lines = new Lines(1024);
    if (!appendCheckpoint(chain, lines, Checkpoints.SHUTDOWN)) {
      return;
    }
    try {
      long start = channel.size();
      ByteBuffer bytes = lines.buffer();
      while (bytes.hasRemaining()) {
        channel.write(bytes, start + bytes.position());
      }
      channel.force(false);
      lastSeq = chain.seq;
      lastHash = chain.hash;
      endsWithShutdownCheckpoint = true;
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "decision log shutdown checkpoint not written: file={0} error={1}",
          file,
          e.toString());
    }
  }

  private void cutBackTo(long length) {
    try {
      if (channel.size() > length) {
        channel.truncate(length);
      }
    } catch (IOException e) {
      // The tail may hold part of the failed batch; opening the log again repairs a torn tail,
      // and a whole stray line cannot exist because its future failed before it was used.
      LOG.log(
          System.Logger.Level.WARNING,
          "decision log could not cut back a failed write: {0}",
          e.toString());
    }
  }

  private void markUnhealthy(String reason) {
    if (healthy) {
      LOG.log(
          System.Logger.Level.ERROR,
          "decision log not writable: file={0} reason={1}",
          file,
          reason);
    }
    healthy = false;
    unhealthyReason = reason;
  }

  private static void fail(List<Pending> batch, LogUnavailableException e) {
    for (Pending pending : batch) {
      pending.done().completeExceptionally(e);
    }
  }

  /** Stops taking records, writes those already queued, and closes the file. */
  @Override
  public void close() throws IOException {
    closed = true;
    try {
      writer.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    fail(left, new LogUnavailableException("the decision log is closed"));
    if (!writer.isAlive()) {
      writeShutdownCheckpoint();
    }
    channel.close();
  }

  /** What a scan of an existing log found. */
  private record Scan(
      long lastSeq,
      String lastHash,
      Instant lastTime,
      long goodLength,
      long truncatedBytes,
      List<OpenIntent> openIntents,
      Map<String, JsonNode> openIntentRecords,
      long sinceCheckpoint,
      boolean endsWithShutdownCheckpoint) {

    static Scan of(Path file, FileChannel channel) throws IOException, CorruptLogException {
      long size = channel.size();
      byte[] content = Files.readAllBytes(file);
      int end = content.length;
      int lastNewline = end - 1;
      while (lastNewline >= 0 && content[lastNewline] != '\n') {
        lastNewline--;
      }
      int goodLength = lastNewline + 1;
      ObjectMapper mapper = new ObjectMapper();
      Map<String, OpenIntent> open = new LinkedHashMap<>();
      Map<String, JsonNode> openRecords = new LinkedHashMap<>();
      long seq = 0;
      String hash = ZERO_HASH;
      Instant time = Instant.EPOCH;
      int lineStart = 0;
      int lineNumber = 0;
      long sinceCheckpoint = 0;
      boolean shutdown = false;
      for (int i = 0; i < goodLength; i++) {
        if (content[i] != '\n') {
          continue;
        }
        lineNumber++;
        String line = new String(content, lineStart, i - lineStart, StandardCharsets.UTF_8);
        lineStart = i + 1;
        JsonNode record;
        try {
          record = mapper.readTree(line);
        } catch (IOException e) {
          throw new CorruptLogException(file, lineNumber, "line is not JSON");
        }
        if (record == null || !record.path("seq").canConvertToLong()) {
          throw new CorruptLogException(file, lineNumber, "line has no seq");
        }
        seq = record.path("seq").asLong();
        hash = record.path("hash").asText(ZERO_HASH);
        time = Instant.parse(record.path("time").asText(Instant.EPOCH.toString()));
        trackIntent(record, seq, open, openRecords);
        boolean checkpoint = Checkpoints.PHASE.equals(record.path("phase").asText(""));
        sinceCheckpoint = checkpoint ? 0 : sinceCheckpoint + 1;
        shutdown =
            checkpoint
                && Checkpoints.SHUTDOWN.equals(record.path("checkpoint").path("reason").asText(""));
      }
      return new Scan(
          seq,
          hash,
          time,
          goodLength,
          size - goodLength,
          List.copyOf(open.values()),
          openRecords,
          sinceCheckpoint,
          shutdown);
    }

    private static void trackIntent(
        JsonNode record,
        long seq,
        Map<String, OpenIntent> open,
        Map<String, JsonNode> openRecords) {
      String decisionId = record.path("decisionId").asText("");
      switch (record.path("phase").asText("")) {
        case "intent" -> {
          openRecords.put(decisionId, record);
          JsonNode request = record.path("request");
          open.put(
              decisionId,
              new OpenIntent(
                  seq,
                  decisionId,
                  record.path("user").asText(""),
                  request.isTextual() ? request.asText() : null));
        }
        case "outcome" -> {
          open.remove(decisionId);
          openRecords.remove(decisionId);
        }
        default -> {
          // Other phases (shadow, checkpoint) do not open or close a decision.
        }
      }
    }
  }
}
