package dev.warden.cli;

import dev.warden.broker.auth.BuiltInRole;
import dev.warden.broker.ca.CertificateAuthority;
import dev.warden.broker.ca.IssuedIdentity;
import dev.warden.core.Identifiers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code warden identity}: client identities signed by the broker's CA. */
@Command(
    name = "identity",
    mixinStandardHelpOptions = true,
    description = "Manage client identities of the broker.",
    subcommands = {IdentityCommand.Issue.class})
public final class IdentityCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: issue");
  }

  /** {@code warden identity issue NAME --role ROLE}. */
  @Command(
      name = "issue",
      mixinStandardHelpOptions = true,
      description = {
        "Issue a client certificate signed by the broker's CA (created if DIR/ca/ is empty).",
        "Writes OUTDIR/tls.crt, OUTDIR/tls.key (mode 0600) and OUTDIR/ca.crt."
      })
  static final class Issue implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The identity's name.")
    String name;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "admin, watcher, requester or reviewer; repeat for several.")
    List<String> roles;

    @Option(
        names = "--ttl",
        defaultValue = "24h",
        paramLabel = "DURATION",
        description = "How long the certificate is valid (default: ${DEFAULT-VALUE}).")
    String ttl;

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
      if (!Identifiers.isSafe(name)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "NAME '" + name + "' must be letters, digits and . _ : / @ -");
      }
      for (String role : roles) {
        if (BuiltInRole.parse(role).isEmpty()) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "--role '" + role + "' is not a built-in role; use one of " + BuiltInRole.names());
        }
      }
      Duration lifetime = DurationText.parse(spec, "--ttl", ttl);
      Instant now = Instant.now();

      CertificateAuthority ca;
      try {
        ca = CertificateAuthority.openOrCreate(data.resolve("ca"), now);
      } catch (IllegalStateException e) {
        spec.commandLine().getErr().println("warden: " + e.getMessage());
        return 1;
      }
      IssuedIdentity identity = ca.issueIdentity(name, roles, lifetime, now);
      identity.writeTo(out);

      spec.commandLine()
          .getOut()
          .printf(
              "issued identity %s roles=%s serial=%s expires=%s into %s%n",
              name,
              String.join(",", roles),
              identity.certificate().getSerialNumber().toString(16),
              identity.certificate().getNotAfter().toInstant(),
              out);
      return 0;
    }
  }
}
