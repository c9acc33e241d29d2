package dev.warden.broker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.warden.api.json.JsonInputException;
import dev.warden.api.json.ListingWriter;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.Problem.FieldError;
import dev.warden.api.v1.RenewRequest;
import dev.warden.broker.auth.Authenticator;
import dev.warden.broker.auth.Caller;
import dev.warden.broker.failure.CallFailure;
import dev.warden.broker.identity.IdentityService;
import dev.warden.broker.identity.LastSeen;
import dev.warden.broker.service.AccessService;
import dev.warden.broker.store.BrokerStore;
import dev.warden.core.Identifiers;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.UserName;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Routes every path of the server: the two anonymous health probes, then, for a caller with an
 * accepted certificate, the API v1 endpoints. Any failure becomes a problem detail here.
 */
final class ApiHandler implements HttpHandler {

  private static final Map<String, String> HEALTHY = Map.of("status", "ok");

  private final AccessService service;
  private final IdentityService identities;
  private final LastSeen lastSeen;
  private final Authenticator authenticator;
  private final WatchStreamer watch;
  private final BrokerStore store;
  private final Clock clock;

  ApiHandler(
      AccessService service,
      IdentityService identities,
      LastSeen lastSeen,
      Authenticator authenticator,
      WatchStreamer watch,
      BrokerStore store,
      Clock clock) {
    this.service = service;
    this.identities = identities;
    this.lastSeen = lastSeen;
    this.authenticator = authenticator;
    this.watch = watch;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange exchange) {
    HttpCall call = new HttpCall(exchange);
    try {
      route(call);
    } catch (Throwable failure) {
      answerFailure(call, failure);
    } finally {
      call.close();
    }
  }

  private void answerFailure(HttpCall call, Throwable failure) {
    if ((failure instanceof IOException && !(failure instanceof JsonInputException))
        || ListingWriter.unwrap(failure) != null) {
      // The client went away mid-answer; there is nobody to tell.
      return;
    }
    try {
      call.respondProblem(ProblemMapper.toProblem(failure, call.describe()));
    } catch (IOException | RuntimeException e) {
      // Headers were already sent (a broken watch stream) or the client is gone.
    }
  }

  private void route(HttpCall call) throws Exception {
    List<String> path = call.segments();
    if (path.equals(List.of("healthz"))) {
      only(call, "GET");
      call.respond(200, HEALTHY);
      return;
    }
    if (path.equals(List.of("readyz"))) {
      only(call, "GET");
      ready(call);
      return;
    }
    Instant now = clock.instant();
    Caller caller = authenticator.authenticate(call.peerCertificates(), now);
    lastSeen.saw(caller, now);
    refuseIfIdentityLocked(caller);
    if (path.isEmpty() || !path.get(0).equals("v1")) {
      throw new CallFailure.NotFound("there is no endpoint " + call.path());
    }
    v1(call, caller, path.subList(1, path.size()));
  }

  private void v1(HttpCall call, Caller caller, List<String> path) throws Exception {
    String head = path.isEmpty() ? "" : path.get(0);
    int size = path.size();
    switch (head) {
      case "whoami" -> {
        exact(call, path, 1, "GET");
        call.query(Set.of());
        call.respond(200, service.whoami(caller));
      }
      case "catalog" -> {
        exact(call, path, 1, "GET");
        call.query(Set.of());
        call.respond(200, service.catalog(caller));
      }
      case "identity" -> {
        exact(call, path, 2, "POST");
        if (!path.get(1).equals("renew")) {
          throw new CallFailure.NotFound("there is no endpoint " + call.path());
        }
        call.query(Set.of());
        call.respond(200, identities.renew(caller, call.body(RenewRequest.class)));
      }
      case "identities" -> identities(call, caller, path, size);
      case "requests" -> requests(call, caller, path, size);
      case "locks" -> locks(call, caller, path, size);
      case "access" -> {
        exact(call, path, 2, "GET");
        call.query(Set.of());
        call.respond(200, service.access(caller, parse(path.get(1), "user", UserName::of)));
      }
      case "events" -> {
        exact(call, path, 1, "GET");
        Map<String, String> query = call.query(Set.of("since"));
        call.respond(200, service.events(caller, version(query.get("since"), "since", 0)));
      }
      case "watch" -> {
        exact(call, path, 1, "GET");
        Map<String, String> query = call.query(Set.of("resourceVersion"));
        String from = query.get("resourceVersion");
        watch.stream(call, caller, from == null ? null : version(from, "resourceVersion", 0));
      }
      default -> throw new CallFailure.NotFound("there is no endpoint " + call.path());
    }
  }

  private void requests(HttpCall call, Caller caller, List<String> path, int size)
      throws Exception {
    if (size == 1) {
      only(call, "GET", "POST");
      if (call.method().equals("POST")) {
        call.query(Set.of());
        call.respond(201, service.createRequest(caller, call.body(NewRequest.class)));
      } else {
        Map<String, String> query = call.query(Set.of("state", "user"));
        RequestState state = state(query.get("state"));
        UserName user = optional(query.get("user"), "user", UserName::of);
        call.respondListing(items -> service.listRequests(caller, state, user, items::write));
      }
    } else if (size == 2) {
      only(call, "GET");
      call.query(Set.of());
      call.respond(200, service.getRequest(caller, parse(path.get(1), "id", RequestId::of)));
    } else if (size == 3 && path.get(2).equals("reviews")) {
      only(call, "POST");
      call.query(Set.of());
      RequestId id = parse(path.get(1), "id", RequestId::of);
      call.respond(200, service.review(caller, id, call.body(NewReview.class)));
    } else {
      throw new CallFailure.NotFound("there is no endpoint " + call.path());
    }
  }

  private void locks(HttpCall call, Caller caller, List<String> path, int size) throws Exception {
    call.query(Set.of());
    if (size == 1) {
      only(call, "GET", "POST");
      if (call.method().equals("POST")) {
        AccessService.CreatedLock result = service.createLock(caller, call.body(NewLock.class));
        call.respond(result.created() ? 201 : 200, result.lock());
      } else {
        call.respond(200, service.listLocks(caller));
      }
    } else if (size == 2) {
      only(call, "GET", "DELETE");
      LockId id = parse(path.get(1), "id", LockId::of);
      if (call.method().equals("DELETE")) {
        service.deleteLock(caller, id);
        call.respond(200, Map.of("deleted", id.value()));
      } else {
        call.respond(200, service.getLock(caller, id));
      }
    } else {
      throw new CallFailure.NotFound("there is no endpoint " + call.path());
    }
  }

  private void identities(HttpCall call, Caller caller, List<String> path, int size)
      throws Exception {
    call.query(Set.of());
    if (size == 1) {
      only(call, "GET");
      call.respond(200, identities.list(caller));
    } else if (size == 2) {
      only(call, "GET", "DELETE");
      String name = parse(path.get(1), "name", n -> Identifiers.requireSafe("identity name", n));
      if (call.method().equals("DELETE")) {
        identities.delete(caller, name);
        call.respond(200, Map.of("deleted", name));
      } else {
        call.respond(200, identities.get(caller, name));
      }
    } else {
      throw new CallFailure.NotFound("there is no endpoint " + call.path());
    }
  }

  private void ready(HttpCall call) throws IOException {
    try {
      long version = store.currentVersion();
      call.respond(200, Map.of("status", "ready", "resourceVersion", version));
    } catch (RuntimeException e) {
      throw new CallFailure.Unavailable("the store cannot be read: " + e.getMessage());
    }
  }

  private void refuseIfIdentityLocked(Caller caller) {
    Optional<Lock> lock = service.identityLock(caller);
    if (lock.isPresent()) {
      throw new CallFailure.Refused(
          "identity-locked",
          "identity "
              + caller.name()
              + " is cut off by lock "
              + lock.get().id()
              + (lock.get().message().isEmpty() ? "" : " (" + lock.get().message() + ")"));
    }
  }

  private static void exact(HttpCall call, List<String> path, int size, String... methods) {
    if (path.size() != size) {
      throw new CallFailure.NotFound("there is no endpoint " + call.path());
    }
    only(call, methods);
  }

  private static void only(HttpCall call, String... methods) {
    if (!Arrays.asList(methods).contains(call.method())) {
      throw new CallFailure.MethodNotAllowed(call.method(), call.path(), List.of(methods));
    }
  }

  private static <T> T parse(String text, String field, Function<String, T> parser) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new CallFailure.InvalidInput(
          e.getMessage(), List.of(new FieldError(field, e.getMessage())));
    }
  }

  private static <T> @Nullable T optional(
      @Nullable String text, String field, Function<String, T> parser) {
    return text == null || text.isEmpty() ? null : parse(text, field, parser);
  }

  private static @Nullable RequestState state(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return RequestState.valueOf(text);
    } catch (IllegalArgumentException e) {
      String detail = "'" + text + "' is not one of " + Arrays.toString(RequestState.values());
      throw new CallFailure.InvalidInput(detail, List.of(new FieldError("state", detail)));
    }
  }

  private static long version(@Nullable String text, String field, long absent) {
    if (text == null || text.isEmpty()) {
      return absent;
    }
    try {
      long value = Long.parseLong(text);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Reported below with the value.
    }
    String detail = "'" + text + "' is not a resource version (a whole number, 0 or more)";
    throw new CallFailure.InvalidInput(detail, List.of(new FieldError(field, detail)));
  }
}
