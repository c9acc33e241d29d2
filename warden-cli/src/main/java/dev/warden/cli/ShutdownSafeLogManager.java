package dev.warden.cli;

import java.util.logging.LogManager;

/**
 * The JDK's log manager, except that it keeps its handlers while the JVM shuts down.
 *
 * <p>The stock manager resets itself from a shutdown hook of its own, which runs at the same time
 * as the hooks that stop the watcher and the broker; whatever those log while they finish their
 * work ("watcher stopped", the decisions still in flight, a failure to close) was silently dropped.
 * {@link Warden#main} installs this manager before anything logs. A reset outside shutdown behaves
 * as always.
 *
 * <p>Nothing may call a static method of this class before it is installed: initialising it
 * initialises {@link LogManager} first, which then reads the property before it is set.
 */
public final class ShutdownSafeLogManager extends LogManager {

  @Override
  public void reset() {
    if (!shuttingDown()) {
      super.reset();
    }
  }

  /** Whether the JVM has begun to shut down: it then refuses new shutdown hooks. */
  private static boolean shuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
