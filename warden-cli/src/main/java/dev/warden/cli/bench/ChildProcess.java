package dev.warden.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A broker or watcher the bench runs as its own OS process: the same JDK and class path as the
 * bench itself, standard output and error into one log file.
 */
final class ChildProcess implements AutoCloseable {

  private static final String MAIN = "dev.warden.cli.Warden";
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code warden ARGUMENTS} in a new JVM with {@code jvmOptions} before the common ones.
   *
   * @throws IOException when the JVM cannot be started at all
   */
  static ChildProcess start(String name, List<String> jvmOptions, List<String> arguments, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaCommand());
    command.addAll(jvmOptions);
    command.addAll(commonOptions());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MAIN);
    command.addAll(arguments);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    return new ChildProcess(name, process, log);
  }

  long pid() {
    return process.pid();
  }

  ProcessUsage usage() {
    return ProcessUsage.read(process.pid());
  }

  /**
   * Waits for a line of the log to match {@code pattern} and returns the match.
   *
   * @throws IllegalStateException when the process ends first or the time runs out, with the tail
   *     of its log
   */
  Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Matcher matcher = pattern.matcher(logText());
      if (matcher.find()) {
        return matcher;
      }
      checkAlive(deadline, "printed '" + pattern.pattern() + "'");
      Thread.sleep(50);
    }
  }

  /**
   * Waits until {@code url} answers 200.
   *
   * @throws IllegalStateException when the process ends first or the time runs out
   */
  void awaitHttpOk(URI url, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build();
    while (true) {
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      checkAlive(deadline, "answered " + url + " with 200");
      Thread.sleep(100);
    }
  }

  /** The last {@code count} lines of the log, for error messages. */
  String logTail(int count) {
    List<String> lines = List.of(logText().split("\n"));
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  /** Asks the process to stop (SIGTERM) and waits for it; kills it when it does not stop. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void checkAlive(long deadline, String what) {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "the "
              + name
              + " process exited with "
              + process.exitValue()
              + " before it "
              + what
              + "; its log ends:\n"
              + logTail(20));
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(
          "the " + name + " process has not " + what + " in time; its log ends:\n" + logTail(20));
    }
  }

  private String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The java launcher of this process, so that children run on the same JDK. */
  private static String javaCommand() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static List<String> commonOptions() {
    List<String> options = new ArrayList<>();
    // sqlite-jdbc loads a native library, and protobuf (under CEL) uses sun.misc.Unsafe; say so
    // up front rather than have every start print warnings.
    options.add("--enable-native-access=ALL-UNNAMED");
    if (Runtime.version().feature() >= 24) {
      options.add("--sun-misc-unsafe-memory-access=allow");
    }
    return options;
  }
}
