package dev.warden.broker.it;

import dev.warden.broker.Broker;
import dev.warden.broker.BrokerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker in its own OS process, for tests that kill it: {@code DATA CATALOG PORTFILE}. Writes the
 * port it listens on to PORTFILE once it serves, then runs until killed.
 */
public final class BrokerProcess {

  private BrokerProcess() {}

  /**
   * Starts this class in a JVM of its own, with the test's class path and {@code jvmOptions}, and
   * waits until it serves; its output goes to a log next to PORTFILE, quoted if it does not start.
   */
  static Process launch(Path data, Path catalog, Path portFile, String... jvmOptions)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(List.of(jvmOptions));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            BrokerProcess.class.getName(),
            data.toString(),
            catalog.toString(),
            portFile.toString()));
    Path log = portFile.resolveSibling(portFile.getFileName() + ".log");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(portFile)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("broker process did not start: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
    return process;
  }

  public static void main(String[] args) throws Exception {
    Broker broker =
        Broker.start(
            BrokerConfig.of(Path.of(args[0]), Path.of(args[1])).withListen("127.0.0.1", 0));
    Path portFile = Path.of(args[2]);
    Path temporary = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(temporary, Integer.toString(broker.port()));
    Files.move(temporary, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}
