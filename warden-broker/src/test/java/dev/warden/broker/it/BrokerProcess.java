package dev.warden.broker.it;

import dev.warden.broker.Broker;
import dev.warden.broker.BrokerConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A broker in its own OS process, for tests that kill it: {@code DATA CATALOG PORTFILE}. Writes the
 * port it listens on to PORTFILE once it serves, then runs until killed.
 */
public final class BrokerProcess {

  private BrokerProcess() {}

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
