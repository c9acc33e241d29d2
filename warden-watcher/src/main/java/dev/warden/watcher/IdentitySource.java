package dev.warden.watcher;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.ClientIdentity;
import dev.warden.watcher.log.DecisionEntry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * The watcher's machine identity, read again from disk whenever its certificate file changes, so
 * that a renewed certificate is used by the next connection without a restart.
 */
final class IdentitySource {

  private static final System.Logger LOG = System.getLogger(IdentitySource.class.getName());

  private final URI broker;
  private final Path directory;
  private volatile Loaded loaded;

  private record Loaded(ClientIdentity identity, BrokerClient client, FileTime modified) {}

  IdentitySource(URI broker, Path directory) {
    this.broker = broker;
    this.directory = directory;
    this.loaded = load();
  }

  /** The client for the current certificate, reloading it first if the files changed. */
  BrokerClient client() {
    refresh();
    return loaded.client();
  }

  /** The name and certificate serial the watcher acts as, for the decision log. */
  DecisionEntry.Actor actor() {
    ClientIdentity identity = loaded.identity();
    return new DecisionEntry.Actor(
        identity.name(), identity.certificate().getSerialNumber().toString(16));
  }

  Instant expires() {
    return loaded.identity().expires();
  }

  /**
   * The serial of the certificate in use, after picking up renewed files: one {@code stat} when
   * nothing changed, so callers may ask often.
   */
  String currentSerial() {
    refresh();
    return loaded.identity().certificate().getSerialNumber().toString(16);
  }

  String name() {
    return loaded.identity().name();
  }

  private void refresh() {
    FileTime modified = modifiedTime();
    if (modified != null && !modified.equals(loaded.modified())) {
      synchronized (this) {
        if (!modified.equals(loaded.modified())) {
          try {
            loaded = load();
            LOG.log(
                System.Logger.Level.INFO,
                "identity reloaded: name={0} serial={1} expires={2}",
                actor().name(),
                actor().serial(),
                expires());
          } catch (RuntimeException e) {
            // A half-written renewal: keep the certificate we have and try on the next call.
            LOG.log(
                System.Logger.Level.WARNING,
                "identity files changed but cannot be read yet:" + " {0}",
                e.getMessage());
          }
        }
      }
    }
  }

  private Loaded load() {
    FileTime modified = modifiedTime();
    ClientIdentity identity = ClientIdentity.load(directory);
    return new Loaded(
        identity,
        BrokerClient.connect(broker, identity),
        modified == null ? FileTime.fromMillis(0) : modified);
  }

  private @org.jspecify.annotations.Nullable FileTime modifiedTime() {
    try {
      return Files.getLastModifiedTime(directory.resolve(ClientIdentity.CERTIFICATE));
    } catch (IOException e) {
      return null;
    }
  }
}
