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
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The watcher's machine identity, read again from disk when its certificate file changes, so that a
 * renewed certificate is used without a restart.
 *
 * <p>A renewed certificate is not used as soon as it appears: {@link #renewed()} offers it, the
 * watcher checks its permissions with the broker, and only then {@link #adopt adopts} it, so that
 * every call goes out with a certificate whose scope was checked.
 */
final class IdentitySource {

  private static final System.Logger LOG = System.getLogger(IdentitySource.class.getName());

  private final URI broker;
  private final Path directory;
  private volatile Loaded loaded;
  private @Nullable FileTime unreadable;

  /**
   * An identity read from disk, with a client presenting it, and the name and serial it acts as:
   * worked out once, since every decision record names them.
   */
  record Loaded(
      ClientIdentity identity, BrokerClient client, FileTime modified, DecisionEntry.Actor actor) {

    Loaded(ClientIdentity identity, BrokerClient client, FileTime modified) {
      this(
          identity,
          client,
          modified,
          new DecisionEntry.Actor(
              identity.name(), identity.certificate().getSerialNumber().toString(16)));
    }

    String serial() {
      return actor.serial();
    }
  }

  IdentitySource(URI broker, Path directory) {
    this.broker = broker;
    this.directory = directory;
    this.loaded = load(modifiedTime());
  }

  /** The client for the certificate in use. */
  BrokerClient client() {
    return loaded.client();
  }

  /** The name and certificate serial the watcher acts as, for the decision log. */
  DecisionEntry.Actor actor() {
    return loaded.actor();
  }

  /** The private key of the certificate in force, for signing decision log checkpoints. */
  java.security.PrivateKey privateKey() {
    return loaded.identity().privateKey();
  }

  Instant expires() {
    return loaded.identity().expires();
  }

  String name() {
    return loaded.actor().name();
  }

  /** The serial of the certificate in use. */
  String currentSerial() {
    return loaded.serial();
  }

  /**
   * A certificate on disk newer than the one in use, once its files can be read as a whole; empty
   * when there is none. One {@code stat} when nothing changed, so it may be asked often.
   */
  synchronized Optional<Loaded> renewed() {
    FileTime modified = modifiedTime();
    if (modified == null || modified.equals(loaded.modified()) || modified.equals(unreadable)) {
      return Optional.empty();
    }
    Loaded candidate;
    try {
      candidate = load(modified);
    } catch (RuntimeException e) {
      // Half written, or a key beside the wrong certificate: keep the identity in use and look
      // again when the files change once more.
      unreadable = modified;
      LOG.log(
          System.Logger.Level.WARNING,
          "identity files changed but cannot be used yet: {0}",
          e.getMessage());
      return Optional.empty();
    }
    if (candidate.serial().equals(loaded.serial())) {
      loaded = candidate;
      return Optional.empty();
    }
    return Optional.of(candidate);
  }

  /** Uses {@code candidate} from now on: every new call presents it. */
  void adopt(Loaded candidate) {
    loaded = candidate;
    LOG.log(
        System.Logger.Level.INFO,
        "identity renewed and in use: name={0} serial={1} expires={2}",
        candidate.identity().name(),
        candidate.serial(),
        candidate.identity().expires());
  }

  private Loaded load(@Nullable FileTime modified) {
    ClientIdentity identity = ClientIdentity.load(directory);
    return new Loaded(
        identity,
        BrokerClient.connect(broker, identity),
        modified == null ? FileTime.fromMillis(0) : modified);
  }

  private @Nullable FileTime modifiedTime() {
    try {
      return Files.getLastModifiedTime(directory.resolve(ClientIdentity.CERTIFICATE));
    } catch (IOException e) {
      return null;
    }
  }
}
