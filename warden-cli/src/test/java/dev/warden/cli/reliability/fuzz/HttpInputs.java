package dev.warden.cli.reliability.fuzz;

import dev.warden.broker.ca.SigningRequests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Makes the requests the broker fuzzer sends. Most start from a valid call of docs/api.md (a new
 * request, a review, a lock, a renewal, each read and list) sent by an identity allowed to make it,
 * then have their body, path, query, method, headers or identity mutated; the rest are random paths
 * over the API's words and random bytes as bodies.
 *
 * <p>Only request targets that are URIs are made: the JDK's HTTP server refuses other request lines
 * itself, with a plain 400, before any of the broker's code runs.
 */
final class HttpInputs {

  /** One valid call: who may make it, and how. */
  private record Call(String identity, String method, String target, String body) {}

  private static final List<String> METHODS =
      List.of("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "TRACE", "FUZZ");

  /** Words of the API's paths, and path segments that often confuse routers. */
  private static final List<String> SEGMENTS =
      List.of(
          "v1",
          "v2",
          "requests",
          "reviews",
          "locks",
          "access",
          "catalog",
          "watch",
          "events",
          "whoami",
          "identity",
          "renew",
          "identities",
          "healthz",
          "readyz",
          "alice",
          "bob",
          "fuzz-nobody",
          "warden-fuzz",
          "r-nrapeowphxc6722kf3lg",
          ".",
          "..",
          "%2e%2e",
          "%2F",
          "%00",
          "%ff",
          "%c0%af",
          "%e2%82",
          "%20",
          "+",
          "a+b",
          "%2B",
          ";x=1",
          "~",
          "@",
          "a:b",
          "*",
          "x".repeat(300));

  private static final List<String> PARAMETERS =
      List.of("resourceVersion", "since", "state", "user", "limit", "colour", "", "%00", "since[]");

  private static final List<String> PARAMETER_VALUES =
      List.of(
          "",
          "0",
          "-1",
          "1",
          "007",
          "1e3",
          "0x10",
          "9223372036854775807",
          "9223372036854775808",
          "99999999999999999999",
          "abc",
          "%00",
          "%ff",
          "+1",
          " 1",
          "%201",
          "PENDING",
          "APPROVED",
          "LIMBO",
          "pending",
          "alice",
          "bob",
          "fuzz-nobody",
          "al%20ice",
          "%e2%82%ac",
          "x".repeat(2000));

  private static final List<String> CONTENT_TYPES =
      List.of(
          "text/plain",
          "application/json; charset=ISO-8859-1",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/json, text/html",
          "application/problem+json",
          "",
          "*/*");

  private static final Arbitrary<byte[]> RANDOM_BODY =
      Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);

  private final FuzzRun run;
  private final List<String> requestIds;
  private final List<Supplier<Call>> calls;

  /**
   * @param requestIds ids of requests that exist, read as the fuzzer goes
   * @param csr a valid signing request, for renewal bodies to start from
   */
  HttpInputs(FuzzRun run, List<String> requestIds, String csr) {
    this.run = run;
    this.requestIds = requestIds;
    String csrJson = jsonString(csr);
    this.calls =
        List.of(
            () ->
                call(
                    "alice",
                    "POST",
                    "/v1/requests",
                    "{\"roles\":[\"prod-db\"],\"resources\":[\"node/prod-web-1\"],"
                        + "\"reason\":\"INC-42 debugging\",\"ttl\":\"PT4H\"}"),
            () ->
                call(
                    "admin",
                    "POST",
                    "/v1/requests",
                    "{\"user\":\"bob\",\"roles\":[\"research-gpu\",\"dev-db\"],"
                        + "\"resources\":[],\"reason\":\"on behalf of bob\"}"),
            () ->
                call(
                    run.pick(List.of("watcher", "reviewer", "admin")),
                    "POST",
                    "/v1/requests/" + requestId() + "/reviews",
                    "{\"decision\":\"APPROVE\",\"reason\":\"complies with every rule\","
                        + "\"decisionId\":\"78296c0b-1a71-4557-a28f-42994419256c\"}"),
            () ->
                call(
                    run.pick(List.of("watcher", "admin")),
                    "POST",
                    "/v1/locks",
                    "{\"id\":\"warden-fuzz-"
                        + run.random().nextInt(50)
                        + "\",\"target\":"
                        + lockTarget()
                        + ",\"message\":\"fuzzing\",\"expires\":\"2030-01-01T00:00:00Z\"}"),
            () -> call("renewer", "POST", "/v1/identity/renew", "{\"csr\":" + csrJson + "}"),
            () ->
                call("watcher", "GET", "/v1/watch?resourceVersion=" + run.random().nextInt(40), ""),
            () -> call("admin", "GET", "/v1/events?since=" + run.random().nextInt(40), ""),
            () -> call(anyone(), "GET", "/v1/requests?state=PENDING&user=alice", ""),
            () -> call(anyone(), "GET", "/v1/requests/" + requestId(), ""),
            () ->
                call(
                    anyone(),
                    "GET",
                    run.pick(List.of("/v1/locks", "/v1/catalog", "/v1/whoami")),
                    ""),
            () -> call(anyone(), "GET", "/v1/locks/warden-fuzz-" + run.random().nextInt(50), ""),
            () -> call("admin", "DELETE", "/v1/locks/warden-fuzz-" + run.random().nextInt(50), ""),
            () -> call(anyone(), "GET", "/v1/access/" + run.pick(List.of("alice", "bob")), ""),
            () -> call("admin", "GET", "/v1/identities", ""),
            () -> call("admin", "GET", "/v1/identities/fuzz-nobody", ""),
            () -> call(anyone(), "GET", run.pick(List.of("/healthz", "/readyz")), ""));
  }

  /** A valid signing request for a new key of {@code name}. */
  static String signingRequest(String name) {
    return SigningRequests.create(SigningRequests.newKeyPair(), name);
  }

  /** The next input. */
  HttpInput next() {
    int kind = run.random().nextInt(20);
    if (kind < 2) {
      return randomPath();
    }
    Call call = run.pick(calls).get();
    if (kind < 4) {
      return withBody(call, run.draw(RANDOM_BODY));
    }
    if (kind < 5) {
      return withBody(call, huge());
    }
    byte[] body =
        call.body().isEmpty()
            ? new byte[0]
            : run.chance(0.85)
                ? JsonMutator.mutate(run, call.body())
                : call.body().getBytes(StandardCharsets.UTF_8);
    HttpInput input = withBody(call, body);
    if (run.chance(0.3)) {
      input = mutateTarget(input);
    }
    return input;
  }

  private HttpInput withBody(Call call, byte[] body) {
    String method = run.chance(0.05) ? run.pick(METHODS) : call.method();
    List<String> headers = new ArrayList<>();
    if (!run.chance(0.1)) {
      headers.add(
          "Content-Type: " + (run.chance(0.9) ? "application/json" : run.pick(CONTENT_TYPES)));
    }
    if (run.chance(0.05)) {
      headers.add("Accept: " + run.pick(CONTENT_TYPES));
    }
    String identity = run.chance(0.05) ? run.pick(identities()) : call.identity();
    return new HttpInput(identity, method, call.target(), headers, body, run.chance(0.1));
  }

  /** Bodies at, just past and far past the 64 KiB limit, some past what the broker drains. */
  private byte[] huge() {
    // Past the 4 MiB the broker drains it may cut the connection while the body is being sent,
    // and the answer is then lost by design; such bodies are kept rare so that most are judged.
    int size = run.chance(0.05) ? 5 << 20 : run.pick(List.of(65_536, 65_537, 70_000, 1 << 20));
    byte[] body = new byte[size];
    java.util.Arrays.fill(body, (byte) 'x');
    byte[] head = "{\"reason\":\"".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, body, 0, head.length);
    return body;
  }

  private HttpInput randomPath() {
    StringBuilder path = new StringBuilder();
    int segments = run.random().nextInt(5);
    for (int i = 0; i < segments; i++) {
      path.append('/').append(run.pick(SEGMENTS));
    }
    if (path.isEmpty() || run.chance(0.1)) {
      path.append('/');
    }
    String target = path + query();
    byte[] body = run.chance(0.5) ? new byte[0] : run.draw(RANDOM_BODY);
    return new HttpInput(run.pick(identities()), run.pick(METHODS), target, List.of(), body, false);
  }

  private HttpInput mutateTarget(HttpInput input) {
    String target = input.target();
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    String query = question < 0 ? "" : target.substring(question);
    List<String> parts = new ArrayList<>(List.of(path.split("/", -1)));
    int at = 1 + run.random().nextInt(Math.max(1, parts.size() - 1));
    switch (run.random().nextInt(6)) {
      case 0 -> parts.set(Math.min(at, parts.size() - 1), run.pick(SEGMENTS));
      case 1 -> parts.add(Math.min(at, parts.size()), run.pick(SEGMENTS));
      case 2 -> parts.remove(Math.min(at, parts.size() - 1));
      case 3 -> parts.add("");
      case 4 -> {
        String more = query();
        query = query.isEmpty() || more.isEmpty() ? query + more : query + "&" + more.substring(1);
      }
      default -> query = query();
    }
    String mutated = String.join("/", parts);
    return new HttpInput(
        input.identity(),
        input.method(),
        (mutated.startsWith("/") ? mutated : "/" + mutated) + query,
        input.headers(),
        input.body(),
        input.chunked());
  }

  private String query() {
    if (run.chance(0.3)) {
      return "";
    }
    StringBuilder query = new StringBuilder();
    int count = 1 + run.random().nextInt(3);
    for (int i = 0; i < count; i++) {
      query.append(i == 0 ? '?' : '&').append(run.pick(PARAMETERS));
      if (!run.chance(0.1)) {
        query
            .append('=')
            .append(run.chance(0.8) ? run.pick(PARAMETER_VALUES) : run.draw(Arbitraries.longs()));
      }
    }
    return query.toString();
  }

  private Call call(String identity, String method, String target, String body) {
    return new Call(identity, method, target, body);
  }

  private String requestId() {
    return requestIds.isEmpty() ? "r-nrapeowphxc6722kf3lg" : run.pick(requestIds);
  }

  private String lockTarget() {
    return switch (run.random().nextInt(4)) {
      case 0 -> "{\"request\":\"" + requestId() + "\"}";
      case 1 -> "{\"user\":\"bob\"}";
      case 2 -> "{\"role\":\"research-gpu\"}";
      default -> "{\"identity\":\"fuzz-nobody\"}";
    };
  }

  private String anyone() {
    return run.pick(List.of("admin", "watcher", "alice", "reviewer"));
  }

  private static List<String> identities() {
    List<String> all = new ArrayList<>(BrokerApiTarget.IDENTITIES.keySet());
    all.add(BrokerApiTarget.ANONYMOUS);
    java.util.Collections.sort(all);
    return all;
  }

  private static String jsonString(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
