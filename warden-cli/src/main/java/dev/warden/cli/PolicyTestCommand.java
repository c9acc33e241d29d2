package dev.warden.cli;

import dev.warden.core.cases.CaseFile;
import dev.warden.core.cases.CaseFileLoader;
import dev.warden.core.cases.CaseResult;
import dev.warden.core.cases.CaseRunner;
import dev.warden.core.cases.CatalogReader;
import dev.warden.core.cases.PolicyCase;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.policy.LoadedPolicy;
import dev.warden.core.yaml.Diagnostic;
import dev.warden.core.yaml.InvalidFileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code warden policy test POLICY CASES… [--junit FILE]}: runs test cases against a policy.
 *
 * <p>Exit codes: 0 every case passed; 1 a case failed, or a file could not be read or has errors; 2
 * usage error.
 */
@Command(
    name = "test",
    description = {
      "Run policy test cases (YAML files, or directories of them) against a policy.",
      "Prints one line per failing case, then 'N passed, M failed'.",
      "Exit 0 when every case passes, 1 otherwise, 2 on usage errors."
    })
final class PolicyTestCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "POLICY", description = "The policy file.")
  Path policyFile;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "CASES",
      description = "Test files, or directories searched for *.yaml and *.yml files.")
  List<Path> cases;

  @Option(names = "--junit", paramLabel = "FILE", description = "Also write JUnit XML here.")
  @Nullable Path junit;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      LoadedPolicy loaded = PolicyCommand.loadPolicy(policyFile);
      PolicyEngine engine = new PolicyEngine(loaded.policy());
      List<JUnitReport.FileResult> files = new ArrayList<>();
      for (Path file : caseFiles()) {
        files.add(runFile(engine, file, out, err));
      }

      long passed = count(files, true);
      long failed = count(files, false);
      long invalid = files.stream().filter(f -> !f.error().isEmpty()).count();
      out.println(passed + " passed, " + failed + " failed");
      if (invalid > 0) {
        err.println(PolicyCommand.plural(invalid, "test file") + " could not be run");
      }
      if (junit != null) {
        JUnitReport.write(junit, files);
      }
      return failed == 0 && invalid == 0 ? 0 : 1;
    } catch (InvalidFileException e) {
      e.diagnostics().forEach(d -> err.println(d.format()));
      return 1;
    } catch (UserError e) {
      err.println("warden: " + e.getMessage());
      return 1;
    }
  }

  private JUnitReport.FileResult runFile(
      PolicyEngine engine, Path file, PrintWriter out, PrintWriter err) throws UserError {
    CaseFile parsed;
    try {
      parsed = CaseFileLoader.load(file.toString(), Files.readText(file), catalogsNear(file));
    } catch (InvalidFileException e) {
      e.diagnostics().forEach(d -> err.println(d.format()));
      return JUnitReport.FileResult.invalid(
          file.toString(),
          e.diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
    }

    List<CaseResult> results = new ArrayList<>();
    for (PolicyCase testCase : parsed.cases()) {
      CaseResult result = CaseRunner.run(engine, parsed.catalog(), testCase);
      results.add(result);
      if (!result.passed()) {
        out.printf(
            "FAIL %s:%d: %s: %s%n",
            file, testCase.at().line(), testCase.name(), result.comparison());
      }
    }
    return JUnitReport.FileResult.ran(file.toString(), results);
  }

  /** Reads catalog files named relative to the test file that names them. */
  private static CatalogReader catalogsNear(Path file) {
    return path -> {
      Path parent = file.toAbsolutePath().getParent();
      Path catalog = parent == null ? Path.of(path) : parent.resolve(path).normalize();
      try {
        return readCatalog(catalog);
      } catch (UserError e) {
        throw new CatalogReader.UnreadableException(e.getMessage());
      }
    };
  }

  private static Catalog readCatalog(Path catalog) throws UserError, InvalidFileException {
    return PolicyCommand.loadCatalog(catalog);
  }

  private List<Path> caseFiles() throws UserError {
    List<Path> files = new ArrayList<>();
    for (Path path : cases) {
      if (java.nio.file.Files.isDirectory(path)) {
        files.addAll(yamlFilesUnder(path));
      } else if (java.nio.file.Files.isRegularFile(path)) {
        files.add(path);
      } else {
        throw new UserError(path + ": no such file or directory");
      }
    }
    return files;
  }

  private static List<Path> yamlFilesUnder(Path directory) throws UserError {
    try (Stream<Path> walk = java.nio.file.Files.walk(directory)) {
      List<Path> found =
          walk.filter(java.nio.file.Files::isRegularFile)
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
      if (found.isEmpty()) {
        throw new UserError(directory + ": holds no *.yaml or *.yml test file");
      }
      return found;
    } catch (IOException e) {
      throw new UserError(directory + ": cannot be searched: " + e.getMessage());
    }
  }

  private static long count(List<JUnitReport.FileResult> files, boolean passed) {
    return files.stream()
        .flatMap(f -> f.results().stream())
        .filter(r -> r.passed() == passed)
        .count();
  }
}
