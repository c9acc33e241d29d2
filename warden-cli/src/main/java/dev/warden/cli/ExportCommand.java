package dev.warden.cli;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.json.Json;
import dev.warden.api.v1.RequestObject;
import dev.warden.core.catalog.UserName;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code warden export}: write broker data as JSON Lines, for replay and for archives. */
@Command(
    name = "export",
    description = "Export broker data as JSON Lines.",
    subcommands = {ExportCommand.Requests.class})
final class ExportCommand {

  /**
   * {@code warden export requests [--since TIME|DURATION] [--user USER]}: every request created
   * since then, one JSON object a line, oldest first: the input {@code warden policy replay} reads.
   */
  @Command(
      name = "requests",
      description = {
        "Write the requests created since a time, oldest first, one JSON object a line.",
        "Exit 0 on success, 1 when the broker cannot be read, 2 on usage errors."
      })
  static final class Requests extends ClientCommand {

    @Option(
        names = "--since",
        paramLabel = "TIME",
        description =
            "An RFC 3339 time such as 2026-01-01T00:00:00Z, or a duration back from now such as"
                + " 7d or 12h (default: everything).")
    @Nullable String since;

    @Option(names = "--user", paramLabel = "USER", description = "Only this user's requests.")
    @Nullable String user;

    @Override
    int run(BrokerClient client, PrintWriter out, boolean json) throws UserError {
      Instant from = since == null ? Instant.MIN : start(since);
      UserName only = user == null ? null : userName(user);
      List<RequestObject> requests =
          client.listRequests(null, only).items().stream()
              .filter(r -> !r.created().isBefore(from))
              .sorted(Comparator.comparing(RequestObject::created).thenComparing(RequestObject::id))
              .toList();
      for (RequestObject request : requests) {
        out.println(new String(Json.write(request), StandardCharsets.UTF_8));
      }
      out.flush();
      return 0;
    }

    private static Instant start(String text) throws UserError {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException notATime) {
        try {
          return Instant.now().minus(Durations.parse(text));
        } catch (CommandLine.TypeConversionException e) {
          throw new UserError(
              "--since '" + text + "' is neither an RFC 3339 time nor a duration such as 7d");
        }
      }
    }

    private static UserName userName(String text) throws UserError {
      try {
        return UserName.of(text);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
    }
  }
}
