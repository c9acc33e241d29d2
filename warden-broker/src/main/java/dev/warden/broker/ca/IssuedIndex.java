package dev.warden.broker.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The identities a CA issued, one tab-separated line each in {@code issued.tsv}: serial in hex,
 * name, comma-separated roles and expiry.
 *
 * <p>{@code warden identity issue} appends while a broker may be running, so a lookup that misses
 * re-reads the file when it changed since the last read. Thread-safe.
 */
public final class IssuedIndex {

  /** The index's file name inside the CA directory. */
  public static final String FILE = "issued.tsv";

  private final Path file;
  private Map<String, Entry> entries = Map.of();
  private @Nullable FileTime readAt;
  private long readSize = -1;

  IssuedIndex(Path directory) {
    this.file = directory.resolve(FILE);
  }

  /**
   * One issued identity.
   *
   * @param serial the certificate serial in lower-case hex
   */
  public record Entry(String serial, String name, List<String> roles, Instant expires) {}

  /** The entry for a certificate serial, re-reading the file once when it changed. */
  public synchronized Optional<Entry> find(BigInteger serial) throws IOException {
    String key = serial.toString(16);
    Entry entry = entries.get(key);
    if (entry == null && changed()) {
      reload();
      entry = entries.get(key);
    }
    return Optional.ofNullable(entry);
  }

  synchronized void record(BigInteger serial, String name, List<String> roles, Instant expires)
      throws IOException {
    String line =
        serial.toString(16) + "\t" + name + "\t" + String.join(",", roles) + "\t" + expires + "\n";
    Files.writeString(
        file,
        line,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE,
        StandardOpenOption.SYNC);
  }

  private boolean changed() throws IOException {
    try {
      return !Files.getLastModifiedTime(file).equals(readAt) || Files.size(file) != readSize;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private void reload() throws IOException {
    FileTime modified = Files.getLastModifiedTime(file);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, Entry> read = new HashMap<>();
    for (String line : lines) {
      String[] fields = line.split("\t");
      if (fields.length == 4) {
        read.put(
            fields[0],
            new Entry(
                fields[0], fields[1], List.of(fields[2].split(",")), Instant.parse(fields[3])));
      }
    }
    entries = Map.copyOf(read);
    readAt = modified;
    readSize = lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1).sum();
  }
}
