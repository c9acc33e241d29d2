package dev.warden.cli;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.policy.LoadedPolicy;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.Rule;
import dev.warden.core.policy.lint.Finding;
import dev.warden.core.policy.lint.PolicyLint;
import dev.warden.core.yaml.Diagnostic;
import dev.warden.core.yaml.InvalidFileException;
import dev.warden.core.yaml.Severity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code warden policy}: work with policy files before they govern access. */
@Command(
    name = "policy",
    description = "Check, test and explore policy files before they govern access.",
    subcommands = {
      PolicyCommand.Check.class,
      PolicyTestCommand.class,
      PolicyMatrixCommand.class,
      PolicyReplayCommand.class
    })
final class PolicyCommand {

  /**
   * {@code warden policy check POLICY [--catalog CATALOG]}.
   *
   * <p>Exit codes: 0 the policy is valid and lint found nothing; 1 it has errors (each printed as
   * {@code file:line:column}); 2 usage error; 3 it is valid but lint found warnings.
   */
  @Command(
      name = "check",
      description = {
        "Validate a policy, lint it (with --catalog, also against that catalog) and print the"
            + " rules it understood, one a line.",
        "Exit 0 when clean, 1 on errors, 2 on usage errors, 3 on warnings only."
      })
  static final class Check implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "POLICY", description = "The policy file.")
    Path policyFile;

    @Option(
        names = "--catalog",
        paramLabel = "CATALOG",
        description = "A catalog file to check the policy against.")
    @Nullable Path catalogFile;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        LoadedPolicy loaded = loadPolicy(policyFile);
        Catalog catalog = catalogFile == null ? null : loadCatalog(catalogFile);
        List<Finding> findings = PolicyLint.check(loaded, catalog);

        findings.forEach(f -> err.println(f.diagnostic(loaded.source()).format()));
        boolean errors = findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
        if (!errors) {
          print(out, loaded.policy());
        }
        if (!findings.isEmpty()) {
          err.println(count(findings));
        }
        return errors ? 1 : findings.isEmpty() ? 0 : 3;
      } catch (InvalidFileException e) {
        e.diagnostics().forEach(d -> err.println(d.format()));
        err.println(countDiagnostics(e.diagnostics()));
        return 1;
      } catch (UserError e) {
        err.println("warden: " + e.getMessage());
        return 1;
      }
    }

    private static String count(List<Finding> findings) {
      long errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
      long warnings = findings.size() - errors;
      return plural(errors, "error") + ", " + plural(warnings, "warning");
    }

    private static String countDiagnostics(List<Diagnostic> diagnostics) {
      return plural(
          diagnostics.stream().filter(d -> d.severity() == Severity.ERROR).count(), "error");
    }

    private void print(PrintWriter out, Policy policy) {
      out.printf(
          "policy %s is valid: mode %s, default %s, %d rules, sha256 %s%n",
          policy.name(),
          policy.mode().wireName(),
          policy.defaultOutcome().name().toLowerCase(java.util.Locale.ROOT),
          policy.rules().size(),
          policy.sha256());
      for (Rule rule : policy.rules()) {
        out.println(RuleText.describe(rule));
      }
    }
  }

  static String plural(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }

  static LoadedPolicy loadPolicy(Path file) throws UserError, InvalidFileException {
    return PolicyLoader.loadWithPositions(file.toString(), Files.readBytes(file));
  }

  static Catalog loadCatalog(Path file) throws UserError, InvalidFileException {
    return CatalogLoader.load(file.toString(), Files.readBytes(file));
  }
}
