package dev.warden.cli.bench;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerException;
import dev.warden.api.json.Json;
import dev.warden.cli.Durations;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.yaml.InvalidFileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code warden bench}: measures end-to-end decisions under load and checks each one against {@code
 * decide}.
 *
 * <p>Exit codes: 0 when the runs completed and every decision matched the prediction; 1 when a run
 * could not be carried out or a decision differed; 2 usage error.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Start a broker and a watcher as separate processes on a generated catalog, drive simulated"
          + " users at a fixed rate, and report decisions/s, end-to-end latency (created to review"
          + " visible), CPU and peak memory of both processes, and every decision that differs"
          + " from what the policy engine predicts.",
      "Runs bind 127.0.0.1 only and keep their files in a temporary directory."
    })
public final class BenchCommand implements Callable<Integer> {

  @Option(
      names = "--users",
      defaultValue = "1000",
      description = "Simulated users (default ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--rate",
      defaultValue = "200",
      description = "Requests per second offered, whatever the answers (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      converter = Durations.class,
      description = "How long to send (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--warmup",
      defaultValue = "20s",
      converter = WarmupDuration.class,
      description =
          "Before each measured load, other users send requests at 100/s for this long, not"
              + " measured, so that the processes' JIT compilers are done (default"
              + " ${DEFAULT-VALUE}; 0s for none).")
  Duration warmup;

  @Option(
      names = "--mode",
      defaultValue = "watch",
      description = "How the watcher follows the broker: watch (default) or poll.")
  String mode;

  @Option(
      names = "--poll-interval",
      defaultValue = "1s",
      converter = Durations.class,
      description = "The poll interval with --mode poll (default ${DEFAULT-VALUE}).")
  Duration pollInterval;

  @Option(
      names = "--store",
      paramLabel = "sqlite|URL",
      description = "sqlite (default) or a postgresql:// URL; runs leave their rows there.")
  @Nullable String store;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "md",
      paramLabel = "FORMAT",
      description = "md (default) or json.")
  String output;

  @Option(
      names = "--compare",
      description = "Run watch, poll 1 s and poll 30 s back to back and compare them.")
  boolean compare;

  @Option(
      names = "--broker",
      paramLabel = "URL",
      description =
          "Load a running broker (and its watcher) instead of starting them; needs --identity"
              + " (an admin) and --policy (what the watcher enforces).")
  @Nullable URI broker;

  @Option(
      names = "--identity",
      paramLabel = "DIR",
      description = "With --broker: the admin identity to create requests with.")
  @Nullable Path identity;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "The policy (default the shipped examples/policy.yaml).")
  @Nullable Path policy;

  @Option(
      names = "--samples",
      paramLabel = "FILE",
      description =
          "Also write every measured decision to FILE as CSV: its run, request, when the request"
              + " that caused it was created, when the watcher logged its intent, when the broker"
              + " took its review, when the bench saw the review, and the latency.")
  @Nullable Path samples;

  @Option(
      names = "--keep",
      description = "Keep each run's directory (logs, decision log, data) and print where.")
  boolean keep;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BenchSettings settings = settings();
    boolean json = json();
    PrintWriter err = spec.commandLine().getErr();
    BenchPolicy given;
    try {
      given = readPolicy(settings.policy());
    } catch (InvalidFileException e) {
      e.diagnostics().forEach(d -> err.println(d.format()));
      return 1;
    }

    List<RunResult> results;
    try {
      if (settings.samples() != null) {
        Samples.create(settings.samples());
      }
      results =
          settings.external()
              ? runExternal(settings, given, err)
              : runStarted(settings, given, err);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    } catch (IllegalStateException | BrokerException | IOException e) {
      err.println("warden bench: " + e.getMessage());
      return 1;
    }
    print(results, json);
    return results.stream().allMatch(r -> r.mismatches() == 0) ? 0 : 1;
  }

  private List<RunResult> runStarted(BenchSettings settings, BenchPolicy given, PrintWriter err)
      throws InvalidFileException, IOException, InterruptedException {
    BenchRun runner = new BenchRun(settings, err);
    List<BenchRun.Prepared> prepared = new ArrayList<>();
    for (RunMode runMode : settings.modes()) {
      prepared.add(runner.prepare(runMode, given));
    }
    List<RunResult> results = new ArrayList<>();
    for (BenchRun.Prepared run : prepared) {
      results.add(runner.run(run, keep));
    }
    return results;
  }

  private List<RunResult> runExternal(BenchSettings settings, BenchPolicy given, PrintWriter err)
      throws InvalidFileException, InterruptedException {
    BrokerClient client;
    try {
      client = BrokerClient.connect(settings.broker(), settings.identity());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    Catalog catalog = client.catalog().toCatalog();
    BenchRun runner = new BenchRun(settings, err);
    BenchRun.Prepared prepared = runner.prepareExternal(settings.modes().get(0), given, catalog);
    return List.of(runner.runExternal(prepared, client));
  }

  private BenchSettings settings() {
    try {
      if (compare
          && (broker != null || spec.commandLine().getParseResult().hasMatchedOption("--mode"))) {
        throw new IllegalArgumentException(
            "--compare chooses the modes itself and starts its own processes; drop --mode and"
                + " --broker");
      }
      return new BenchSettings(
          users,
          rate,
          duration,
          warmup,
          modes(),
          BenchSettings.parseStore(store),
          broker,
          identity,
          policy != null ? policy : shippedPolicy(),
          samples);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private List<RunMode> modes() {
    if (compare) {
      return List.of(
          RunMode.watch(),
          RunMode.poll(Duration.ofSeconds(1)),
          RunMode.poll(Duration.ofSeconds(30)));
    }
    return switch (mode) {
      case "watch" -> List.of(RunMode.watch());
      case "poll" -> List.of(RunMode.poll(pollInterval));
      default ->
          throw new IllegalArgumentException("--mode must be watch or poll, not '" + mode + "'");
    };
  }

  private boolean json() {
    return switch (output) {
      case "md" -> false;
      case "json" -> true;
      default ->
          throw new CommandLine.ParameterException(
              spec.commandLine(), "-o must be md or json, not '" + output + "'");
    };
  }

  private static BenchPolicy readPolicy(Path file) throws InvalidFileException, IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("the policy file " + file + " does not exist");
    }
    return BenchPolicy.of(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  private static Path shippedPolicy() {
    String home = System.getenv("WARDEN_HOME");
    Path base = home == null || home.isBlank() ? Path.of("examples") : Path.of(home, "examples");
    return base.resolve("policy.yaml");
  }

  /** Like {@link Durations}, but zero is allowed: it turns the warm-up off. */
  static final class WarmupDuration implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return value.equals("0") || value.equals("0s") ? Duration.ZERO : Durations.parse(value);
    }
  }

  private void print(List<RunResult> results, boolean json) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Object value;
      if (results.size() == 1) {
        value = results.get(0).json();
      } else {
        Map<String, Object> byMode = new LinkedHashMap<>();
        results.forEach(r -> byMode.put(r.mode(), r.json()));
        value = byMode;
      }
      out.println(new String(Json.write(value), StandardCharsets.UTF_8));
    } else {
      out.print(results.size() == 1 ? Report.markdown(results.get(0)) : Report.markdown(results));
    }
    out.flush();
  }
}
