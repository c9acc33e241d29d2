package dev.warden.broker;

import dev.warden.broker.auth.Authenticator;
import dev.warden.broker.auth.RoleBook;
import dev.warden.broker.ca.CertificateAuthority;
import dev.warden.broker.ca.IssuedIdentity;
import dev.warden.broker.catalog.CatalogSource;
import dev.warden.broker.expiry.ExpiryScheduler;
import dev.warden.broker.http.BrokerServer;
import dev.warden.broker.identity.IdentityService;
import dev.warden.broker.identity.LastSeen;
import dev.warden.broker.service.AccessService;
import dev.warden.broker.store.BrokerStore;
import dev.warden.broker.store.BrokerStores;
import dev.warden.broker.watch.ChangeFeed;
import dev.warden.broker.watch.HistoryCompactor;
import dev.warden.core.yaml.InvalidFileException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A running broker: CA, catalog, store, change feed, expiry and the HTTPS server.
 *
 * <p>Start one with {@link #start(BrokerConfig)}; {@link #close()} stops it and releases the store.
 * Embedding code (such as {@code warden up}) can issue identities through {@link #ca()}.
 */
public final class Broker implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Broker.class.getName());

  private final BrokerConfig config;
  private final CertificateAuthority ca;
  private final CatalogSource catalog;
  private final BrokerStore store;
  private final ChangeFeed feed;
  private final ExpiryScheduler expiry;
  private final LastSeen lastSeen;
  private final RoleBook roles;
  private final BrokerServer server;
  private final @Nullable HistoryCompactor compactor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Broker(
      BrokerConfig config,
      CertificateAuthority ca,
      CatalogSource catalog,
      BrokerStore store,
      ChangeFeed feed,
      ExpiryScheduler expiry,
      LastSeen lastSeen,
      RoleBook roles,
      BrokerServer server,
      @Nullable HistoryCompactor compactor) {
    this.config = config;
    this.ca = ca;
    this.catalog = catalog;
    this.store = store;
    this.feed = feed;
    this.expiry = expiry;
    this.lastSeen = lastSeen;
    this.roles = roles;
    this.server = server;
    this.compactor = compactor;
  }

  /**
   * Starts a broker and returns once it serves.
   *
   * @throws InvalidFileException when the catalog or roles file has errors, each with its position
   * @throws IllegalStateException when the CA key is readable by others, or the CA is half there
   * @throws IOException when files cannot be read or written, or the address cannot be bound
   */
  public static Broker start(BrokerConfig config) throws IOException, InvalidFileException {
    CertificateAuthority ca =
        CertificateAuthority.openOrCreate(
            config.dataDirectory().resolve("ca"), config.clock().instant());
    CatalogSource catalog = CatalogSource.load(config.catalogFile());
    RoleBook roles = loadRoles(config.rolesFile());
    BrokerStore store = BrokerStores.open(config.storeUrl(), config.dataDirectory());
    ChangeFeed feed = null;
    ExpiryScheduler expiry = null;
    LastSeen lastSeen = null;
    HistoryCompactor compactor = null;
    try {
      feed = ChangeFeed.start(store);
      if (config.historyRetention() > 0) {
        compactor = HistoryCompactor.start(store, feed, config.historyRetention());
      }
      expiry = ExpiryScheduler.start(store, config.pendingTtl(), config.clock());
      lastSeen = LastSeen.open(ca.directory());
      AccessService service = new AccessService(store, catalog, feed, expiry, config.clock());
      IdentityService identities = new IdentityService(ca, lastSeen, feed, config.clock());
      List<String> names = serverNames(config.host());
      IssuedIdentity serverIdentity = ca.issueServer(names, config.clock().instant());
      BrokerServer server =
          BrokerServer.start(
              new InetSocketAddress(InetAddress.getByName(config.host()), config.port()),
              serverIdentity.asClientIdentity().sslContext(),
              service,
              identities,
              lastSeen,
              new Authenticator(ca.index(), roles),
              feed,
              store,
              config.bookmarkInterval(),
              config.clock());
      Broker broker =
          new Broker(config, ca, catalog, store, feed, expiry, lastSeen, roles, server, compactor);
      broker.logStarted(names);
      if (config.reloadOnHangup()) {
        HangupReload.install(catalog);
      }
      return broker;
    } catch (IOException | RuntimeException e) {
      if (compactor != null) {
        compactor.close();
      }
      if (lastSeen != null) {
        lastSeen.close();
      }
      if (expiry != null) {
        expiry.close();
      }
      if (feed != null) {
        feed.close();
      }
      store.close();
      throw e;
    }
  }

  /** The port the broker listens on. */
  public int port() {
    return server.port();
  }

  /** The base URI clients use, such as {@code https://127.0.0.1:7443}. */
  public URI uri() {
    String host = config.host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("https://" + host + ":" + port());
  }

  public BrokerConfig config() {
    return config;
  }

  /** The broker's CA, to issue identities in-process. */
  public CertificateAuthority ca() {
    return ca;
  }

  /** The catalog in force; {@link CatalogSource#reload()} reads the file again. */
  public CatalogSource catalog() {
    return catalog;
  }

  /** The roles this broker knows: the built-in ones and those of its roles file. */
  public RoleBook roles() {
    return roles;
  }

  /** The store, for maintenance such as compaction. */
  public BrokerStore store() {
    return store;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.close();
    if (compactor != null) {
      compactor.close();
    }
    feed.close();
    expiry.close();
    lastSeen.close();
    store.close();
    LOG.log(Level.INFO, "broker stopped");
  }

  private void logStarted(List<String> names) {
    LOG.log(
        Level.INFO,
        "broker started listen={0}:{1,number,#} data={2} catalog={3} store={4} pendingTtl={5}"
            + " bookmarkInterval={6} caSerial={7} serverNames={8} catalogRoles={9}"
            + " catalogResources={10} catalogUsers={11} resourceVersion={12,number,#}"
            + " rolesFile={13} roles={14} historyRetention={15}",
        config.host(),
        port(),
        config.dataDirectory(),
        config.catalogFile(),
        config.maskedStore(),
        config.pendingTtl(),
        config.bookmarkInterval(),
        ca.certificate().getSerialNumber().toString(16),
        names,
        catalog.current().roles().size(),
        catalog.current().resources().size(),
        catalog.current().users().size(),
        store.currentVersion(),
        config.rolesFile() == null ? "(none)" : config.rolesFile(),
        roles.names(),
        config.historyRetention() == 0 ? "all" : Long.toString(config.historyRetention()));
  }

  private static RoleBook loadRoles(@Nullable Path file) throws IOException, InvalidFileException {
    if (file == null) {
      return RoleBook.builtIn();
    }
    return RoleBook.withFile(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  /** The names the server certificate carries: the listen host, and loopback names on loopback. */
  static List<String> serverNames(String host) throws IOException {
    List<String> names = new ArrayList<>();
    names.add(host);
    InetAddress address = InetAddress.getByName(host);
    if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
      names.add("localhost");
      names.add("127.0.0.1");
    }
    if (address.isAnyLocalAddress()) {
      names.add(InetAddress.getLocalHost().getHostName());
    }
    return List.copyOf(new java.util.LinkedHashSet<>(names));
  }
}
