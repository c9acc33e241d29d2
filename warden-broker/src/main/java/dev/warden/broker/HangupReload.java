package dev.warden.broker;

import dev.warden.broker.catalog.CatalogSource;
import java.lang.System.Logger.Level;

/**
 * Reloads the catalog when the process receives SIGHUP.
 *
 * <p>The JDK offers no public signal API; {@code sun.misc.Signal} is the supported exception that
 * stays available (module jdk.unsupported). Where it is not, the broker logs that and runs on
 * without reloads rather than failing to start.
 */
final class HangupReload {

  private static final System.Logger LOG = System.getLogger(HangupReload.class.getName());

  private HangupReload() {}

  @SuppressWarnings("restriction")
  static void install(CatalogSource catalog) {
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal("HUP"),
          signal -> {
            LOG.log(Level.INFO, "SIGHUP received, reloading catalog file={0}", catalog.file());
            Thread.ofVirtual().name("warden-catalog-reload").start(catalog::reload);
          });
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      LOG.log(
          Level.WARNING, "SIGHUP cannot be handled here, catalog reload is off: {0}", e.toString());
    }
  }
}
