package dev.warden.cli.bench;

import dev.warden.core.access.RequestId;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The file {@code --samples} names: one CSV line for every decision a run measured, so that a tail
 * can be taken apart afterwards (which requests were slow, when, and in which span) instead of only
 * read off the report's percentiles.
 *
 * <p>Columns, after the {@link #HEADER} line: the run ({@code watch}, {@code poll-1s}, …), the
 * request, the creation of the request whose arrival caused the decision, the watcher's intent
 * record, the broker's time on the watcher's review, the moment the bench saw that review on its
 * watch stream (all ISO-8601 instants, UTC), and the latency in milliseconds (creation to seen, as
 * the report counts it). The intent and review columns are empty when the bench did not start the
 * watcher itself, since only then do all the times come from one clock and one decision log.
 */
final class Samples implements AutoCloseable {

  static final String HEADER = "run,request,created,intentLogged,reviewTaken,reviewSeen,latencyMs";

  private final BufferedWriter out;
  private final Path file;
  private final String run;

  private Samples(BufferedWriter out, Path file, String run) {
    this.out = out;
    this.file = file;
    this.run = run;
  }

  /**
   * Creates (or empties) the file and writes its header, before any run, so that a path that cannot
   * be written fails the command at once rather than after minutes of load.
   *
   * @throws IllegalStateException when the file cannot be written (as every method here)
   */
  static void create(Path file) {
    try {
      Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw cannotWrite(file, e);
    }
  }

  /** Opens a file {@link #create} made, to append the lines of one run. */
  static Samples append(Path file, String run) {
    try {
      return new Samples(
          Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND),
          file,
          run);
    } catch (IOException e) {
      throw cannotWrite(file, e);
    }
  }

  void add(
      RequestId request,
      Instant created,
      @Nullable Instant intentLogged,
      @Nullable Instant reviewTaken,
      Instant reviewSeen,
      double latencyMillis) {
    try {
      out.write(
          String.join(
              ",",
              run,
              request.value(),
              created.toString(),
              intentLogged == null ? "" : intentLogged.toString(),
              reviewTaken == null ? "" : reviewTaken.toString(),
              reviewSeen.toString(),
              String.format(Locale.ROOT, "%.3f", latencyMillis)));
      out.write('\n');
    } catch (IOException e) {
      throw cannotWrite(file, e);
    }
  }

  private static IllegalStateException cannotWrite(Path file, IOException e) {
    String why =
        switch (e) {
          case NoSuchFileException missing -> "its directory does not exist";
          case AccessDeniedException denied -> "permission denied";
          case FileSystemException other when other.getReason() != null -> other.getReason();
          default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    return new IllegalStateException("cannot write the --samples file " + file + ": " + why, e);
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw cannotWrite(file, e);
    }
  }
}
