package dev.warden.cli;

/**
 * SIGHUP handling through {@code sun.misc.Signal}, the only way the JDK offers; where the runtime
 * refuses it (some platforms, or when the JVM reserves the signal) reloads still happen on file
 * change.
 */
final class Signals {

  private static final System.Logger LOG = System.getLogger(Signals.class.getName());

  private Signals() {}

  static void onHangup(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, "SIGHUP cannot be handled here: {0}", e.getMessage());
    }
  }
}
