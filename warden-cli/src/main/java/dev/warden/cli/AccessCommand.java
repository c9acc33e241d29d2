package dev.warden.cli;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.v1.AccessView;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.RequestObject;
import dev.warden.core.catalog.UserName;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code warden access USER}: what a user holds right now, and the locks on them. */
@Command(name = "access", description = "Show a user's active access and the locks in force.")
final class AccessCommand extends ClientCommand {

  @Parameters(paramLabel = "USER")
  String user;

  @Override
  int run(BrokerClient client, PrintWriter out, boolean json) {
    AccessView view = client.access(UserName.of(user));
    if (json) {
      Output.printJson(out, view);
      return 0;
    }
    out.println("active access of " + view.user() + ":");
    Table grants = new Table("  REQUEST", "ACCESS", "EXPIRES");
    for (RequestObject request : view.active()) {
      grants.row("  " + request.id(), RequestCommand.accessText(request), request.expires());
    }
    grants.print(out);
    out.println("locks in force:");
    Table locks = new Table("  ID", "TARGET", "EXPIRES", "MESSAGE");
    for (LockObject lock : view.locks()) {
      locks.row(
          "  " + lock.id(),
          lock.target().kind() + ":" + lock.target().value(),
          lock.expires() == null ? "never" : lock.expires(),
          lock.message());
    }
    locks.print(out);
    return 0;
  }
}
