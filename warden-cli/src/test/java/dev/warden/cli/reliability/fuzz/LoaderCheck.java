package dev.warden.cli.reliability.fuzz;

import dev.warden.api.json.Json;
import dev.warden.api.v1.CatalogObject;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.access.UserState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.Role;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.User;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.PolicyEngine;
import dev.warden.core.matrix.MatrixBuilder;
import dev.warden.core.policy.LoadedPolicy;
import dev.warden.core.policy.Policy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.lint.PolicyLint;
import dev.warden.core.yaml.Diagnostic;
import dev.warden.core.yaml.InvalidFileException;
import dev.warden.core.yaml.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Feeds one file to the policy loader or the catalog loader and checks what their documentation
 * promises: a rejected file is rejected with diagnostics that each carry the file, a line and a
 * column inside the file, a kebab-case code and a message; nothing else is ever thrown; a file that
 * loads can be used, so the engine, the lint, the matrix and the wire form never fail on it later;
 * and a load finishes within {@link #LIMIT}.
 */
final class LoaderCheck implements AutoCloseable {

  /** The name the inputs are loaded under; every diagnostic must carry it. */
  static final String SOURCE = "fuzz.yaml";

  /** How long one load, with the uses that follow it, may take before it counts as a hang. */
  static final Duration LIMIT = Duration.ofSeconds(10);

  private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  /** What became of one input; {@code violation} is null when every promise was kept. */
  record Result(boolean accepted, @Nullable String violation, String kind) {
    static Result ok(boolean accepted) {
      return new Result(accepted, null, "");
    }

    static Result broken(String kind, String violation) {
      return new Result(false, violation, kind);
    }
  }

  private ExecutorService worker = newWorker();
  private final Catalog catalog;
  private final Policy policy;

  /**
   * @param catalogText the catalog a loaded policy is used with
   * @param policyText the policy a loaded catalog is used with
   */
  LoaderCheck(String catalogText, String policyText) throws InvalidFileException {
    this.catalog = CatalogLoader.load("catalog.yaml", catalogText);
    this.policy = PolicyLoader.load("policy.yaml", policyText);
  }

  /** Loads {@code bytes} as a policy file and uses what loads. */
  Result policy(byte[] bytes) {
    return bounded(
        () -> {
          LoadedPolicy loaded;
          try {
            loaded = PolicyLoader.loadWithPositions(SOURCE, bytes);
          } catch (InvalidFileException e) {
            return rejected(e, bytes);
          }
          return used(() -> usePolicy(loaded));
        });
  }

  /** Loads {@code bytes} as a catalog file and uses what loads. */
  Result catalog(byte[] bytes) {
    return bounded(
        () -> {
          Catalog loaded;
          try {
            loaded = CatalogLoader.load(SOURCE, bytes);
          } catch (InvalidFileException e) {
            return rejected(e, bytes);
          }
          return used(() -> useCatalog(loaded));
        });
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }

  private Result bounded(java.util.concurrent.Callable<Result> load) {
    Future<Result> result = worker.submit(load);
    try {
      return result.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // The stuck thread is abandoned (it is a daemon); the next load gets a fresh one.
      result.cancel(true);
      worker.shutdownNow();
      worker = newWorker();
      return Result.broken("hang", "the load did not finish within " + LIMIT);
    } catch (ExecutionException e) {
      return Result.broken("uncaught", "the loader threw " + trace(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * A thread with the default stack size, as the broker's, the watcher's and the CLI's threads
   * have: deeply nested input must not overflow it.
   */
  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread thread = new Thread(r, "fuzz-loader");
          thread.setDaemon(true);
          return thread;
        });
  }

  private static Result used(Runnable use) {
    try {
      use.run();
      return Result.ok(true);
    } catch (RuntimeException | StackOverflowError e) {
      return Result.broken(
          "accepted-then-failed", "the file loaded, then using it threw " + trace(e));
    }
  }

  /** Checks the promises of a rejection; the text is that of the input, for positions. */
  static Result rejected(InvalidFileException e, byte[] bytes) {
    String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    int lines = (int) text.chars().filter(c -> c == '\n').count() + 1;
    List<String> wrong = new ArrayList<>();
    boolean anError = false;
    for (Diagnostic d : e.diagnostics()) {
      anError |= d.severity() == Severity.ERROR;
      if (!d.source().equals(SOURCE)) {
        wrong.add("names the file '" + d.source() + "': " + d.format());
      }
      if (d.line() < 1 || d.column() < 1 || d.line() > lines + 1) {
        wrong.add("is positioned outside the file's " + lines + " lines: " + d.format());
      }
      if (!CODE.matcher(d.code()).matches()) {
        wrong.add("has no kebab-case code: " + d.format());
      }
      if (d.message().isBlank()) {
        wrong.add("has no message: " + d.format());
      }
    }
    if (!anError) {
      wrong.add("the file was rejected without an error, only " + e.diagnostics());
    }
    return wrong.isEmpty()
        ? Result.ok(false)
        : Result.broken("unpositioned", "a diagnostic " + String.join("; a diagnostic ", wrong));
  }

  private void usePolicy(LoadedPolicy loaded) {
    PolicyLint.check(loaded, catalog);
    PolicyLint.check(loaded, null);
    PolicyLoader.checkAgainstCatalog(loaded, catalog);
    PolicyEngine engine = new PolicyEngine(loaded.policy());
    for (UserState state : states(catalog)) {
      requireExplained(engine.decide(state, state.requests().getFirst().id(), NOW));
      requireExplained(engine.decide(state, NOW));
    }
    User someone = catalog.users().iterator().next();
    MatrixBuilder.build(loaded.policy(), catalog, 1, someone, NOW);
  }

  private void useCatalog(Catalog loaded) {
    CatalogObject wire = CatalogObject.of(loaded);
    CatalogObject read;
    try {
      read = Json.readAnswer(Json.write(wire), CatalogObject.class);
    } catch (dev.warden.api.json.JsonInputException e) {
      throw new IllegalStateException(
          "the watcher cannot read the catalog the broker serves: " + e);
    }
    if (!read.equals(wire)) {
      throw new IllegalStateException(
          "the catalog changed on the wire: " + wire + " became " + read);
    }
    read.toCatalog();
    PolicyEngine engine = new PolicyEngine(policy);
    for (UserState state : states(loaded)) {
      requireExplained(engine.decide(state, state.requests().getFirst().id(), NOW));
    }
    if (loaded.roles().size() + loaded.resources().size() <= 40) {
      MatrixBuilder.build(policy, loaded, 1, loaded.userOrUnlisted(UserName.of("alice")), NOW);
    }
  }

  private static void requireExplained(Decision decision) {
    if (decision.explanation().isBlank()) {
      throw new IllegalStateException("a decision without an explanation: " + decision);
    }
  }

  /**
   * A few users' states over {@code catalog}: a pending request for its first roles and resources,
   * beside an approved one for the last, with and without a lock on the user.
   */
  private static List<UserState> states(Catalog catalog) {
    List<RoleName> roles = catalog.roles().stream().map(Role::name).toList();
    List<ResourceId> resources =
        catalog.resources().stream().map(dev.warden.core.catalog.Resource::id).toList();
    List<UserState> states = new ArrayList<>();
    List<User> users = new ArrayList<>(catalog.users());
    users.add(catalog.userOrUnlisted(UserName.of("nobody-listed")));
    for (User user : users.subList(Math.max(0, users.size() - 3), users.size())) {
      AccessRequest pending =
          request("r-pending", user, first(roles, 3), first(resources, 3), null);
      AccessRequest approved =
          request("r-approved", user, last(roles), last(resources), NOW.minusSeconds(600));
      Lock lock =
          new Lock(
              dev.warden.core.access.LockId.of("fuzz-lock"),
              new dev.warden.core.access.LockTarget.User(user.name()),
              "fuzz",
              null);
      states.add(new UserState(user, List.of(pending, approved), List.of(), catalog));
      states.add(new UserState(user, List.of(pending), List.of(lock), catalog));
    }
    return states;
  }

  private static AccessRequest request(
      String id,
      User user,
      List<RoleName> roles,
      List<ResourceId> resources,
      @Nullable Instant approved) {
    return new AccessRequest(
        RequestId.of(id),
        user.name(),
        roles,
        resources,
        "fuzzing the loaders",
        Duration.ofHours(1),
        approved == null ? RequestState.PENDING : RequestState.APPROVED,
        NOW.minusSeconds(900),
        approved,
        approved == null ? null : approved.plus(Duration.ofHours(1)));
  }

  private static <T> List<T> first(List<T> items, int count) {
    return items.subList(0, Math.min(count, items.size()));
  }

  private static <T> List<T> last(List<T> items) {
    return items.isEmpty() ? List.of() : List.of(items.getLast());
  }

  /** The throwable and the top of its stack, enough to find where it came from. */
  static String trace(Throwable e) {
    StringBuilder text = new StringBuilder(e.toString());
    StackTraceElement[] stack = e.getStackTrace();
    for (int i = 0; i < Math.min(8, stack.length); i++) {
      text.append("\n        at ").append(stack[i]);
    }
    return text.toString();
  }
}
