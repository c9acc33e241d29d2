package dev.warden.cli.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code warden} command running from the shaded jar as its own operating-system process, its
 * standard output and error in files next to its working directory.
 *
 * <p>Every process started here is killed when the test that owns it closes it, and, should the
 * test JVM itself exit first, by a shutdown hook: an end-to-end test must never leave a broker or
 * watcher running on the machine.
 */
public final class WardenProcess implements AutoCloseable {

  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "warden-it-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final long stdoutStart;
  private final long stderrStart;

  private WardenProcess(
      String name, Process process, Path stdout, Path stderr, long stdoutStart, long stderrStart) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.stdoutStart = stdoutStart;
    this.stderrStart = stderrStart;
  }

  /** The shaded jar the build made; the failsafe configuration names it. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("warden.jar", "target/warden-all.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "the shaded jar "
              + jar.toAbsolutePath()
              + " is missing; run these tests with mvn verify");
    }
    return jar;
  }

  /** The repository's root, for the shipped examples and scripts. */
  public static Path root() {
    return Path.of(System.getProperty("warden.root", "..")).toAbsolutePath().normalize();
  }

  /**
   * Starts {@code warden ARGS} in {@code directory}; its output goes to {@code NAME.out} and {@code
   * NAME.err} there. A later start under the same name appends, so a restarted watcher's earlier
   * lines stay readable.
   */
  public static WardenProcess start(String name, Path directory, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Small and quick to start: these processes serve a handful of requests each.
    command.addAll(
        List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED"));
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(classArchive(args));
    command.add("-jar");
    command.add(jar().toAbsolutePath().toString());
    command.addAll(List.of(args));

    Path stdout = directory.resolve(name + ".out");
    Path stderr = directory.resolve(name + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    builder.environment().remove("WARDEN_DATA");
    try {
      long stdoutStart = Files.exists(stdout) ? Files.size(stdout) : 0;
      long stderrStart = Files.exists(stderr) ? Files.size(stderr) : 0;
      Process process = builder.start();
      RUNNING.add(process);
      return new WardenProcess(name, process, stdout, stderr, stdoutStart, stderrStart);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /**
   * A class-data archive per command ({@code watch}, {@code broker}, …), made by the first process
   * of that command that exits normally and used by every later one: it roughly halves a JVM's
   * start on this suite's busy two-core machine, which matters to the scenarios that restart a
   * watcher dozens of times. The JVM checks the archive against the jar and makes it again when the
   * jar changed; a process killed by SIGKILL writes none.
   */
  private static List<String> classArchive(String... args) {
    if (Runtime.version().feature() < 19 || args.length == 0) {
      return List.of();
    }
    Path archive = Path.of("target", "class-archives", args[0] + ".jsa").toAbsolutePath();
    try {
      Files.createDirectories(archive.getParent());
    } catch (IOException e) {
      return List.of();
    }
    return List.of("-XX:SharedArchiveFile=" + archive, "-XX:+AutoCreateSharedArchive");
  }

  /** Runs {@code warden ARGS} to completion and returns its exit code; fails after a minute. */
  public static int run(String name, Path directory, String... args) {
    try (WardenProcess process = start(name, directory, args)) {
      return process.awaitExit(Duration.ofMinutes(1));
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Everything this process (not an earlier one of the same name) wrote to standard error. */
  public String errors() {
    return read(stderr, stderrStart);
  }

  /** Everything this process wrote to standard output so far. */
  public String output() {
    return read(stdout, stdoutStart);
  }

  /** Lines of standard error so far. */
  public List<String> errorLines() {
    return errors().lines().toList();
  }

  /**
   * Waits until standard output or error has a line matching {@code pattern} and returns the match.
   *
   * @throws AssertionError when the process exits or the timeout passes first, with its output
   */
  public Matcher awaitLine(Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<Matcher> found = find(pattern);
      if (found.isPresent()) {
        return found.get();
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            name + " exited with " + process.exitValue() + " before printing " + pattern + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            name + " did not print " + pattern + " within " + timeout + tail());
      }
      sleep(Duration.ofMillis(50));
    }
  }

  private Optional<Matcher> find(Pattern pattern) {
    for (String line : (output() + "\n" + errors()).split("\n")) {
      Matcher matcher = pattern.matcher(line);
      if (matcher.find()) {
        return Optional.of(matcher);
      }
    }
    return Optional.empty();
  }

  /** Sends SIGKILL: the process gets no chance to finish anything. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /** Sends SIGTERM and returns the exit code once the process is gone. */
  public int terminate(Duration timeout) {
    process.destroy();
    return awaitExit(timeout);
  }

  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(name + " did not exit within " + timeout + tail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + name, e);
    }
    RUNNING.remove(process);
    return process.exitValue();
  }

  /** The last lines of both streams, to explain a failure. */
  public String tail() {
    return "\n--- "
        + name
        + " stdout ---\n"
        + last(output())
        + "\n--- stderr ---\n"
        + last(errors());
  }

  private static String last(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static String read(Path file, long from) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      // Not readString: the process may be halfway through a character, which that refuses.
      byte[] bytes = Files.readAllBytes(file);
      int start = (int) Math.min(from, bytes.length);
      return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Kills the process unless it has exited already. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    RUNNING.remove(process);
  }
}
