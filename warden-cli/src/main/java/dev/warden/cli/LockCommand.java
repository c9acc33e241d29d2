package dev.warden.cli;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.LockResult;
import dev.warden.api.v1.LockList;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.NewLock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code warden lock}: list, create and delete locks. */
@Command(
    name = "lock",
    description = "List, create and delete locks.",
    subcommands = {LockCommand.ListLocks.class, LockCommand.Create.class, LockCommand.Delete.class})
final class LockCommand {

  @Command(name = "list", description = "List locks.")
  static final class ListLocks extends ClientCommand {
    @Override
    int run(BrokerClient client, PrintWriter out, boolean json) {
      LockList list = client.listLocks();
      if (json) {
        Output.printJson(out, list);
        return 0;
      }
      Table table = new Table("ID", "TARGET", "IN FORCE", "EXPIRES", "MESSAGE");
      for (LockObject lock : list.items()) {
        table.row(
            lock.id(),
            lock.target().kind() + ":" + lock.target().value(),
            lock.inForce() ? "yes" : "no",
            lock.expires() == null ? "never" : lock.expires(),
            lock.message());
      }
      table.print(out);
      return 0;
    }
  }

  /** Exactly one target. */
  static final class Target {
    @Option(names = "--request", paramLabel = "ID", required = true)
    @Nullable String request;

    @Option(names = "--user", paramLabel = "USER", required = true)
    @Nullable String user;

    @Option(names = "--role", paramLabel = "ROLE", required = true)
    @Nullable String role;

    @Option(
        names = "--target-identity",
        paramLabel = "NAME",
        required = true,
        description = "Lock a client identity (a person or a bot) at the broker.")
    @Nullable String identity;

    LockTarget toTarget() {
      if (request != null) {
        return new LockTarget.Request(RequestId.of(request));
      }
      if (user != null) {
        return new LockTarget.User(UserName.of(user));
      }
      if (role != null) {
        return new LockTarget.Role(RoleName.of(role));
      }
      return new LockTarget.Identity(java.util.Objects.requireNonNull(identity));
    }
  }

  @Command(name = "create", description = "Create a lock on one request, user, role or identity.")
  static final class Create extends ClientCommand {

    @Option(
        names = "--id",
        paramLabel = "ID",
        description = "Your id for it (makes it" + " idempotent).")
    @Nullable String id;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--message", required = true, paramLabel = "TEXT", description = "Why.")
    String message;

    @Option(
        names = "--for",
        paramLabel = "DURATION",
        converter = Durations.class,
        description = "How long it lasts; without it, until deleted.")
    @Nullable Duration lasts;

    @Override
    int run(BrokerClient client, PrintWriter out, boolean json) throws UserError {
      NewLock lock;
      try {
        Instant expires = lasts == null ? null : Instant.now().plus(lasts);
        lock = new NewLock(id == null ? null : LockId.of(id), target.toTarget(), message, expires);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      LockResult result = client.createLock(lock);
      if (json) {
        Output.printJson(out, result.lock());
      } else {
        out.println((result.created() ? "created " : "already present ") + result.lock().id());
        out.flush();
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Remove a lock.")
  static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(BrokerClient client, PrintWriter out, boolean json) {
      client.deleteLock(LockId.of(id));
      out.println("deleted " + id);
      out.flush();
      return 0;
    }
  }
}
