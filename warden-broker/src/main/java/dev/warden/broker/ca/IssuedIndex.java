package dev.warden.broker.ca;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The certificates a CA issued, and the identities deleted since, in {@code issued.tsv}: an
 * append-only file of tab-separated lines.
 *
 * <p>Three kinds of line, so that files written before kinds existed still read:
 *
 * <ul>
 *   <li>{@code serial name roles expires}: a certificate of the first format; its kind follows from
 *       its roles (the watcher role makes a bot) and its ttl is its kind's default.
 *   <li>{@code serial name roles expires kind issued renewedFrom}: a certificate, with the time it
 *       was issued and the serial it renewed ({@code -} for a first issue).
 *   <li>{@code deleted name time}: every certificate of {@code name} issued before is void. The
 *       word cannot be mistaken for a serial, which is hexadecimal.
 * </ul>
 *
 * <p>{@code warden identity issue} appends while a broker may be running, so a lookup that misses
 * reads what was appended since the last read; a file that shrank is read again from the start.
 * Thread-safe.
 */
public final class IssuedIndex {

  /** The index's file name inside the CA directory. */
  public static final String FILE = "issued.tsv";

  private static final String DELETED = "deleted";
  private static final String NONE = "-";
  private static final System.Logger LOG = System.getLogger(IssuedIndex.class.getName());

  private final Path file;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private long readUpTo;
  private volatile long deletions;

  IssuedIndex(Path directory) {
    this.file = directory.resolve(FILE);
  }

  /**
   * One issued certificate.
   *
   * @param serial the certificate serial in lower-case hex
   * @param issued when it was issued, or null for certificates of the first format
   * @param renewedFrom the serial of the certificate it renewed, or null for a first issue
   * @param deleted when its identity was deleted, or null while it was not
   */
  public record Entry(
      String serial,
      String name,
      List<String> roles,
      Instant expires,
      IdentityKind kind,
      @Nullable Instant issued,
      @Nullable String renewedFrom,
      @Nullable Instant deleted) {

    public Entry {
      roles = List.copyOf(roles);
    }

    /** The lifetime it was issued with; a renewal gets the same. */
    public Duration ttl() {
      return issued == null
          ? CertificateAuthority.defaultTtl(kind)
          : Duration.between(issued, expires);
    }

    Entry deletedAt(Instant time) {
      return new Entry(serial, name, roles, expires, kind, issued, renewedFrom, time);
    }
  }

  /** The entry for a certificate serial, reading appended lines first when it is not known. */
  public synchronized Optional<Entry> find(BigInteger serial) throws IOException {
    String key = serial.toString(16);
    Entry entry = entries.get(key);
    if (entry == null) {
      catchUp();
      entry = entries.get(key);
    }
    return Optional.ofNullable(entry);
  }

  /** Every entry, in the order of issue. */
  public synchronized List<Entry> all() throws IOException {
    catchUp();
    return List.copyOf(entries.values());
  }

  /**
   * How many deletions this index has seen; it grows whenever one is read, so that a cache of
   * identities knows when to forget.
   */
  public long deletions() {
    return deletions;
  }

  synchronized Entry record(
      BigInteger serial,
      String name,
      List<String> roles,
      IdentityKind kind,
      Instant issued,
      Instant expires,
      @Nullable String renewedFrom)
      throws IOException {
    String line =
        String.join(
            "\t",
            serial.toString(16),
            name,
            String.join(",", roles),
            expires.toString(),
            kind.wireName(),
            issued.toString(),
            renewedFrom == null ? NONE : renewedFrom);
    append(line);
    catchUp();
    return entries.get(serial.toString(16));
  }

  /** Records that {@code name} is deleted: every certificate issued to it so far is void. */
  public synchronized void recordDeletion(String name, Instant time) throws IOException {
    append(DELETED + "\t" + name + "\t" + time);
    catchUp();
  }

  private void append(String line) throws IOException {
    // One write of one line in append mode: concurrent appenders (a running broker and the
    // identity command) never interleave within a line. SYNC makes it durable before the
    // certificate is handed out.
    Files.writeString(
        file,
        line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE,
        StandardOpenOption.SYNC);
  }

  /** Reads the lines appended since the last read, or the whole file when it shrank. */
  private void catchUp() throws IOException {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      return;
    }
    if (size < readUpTo) {
      entries.clear();
      readUpTo = 0;
    }
    if (size == readUpTo) {
      return;
    }
    byte[] appended;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        InputStream in = Channels.newInputStream(channel.position(readUpTo))) {
      appended = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, size - readUpTo));
    }
    int start = 0;
    for (int i = 0; i < appended.length; i++) {
      if (appended[i] == '\n') {
        apply(new String(appended, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    // A line still being written has no newline yet; it is read with the next catch-up.
    readUpTo += start;
  }

  private void apply(String line) {
    String[] fields = line.split("\t", -1);
    try {
      if (fields.length == 3 && fields[0].equals(DELETED)) {
        delete(fields[1], Instant.parse(fields[2]));
      } else if (fields.length == 4) {
        List<String> roles = List.of(fields[2].split(","));
        IdentityKind kind = CertificateAuthority.kindOf(roles);
        put(
            new Entry(
                fields[0], fields[1], roles, Instant.parse(fields[3]), kind, null, null, null));
      } else if (fields.length == 7) {
        put(
            new Entry(
                fields[0],
                fields[1],
                List.of(fields[2].split(",")),
                Instant.parse(fields[3]),
                IdentityKind.parse(fields[4]).orElseThrow(),
                Instant.parse(fields[5]),
                fields[6].equals(NONE) ? null : fields[6],
                null));
      } else if (!line.isBlank()) {
        malformed(line, "it has " + fields.length + " fields, not 3, 4 or 7");
      }
    } catch (DateTimeParseException | java.util.NoSuchElementException e) {
      malformed(line, e.getMessage() == null ? "a field does not parse" : e.getMessage());
    }
  }

  private void put(Entry entry) {
    entries.put(entry.serial(), entry);
  }

  private void delete(String name, Instant time) {
    List<Entry> affected = new ArrayList<>();
    for (Entry entry : entries.values()) {
      if (entry.name().equals(name) && entry.deleted() == null) {
        affected.add(entry);
      }
    }
    affected.forEach(e -> put(e.deletedAt(time)));
    deletions++;
  }

  private void malformed(String line, String why) {
    // A line this broker cannot read grants nothing, so skipping it is safe; say so loudly.
    LOG.log(
        System.Logger.Level.WARNING,
        "skipping a line of {0} that does not parse ({1}): {2}",
        file,
        why,
        line.length() > 200 ? line.substring(0, 200) + "…" : line);
  }
}
