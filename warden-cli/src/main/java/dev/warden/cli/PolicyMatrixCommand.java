package dev.warden.cli;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.User;
import dev.warden.core.catalog.UserName;
import dev.warden.core.matrix.MatrixBuilder;
import dev.warden.core.matrix.PolicyMatrix;
import dev.warden.core.policy.LoadedPolicy;
import dev.warden.core.yaml.InvalidFileException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code warden policy matrix POLICY --catalog CATALOG [--hold N] [-o md|csv|json|html]}.
 *
 * <p>Exit codes: 0 no cell ends with the user holding exclusive environments together or more than
 * a limit; 1 some cell does (each is listed), or a file could not be read; 2 usage error.
 */
@Command(
    name = "matrix",
    description = {
      "For every set of up to N grants a user may hold and every single role or resource they may"
          + " ask for next: the outcome and the locks that follow.",
      "Exit 0 when no cell ends with exclusive environments held together or above a limit, 1 when"
          + " one does, 2 on usage errors."
    })
final class PolicyMatrixCommand implements Callable<Integer> {

  /**
   * The time every cell is decided at. Fixed, so the same files always give the same matrix; the
   * held grants are placed just before it.
   */
  static final Instant AT = Instant.parse("2026-01-01T12:00:00Z");

  @Parameters(index = "0", paramLabel = "POLICY", description = "The policy file.")
  Path policyFile;

  @Option(
      names = "--catalog",
      required = true,
      paramLabel = "CATALOG",
      description = "The catalog whose roles and resources make the rows and columns.")
  Path catalogFile;

  @Option(
      names = "--hold",
      paramLabel = "N",
      defaultValue = "1",
      description = "The most grants a user holds before the request (default 1).")
  int hold;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "md",
      description = "md (default), csv, json or html.")
  String format;

  @Option(
      names = "--user",
      paramLabel = "USER",
      description =
          "A catalog user whose traits custom conditions see (default: a user with no traits).")
  @Nullable String user;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      MatrixFormat renderer = MatrixFormat.named(format);
      LoadedPolicy loaded = PolicyCommand.loadPolicy(policyFile);
      Catalog catalog = PolicyCommand.loadCatalog(catalogFile);
      User subject = subject(catalog);
      PolicyMatrix matrix = build(loaded, catalog, subject);

      renderer.write(
          out, new MatrixFormat.Context(loaded.policy(), catalogFile.toString(), subject), matrix);
      out.flush();
      err.println(MatrixFormat.verdict(matrix));
      return matrix.violations().isEmpty() ? 0 : 1;
    } catch (InvalidFileException e) {
      e.diagnostics().forEach(d -> err.println(d.format()));
      return 1;
    } catch (UserError e) {
      err.println("warden: " + e.getMessage());
      return 1;
    }
  }

  private PolicyMatrix build(LoadedPolicy loaded, Catalog catalog, User subject) throws UserError {
    try {
      return MatrixBuilder.build(loaded.policy(), catalog, hold, subject, AT);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  private User subject(Catalog catalog) throws UserError {
    if (user == null) {
      return User.unlisted(UserName.of("someone"));
    }
    UserName name;
    try {
      name = UserName.of(user);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    return catalog
        .user(name)
        .orElseThrow(() -> new UserError("the catalog " + catalogFile + " has no user " + user));
  }
}
