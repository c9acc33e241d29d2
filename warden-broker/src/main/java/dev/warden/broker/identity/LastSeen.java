package dev.warden.broker.identity;

import dev.warden.broker.auth.Caller;
import dev.warden.broker.ca.SecureFiles;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * When each identity last made an authenticated call, and with which certificate.
 *
 * <p>Kept in memory and written to {@code last-seen.tsv} beside the CA's index every {@link
 * #FLUSH_INTERVAL} and on close, rather than in the store: the store's writes are group-committed
 * events of the access plane, and a write for every call would double its load for a value an
 * auditor reads at minute precision. A crash loses at most one interval of it; it is not an audit
 * record (the audit trail names the actor of every change, with its serial).
 */
public final class LastSeen implements AutoCloseable {

  /** The file's name in the CA directory. */
  public static final String FILE = "last-seen.tsv";

  /** How often a changed record is written to disk. */
  static final Duration FLUSH_INTERVAL = Duration.ofSeconds(30);

  /** A call within this time of the last one recorded for the same certificate is not recorded. */
  private static final Duration RESOLUTION = Duration.ofSeconds(1);

  private static final System.Logger LOG = System.getLogger(LastSeen.class.getName());

  private final Path file;
  private final ConcurrentMap<String, Seen> seen = new ConcurrentHashMap<>();
  private final ScheduledExecutorService flusher;
  private volatile boolean dirty;

  /** A call: when, with which certificate serial. */
  public record Seen(Instant time, String serial) {}

  private LastSeen(Path file) {
    this.file = file;
    this.flusher =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("warden-last-seen").daemon().factory());
  }

  /** Reads what an earlier run recorded and starts writing every flush interval. */
  public static LastSeen open(Path directory) {
    LastSeen lastSeen = new LastSeen(directory.resolve(FILE));
    lastSeen.read();
    long every = FLUSH_INTERVAL.toMillis();
    lastSeen.flusher.scheduleWithFixedDelay(
        lastSeen::flushQuietly, every, every, TimeUnit.MILLISECONDS);
    return lastSeen;
  }

  /** Records a call of {@code caller} at {@code now}. Cheap: one map lookup in the common case. */
  public void saw(Caller caller, Instant now) {
    Seen previous = seen.get(caller.name());
    if (previous != null
        && previous.serial().equals(caller.serial())
        && now.isBefore(previous.time().plus(RESOLUTION))) {
      return;
    }
    seen.merge(
        caller.name(),
        new Seen(now, caller.serial()),
        (old, fresh) -> fresh.time().isAfter(old.time()) ? fresh : old);
    dirty = true;
  }

  public Optional<Seen> of(String name) {
    return Optional.ofNullable(seen.get(name));
  }

  /** Writes the records now when they changed since the last write. */
  public void flush() throws IOException {
    if (!dirty) {
      return;
    }
    dirty = false;
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, Seen> entry : new TreeMap<>(seen).entrySet()) {
      text.append(entry.getKey())
          .append('\t')
          .append(entry.getValue().serial())
          .append('\t')
          .append(entry.getValue().time())
          .append('\n');
    }
    try {
      SecureFiles.writePublic(file, text.toString());
    } catch (IOException e) {
      dirty = true;
      throw e;
    }
  }

  @Override
  public void close() {
    flusher.shutdownNow();
    flushQuietly();
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "last-seen times could not be written to {0}: {1}", file, e);
    }
  }

  private void read() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      LOG.log(Level.WARNING, "last-seen times of an earlier run cannot be read: {0}", e);
      return;
    }
    for (String line : text.split("\n")) {
      String[] fields = line.split("\t");
      if (fields.length != 3) {
        continue;
      }
      try {
        seen.put(fields[0], new Seen(Instant.parse(fields[2]), fields[1]));
      } catch (DateTimeParseException e) {
        // A damaged line only loses one identity's last-seen time; it is rewritten on the next
        // call of that identity.
      }
    }
  }
}
