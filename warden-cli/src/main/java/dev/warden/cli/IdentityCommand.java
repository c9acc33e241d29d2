package dev.warden.cli;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerException;
import dev.warden.api.client.LockResult;
import dev.warden.api.client.ProblemException;
import dev.warden.api.v1.IdentityList;
import dev.warden.api.v1.IdentityObject;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.RenewedCertificate;
import dev.warden.broker.auth.RoleBook;
import dev.warden.broker.ca.CertificateAuthority;
import dev.warden.broker.ca.IdentityKind;
import dev.warden.broker.ca.IssuedIdentity;
import dev.warden.core.Identifiers;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.yaml.InvalidFileException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code warden identity}: client identities signed by the broker's CA, and their lifecycle. */
@Command(
    name = "identity",
    mixinStandardHelpOptions = true,
    description = "Issue, renew, list, revoke and delete client identities of the broker.",
    subcommands = {
      IdentityCommand.Issue.class,
      IdentityCommand.Renew.class,
      IdentityCommand.ListIdentities.class,
      IdentityCommand.Revoke.class,
      IdentityCommand.Delete.class
    })
public final class IdentityCommand implements Runnable {

  /** The id of the lock {@code warden identity revoke NAME} creates. */
  static String revocationLockId(String name) {
    return "revoked-" + name;
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a subcommand: issue, renew, list, revoke or delete");
  }

  /** {@code warden identity issue NAME --role ROLE [--kind bot|human] [--ttl DURATION]}. */
  @Command(
      name = "issue",
      mixinStandardHelpOptions = true,
      description = {
        "Issue a client certificate signed by the broker's CA (created if DIR/ca/ is empty).",
        "Writes OUTDIR/tls.crt, OUTDIR/tls.key (mode 0600) and OUTDIR/ca.crt.",
        "Bots (the watcher role, or --kind bot) get 1 h unless told otherwise, people 24 h; the CA"
            + " signs at most 7 days."
      })
  static final class Issue implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The identity's name.")
    String name;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description =
            "admin, watcher, requester, reviewer or a role of --roles FILE; repeat for several.")
    List<String> roles;

    @Option(
        names = "--kind",
        paramLabel = "KIND",
        description = "bot or human; default bot with the watcher role, else human.")
    @Nullable String kind;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        description = "How long the certificate is valid (default 1h for bots, 24h for people).")
    @Nullable String ttl;

    @Option(
        names = "--roles",
        paramLabel = "FILE",
        description = "The broker's roles file, to issue roles defined there.")
    @Nullable Path rolesFile;

    @Option(
        names = "--data",
        required = true,
        paramLabel = "DIR",
        description = "The broker's data directory.")
    Path data;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "OUTDIR",
        description = "Directory to write the identity into.")
    Path out;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      if (!Identifiers.isSafe(name)) {
        throw usage("NAME '" + name + "' must be letters, digits and . _ : / @ -");
      }
      RoleBook book;
      try {
        book = roleBook();
      } catch (InvalidFileException e) {
        err.println("warden: the roles file has errors:\n" + e.getMessage());
        return 1;
      } catch (UserError e) {
        err.println("warden: " + e.getMessage());
        return 1;
      }
      checkRoles(book);
      IdentityKind identityKind = identityKind();
      Duration lifetime =
          ttl == null
              ? CertificateAuthority.defaultTtl(identityKind)
              : DurationText.parse(spec, "--ttl", ttl);
      if (lifetime.compareTo(CertificateAuthority.MAX_TTL) > 0) {
        throw usage(
            "--ttl "
                + ttl
                + " is longer than the CA's limit of 7 days; issue a shorter certificate and"
                + " renew it (warden identity renew)");
      }
      Instant now = Instant.now();

      CertificateAuthority ca;
      try {
        ca = CertificateAuthority.openOrCreate(data.resolve("ca"), now);
      } catch (IllegalStateException e) {
        err.println("warden: " + e.getMessage());
        return 1;
      }
      IssuedIdentity identity = ca.issueIdentity(name, roles, identityKind, lifetime, now);
      identity.writeTo(out);

      spec.commandLine()
          .getOut()
          .printf(
              "issued identity %s kind=%s roles=%s serial=%s expires=%s into %s%n",
              name,
              identityKind.wireName(),
              String.join(",", roles),
              identity.certificate().getSerialNumber().toString(16),
              identity.certificate().getNotAfter().toInstant(),
              out);
      return 0;
    }

    private RoleBook roleBook() throws InvalidFileException, UserError {
      if (rolesFile == null) {
        return RoleBook.builtIn();
      }
      return RoleBook.withFile(rolesFile.toString(), Files.readText(rolesFile));
    }

    private void checkRoles(RoleBook book) {
      for (String role : roles) {
        if (book.find(role).isEmpty()) {
          throw usage(
              "--role '"
                  + role
                  + "' is not a role "
                  + (rolesFile == null
                      ? "built into the broker; use one of "
                          + book.names()
                          + ", or pass the broker's roles file with --roles FILE"
                      : "of the built-in ones or "
                          + rolesFile
                          + "; known roles are "
                          + book.names()));
        }
      }
    }

    private IdentityKind identityKind() {
      IdentityKind implied = CertificateAuthority.kindOf(roles);
      if (kind == null) {
        return implied;
      }
      IdentityKind asked =
          IdentityKind.parse(kind)
              .orElseThrow(() -> usage("--kind '" + kind + "' is not bot or human"));
      if (asked == IdentityKind.HUMAN && implied == IdentityKind.BOT) {
        throw usage("--kind human does not go with the watcher role: the watcher is a bot");
      }
      return asked;
    }

    private CommandLine.ParameterException usage(String message) {
      return new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }

  /** {@code warden identity renew --dir DIR [--loop]}. */
  @Command(
      name = "renew",
      mixinStandardHelpOptions = true,
      description = {
        "Renew the identity in DIR through the broker: a new key made here, a fresh certificate"
            + " for the same identity and roles, the files replaced atomically.",
        "With --loop, keep running (as a sidecar) and renew at two thirds of each certificate's"
            + " lifetime. Exits 1 with the reason when the broker refuses, or the certificate"
            + " expired."
      })
  static final class Renew implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--dir",
        required = true,
        paramLabel = "DIR",
        description = "The identity's directory (tls.crt, tls.key, ca.crt).")
    Path dir;

    @Option(names = "--loop", description = "Keep renewing until stopped (SIGTERM).")
    boolean loop;

    @Option(
        names = "--broker",
        paramLabel = "URL",
        defaultValue = "https://127.0.0.1:7443",
        description = "The broker (default: ${DEFAULT-VALUE}).")
    URI broker;

    @Option(
        names = "--log-format",
        paramLabel = "FORMAT",
        defaultValue = "text",
        description = "text (default) or json.")
    String logFormat;

    @Override
    public Integer call() throws Exception {
      Logging.configure(LogOptions.format(logFormat, spec), java.util.logging.Level.INFO);
      IdentityRenewer renewer = new IdentityRenewer(broker, dir, Clock.systemUTC());
      PrintWriter err = spec.commandLine().getErr();
      try {
        if (loop) {
          runLoop(renewer);
        } else {
          RenewedCertificate renewed = renewer.renewOnce();
          spec.commandLine()
              .getOut()
              .printf(
                  "renewed identity in %s serial=%s expires=%s%n",
                  dir, renewed.serial(), renewed.expires());
        }
        return 0;
      } catch (IdentityRenewer.RenewalFailed e) {
        err.println("warden: " + e.getMessage());
        return 1;
      } catch (BrokerException e) {
        err.println("warden: the renewal failed: " + e.getMessage());
        return 1;
      }
    }

    private static void runLoop(IdentityRenewer renewer)
        throws IdentityRenewer.RenewalFailed, InterruptedException {
      AtomicBoolean stopped = new AtomicBoolean();
      CountDownLatch finished = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                stopped.set(true);
                try {
                  finished.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "warden-renew-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        renewer.loop(stopped::get);
      } finally {
        finished.countDown();
        if (!stopped.get()) {
          Runtime.getRuntime().removeShutdownHook(hook);
        }
      }
    }
  }

  /** {@code warden identity list}. */
  @Command(
      name = "list",
      description =
          "List every identity: name, kind, roles, certificates and their expiry, last seen,"
              + " locked or not.")
  static final class ListIdentities extends ClientCommand {

    /** Certificates shown per identity in the table; JSON shows all. */
    private static final int SHOWN = 5;

    @Override
    int run(BrokerClient client, PrintWriter out, boolean json) {
      IdentityList list = client.identities();
      if (json) {
        Output.printJson(out, list);
        return 0;
      }
      Instant now = Instant.now();
      Table table =
          new Table("NAME", "KIND", "ROLES", "LOCKED", "LAST SEEN", "SERIAL", "EXPIRES", "");
      for (IdentityObject identity : list.items()) {
        rows(table, identity, now);
      }
      table.print(out);
      return 0;
    }

    private static void rows(Table table, IdentityObject identity, Instant now) {
      List<IdentityObject.Certificate> certificates = identity.certificates();
      for (int i = 0; i < Math.min(SHOWN, certificates.size()); i++) {
        IdentityObject.Certificate certificate = certificates.get(i);
        String state = certificate.expires().isAfter(now) ? "valid" : "expired";
        if (i == 0) {
          table.row(
              identity.name(),
              identity.kind(),
              String.join(",", identity.roles()),
              locked(identity),
              identity.lastSeen() == null
                  ? "never"
                  : identity.lastSeen().time().truncatedTo(ChronoUnit.SECONDS)
                      + " ("
                      + identity.lastSeen().serial()
                      + ")",
              certificate.serial(),
              certificate.expires(),
              state);
        } else {
          table.row("", "", "", "", "", certificate.serial(), certificate.expires(), state);
        }
      }
      if (certificates.size() > SHOWN) {
        table.row(
            "", "", "", "", "", "+" + (certificates.size() - SHOWN) + " older (-o json)", "", "");
      }
    }

    private static String locked(IdentityObject identity) {
      if (identity.deleted() != null) {
        return "deleted " + identity.deleted();
      }
      return identity.locked() ? "yes (" + String.join(", ", identity.locks()) + ")" : "no";
    }
  }

  /** {@code warden identity revoke NAME}. */
  @Command(
      name = "revoke",
      description = {
        "Cut an identity off: creates the lock revoked-NAME on it. The broker refuses its calls at"
            + " once, closes its open watch streams and refuses to renew it.",
        "Undo with: warden lock delete revoked-NAME."
      })
  static final class Revoke extends ClientCommand {

    @Parameters(paramLabel = "NAME", description = "The identity to revoke.")
    String name;

    @Option(
        names = "--message",
        paramLabel = "TEXT",
        defaultValue = "revoked with warden identity revoke",
        description = "Why; shown to the identity in every refusal.")
    String message;

    @Override
    int run(BrokerClient client, PrintWriter out, boolean json) throws UserError {
      LockId id;
      try {
        Identifiers.requireSafe("identity name", name);
        id = LockId.of(revocationLockId(name));
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      LockResult result;
      try {
        result = client.createLock(new NewLock(id, new LockTarget.Identity(name), message, null));
      } catch (ProblemException.ConflictException e) {
        out.println("identity " + name + " is already revoked by lock " + id);
        out.flush();
        return 0;
      }
      if (json) {
        Output.printJson(out, result.lock());
        return 0;
      }
      out.println(
          (result.created() ? "revoked identity " : "identity already revoked: ")
              + name
              + " (lock "
              + id
              + "); its calls are refused and its watch streams closed. Undo with: warden lock"
              + " delete "
              + id);
      out.flush();
      return 0;
    }
  }

  /** {@code warden identity delete NAME}. */
  @Command(
      name = "delete",
      description =
          "Delete an identity: none of its certificates is accepted or renewed any more. A"
              + " certificate issued to the name later is a new identity.")
  static final class Delete extends ClientCommand {

    @Parameters(paramLabel = "NAME", description = "The identity to delete.")
    String name;

    @Override
    int run(BrokerClient client, PrintWriter out, boolean json) {
      client.deleteIdentity(name);
      out.println("deleted identity " + name);
      out.flush();
      return 0;
    }
  }
}
