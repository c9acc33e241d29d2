package dev.warden.cli;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.RequestList;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.Review;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code warden request}: create, list, read and review access requests. */
@Command(
    name = "request",
    description = "Create, list, read and review access requests.",
    subcommands = {
      RequestCommand.Create.class,
      RequestCommand.ListRequests.class,
      RequestCommand.Get.class,
      RequestCommand.Approve.class,
      RequestCommand.Deny.class
    })
final class RequestCommand {

  @Command(name = "create", description = "Ask for access.")
  static final class Create extends ClientCommand {

    @Option(
        names = "--user",
        paramLabel = "USER",
        description = "For whom (admin only; default" + " the caller).")
    @Nullable String user;

    @Option(names = "--role", paramLabel = "ROLE", description = "A role; repeat for several.")
    List<String> roles = new ArrayList<>();

    @Option(
        names = "--resource",
        paramLabel = "ID",
        description = "A resource; repeat for" + " several.")
    List<String> resources = new ArrayList<>();

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why.")
    String reason;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        defaultValue = "4h",
        converter = Durations.class,
        description = "For how long, such as 4h (default) or 30m.")
    Duration ttl;

    @Option(names = "--wait", description = "Wait for the decision and print it.")
    boolean await;

    @Option(
        names = "--wait-timeout",
        paramLabel = "DURATION",
        defaultValue = "10s",
        converter = Durations.class,
        description = "How long --wait waits (default 10s).")
    Duration waitTimeout;

    @Override
    int run(BrokerClient client, PrintWriter out, boolean json)
        throws UserError, InterruptedException {
      if (roles.isEmpty() && resources.isEmpty()) {
        throw new UserError("name at least one --role or --resource");
      }
      RequestObject created;
      try {
        created =
            client.createRequest(
                new NewRequest(
                    user == null ? null : UserName.of(user),
                    roles.stream().map(RoleName::of).toList(),
                    resources.stream().map(ResourceId::of).toList(),
                    reason,
                    ttl));
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      RequestObject shown = await ? waitForDecision(client, created) : created;
      if (json) {
        Output.printJson(out, shown);
      } else {
        describe(out, shown);
      }
      if (await && shown.state() == RequestState.PENDING) {
        spec.commandLine()
            .getErr()
            .println(
                "warden: no decision within "
                    + waitTimeout
                    + "; the request is still pending (a rule may have left it to a person)");
        return 1;
      }
      return 0;
    }

    private RequestObject waitForDecision(BrokerClient client, RequestObject created)
        throws InterruptedException {
      long deadline = System.nanoTime() + waitTimeout.toNanos();
      RequestObject current = created;
      while (current.state() == RequestState.PENDING
          && current.reviews().isEmpty()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
        current = client.getRequest(created.id());
      }
      return current;
    }
  }

  @Command(name = "list", description = "List requests.")
  static final class ListRequests extends ClientCommand {

    @Option(
        names = "--state",
        paramLabel = "STATE",
        description = "PENDING, APPROVED, DENIED" + " or EXPIRED.")
    @Nullable RequestState state;

    @Option(names = "--user", paramLabel = "USER", description = "Only this user's.")
    @Nullable String user;

    @Override
    int run(BrokerClient client, PrintWriter out, boolean json) {
      RequestList list = client.listRequests(state, user == null ? null : UserName.of(user));
      if (json) {
        Output.printJson(out, list);
        return 0;
      }
      Table table = new Table("ID", "USER", "STATE", "ACCESS", "TTL", "CREATED", "REVIEWED BY");
      for (RequestObject request : list.items()) {
        table.row(
            request.id(),
            request.user(),
            stateText(request),
            accessText(request),
            request.ttl(),
            request.created(),
            request.reviews().isEmpty() ? null : request.reviews().get(0).author());
      }
      table.print(out);
      return 0;
    }
  }

  @Command(name = "get", description = "Show one request with its reviews.")
  static final class Get extends ClientCommand {

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(BrokerClient client, PrintWriter out, boolean json) {
      RequestObject request = client.getRequest(RequestId.of(id));
      if (json) {
        Output.printJson(out, request);
      } else {
        describe(out, request);
      }
      return 0;
    }
  }

  @Command(name = "approve", description = "Approve a pending request.")
  static final class Approve extends Reviewing {
    Approve() {
      super(ReviewDecision.APPROVE);
    }
  }

  @Command(name = "deny", description = "Deny a pending request.")
  static final class Deny extends Reviewing {
    Deny() {
      super(ReviewDecision.DENY);
    }
  }

  /** The shared body of approve and deny. */
  abstract static class Reviewing extends ClientCommand {

    private final ReviewDecision decision;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why.")
    String reason;

    Reviewing(ReviewDecision decision) {
      this.decision = decision;
    }

    @Override
    int run(BrokerClient client, PrintWriter out, boolean json) {
      RequestObject reviewed =
          client.review(RequestId.of(id), new NewReview(decision, reason, null));
      if (json) {
        Output.printJson(out, reviewed);
      } else {
        describe(out, reviewed);
      }
      return 0;
    }
  }

  static String stateText(RequestObject request) {
    if (request.state() == RequestState.APPROVED) {
      return request.locked()
          ? "APPROVED (locked)"
          : request.active() ? "APPROVED" : "APPROVED" + " (inactive)";
    }
    return request.state().name();
  }

  static String accessText(RequestObject request) {
    List<String> parts = new ArrayList<>();
    request.roles().forEach(r -> parts.add(r.value()));
    request.resources().forEach(r -> parts.add(r.value()));
    return String.join(",", parts);
  }

  static void describe(PrintWriter out, RequestObject request) {
    out.printf("request   %s%n", request.id());
    out.printf("user      %s%n", request.user());
    out.printf("state     %s%n", stateText(request));
    out.printf("access    %s for %s%n", accessText(request), request.ttl());
    out.printf("reason    %s%n", request.reason());
    out.printf("created   %s%n", request.created());
    if (request.approved() != null) {
      out.printf("approved  %s, expires %s%n", request.approved(), request.expires());
    }
    for (Review review : request.reviews()) {
      out.printf(
          "review    %s by %s at %s: %s%s%n",
          review.decision(),
          review.author(),
          review.time(),
          review.reason(),
          review.decisionId() == null ? "" : " (decision " + review.decisionId() + ")");
    }
    out.flush();
  }
}
