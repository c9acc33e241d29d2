package dev.warden.api.client;

import dev.warden.api.json.Json;
import dev.warden.api.json.JsonInputException;
import dev.warden.api.v1.AccessView;
import dev.warden.api.v1.CatalogObject;
import dev.warden.api.v1.EventList;
import dev.warden.api.v1.IdentityList;
import dev.warden.api.v1.IdentityObject;
import dev.warden.api.v1.LockList;
import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.Problem;
import dev.warden.api.v1.RenewRequest;
import dev.warden.api.v1.RenewedCertificate;
import dev.warden.api.v1.RequestList;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.WhoAmI;
import dev.warden.core.access.LockId;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.UserName;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * A client of one broker, authenticated by a client certificate. Thread-safe; share one per
 * identity.
 *
 * <p>Every call waits at most the client's timeout ({@link #withTimeout} gives a view with another
 * one). An error answer is thrown as a {@link ProblemException} subclass carrying the problem
 * detail; a broker that cannot be reached or does not answer in time as a {@link
 * BrokerUnreachableException}.
 */
public final class BrokerClient {

  /** How long a call waits unless told otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** How long a watch may see nothing, not even a bookmark, before it is taken as broken. */
  public static final Duration DEFAULT_WATCH_IDLE = Duration.ofSeconds(30);

  private static final String JSON = "application/json";

  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  private BrokerClient(URI base, HttpClient http, Duration timeout) {
    this.base = base;
    this.http = http;
    this.timeout = timeout;
  }

  /**
   * A client of the broker at {@code base} (such as {@code https://127.0.0.1:7443}) that presents
   * the identity in {@code identityDirectory}.
   *
   * @throws IllegalArgumentException when the identity's files are missing or unreadable
   */
  public static BrokerClient connect(URI base, Path identityDirectory) {
    return connect(base, ClientIdentity.load(identityDirectory));
  }

  /** A client of the broker at {@code base} that presents {@code identity}. */
  public static BrokerClient connect(URI base, ClientIdentity identity) {
    return connect(base, identity.sslContext(), DEFAULT_TIMEOUT);
  }

  /** A client over a TLS context set up by the caller; the context must hold a client key. */
  public static BrokerClient connect(URI base, SSLContext tls, Duration timeout) {
    if (!"https".equals(base.getScheme())) {
      throw new IllegalArgumentException("the broker is served over https only, not " + base);
    }
    SSLParameters parameters = tls.getDefaultSSLParameters();
    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    // Answers are completed on the client's selector thread instead of being handed to a pool
    // thread first: every call here is a blocking send of a small body whose answer is read into
    // memory, so no callback blocks, and the hand-over cost about half of the client's CPU per
    // call and a thread wake-up on every answer.
    HttpClient http =
        HttpClient.newBuilder()
            .executor(Runnable::run)
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(tls)
            .sslParameters(parameters)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return new BrokerClient(stripSlash(base), http, timeout);
  }

  /** A view of this client whose calls wait at most {@code callTimeout}; shares connections. */
  public BrokerClient withTimeout(Duration callTimeout) {
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("a timeout must be positive, not " + callTimeout);
    }
    return new BrokerClient(base, http, callTimeout);
  }

  public URI base() {
    return base;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Whether the broker process is up ({@code GET /healthz}). */
  public boolean healthy() {
    return send("GET /healthz", get("/healthz")).status() == 200;
  }

  /** Whether the broker can serve ({@code GET /readyz}): its store and catalog are usable. */
  public boolean ready() {
    return send("GET /readyz", get("/readyz")).status() == 200;
  }

  /** Who the broker takes this client for, and what it may do. */
  public WhoAmI whoami() {
    return decode("GET /v1/whoami", expect("GET /v1/whoami", get("/v1/whoami"), 200), WhoAmI.class);
  }

  /**
   * Renews the client's certificate ({@code POST /v1/identity/renew}): the broker signs the public
   * key of {@code csr} for this client's identity, roles and lifetime.
   *
   * @param csr a PEM PKCS#10 signing request made with the new private key
   * @throws ProblemException when the broker refuses: 401 for a certificate it no longer accepts,
   *     403 for a locked identity, 400 for a bad signing request
   */
  public RenewedCertificate renew(String csr) {
    return call(
        "POST /v1/identity/renew",
        post("/v1/identity/renew", new RenewRequest(csr)),
        200,
        RenewedCertificate.class);
  }

  /** Every identity the broker's CA issued, with its certificates, last call and locks. */
  public IdentityList identities() {
    return call("GET /v1/identities", get("/v1/identities"), 200, IdentityList.class);
  }

  /**
   * One identity of the inventory.
   *
   * @throws ProblemException.NotFoundException when the CA never issued one of that name
   */
  public IdentityObject identity(String name) {
    return call(
        "GET /v1/identities/{name}",
        get("/v1/identities/" + encode(name)),
        200,
        IdentityObject.class);
  }

  /** Deletes an identity: none of its certificates is accepted any more, nor renewed. */
  public void deleteIdentity(String name) {
    HttpRequest request = builder("/v1/identities/" + encode(name)).DELETE().build();
    expect("DELETE /v1/identities/{name}", request, 200);
  }

  /** The catalog in force. */
  public CatalogObject catalog() {
    return call("GET /v1/catalog", get("/v1/catalog"), 200, CatalogObject.class);
  }

  /** Creates an access request; 201. Unknown roles or resources and a locked user throw. */
  public RequestObject createRequest(NewRequest request) {
    return call("POST /v1/requests", post("/v1/requests", request), 201, RequestObject.class);
  }

  /** Lists requests, optionally only those in {@code state} or of {@code user}. */
  public RequestList listRequests(@Nullable RequestState state, @Nullable UserName user) {
    List<RequestObject> items = new ArrayList<>();
    long version = listRequests(state, user, items::add);
    return new RequestList(items, version);
  }

  /**
   * Lists requests one at a time as they arrive, without holding the listing in memory: each is
   * given to {@code each} as soon as it is read, oldest first. The call's timeout covers the wait
   * for the answer to begin and every later wait for more of it, not the whole listing, which may
   * take as long as it takes to send.
   *
   * @return the listing's resource version; watch from it to see later changes
   * @throws BrokerException as the other calls do; when it is thrown after some requests were given
   *     to {@code each}, those were read from the listing's snapshot but the listing was not seen
   *     to its end
   */
  public long listRequests(
      @Nullable RequestState state, @Nullable UserName user, Consumer<? super RequestObject> each) {
    List<String> query = new ArrayList<>();
    if (state != null) {
      query.add("state=" + state.name());
    }
    if (user != null) {
      query.add("user=" + encode(user.value()));
    }
    String path = "/v1/requests" + (query.isEmpty() ? "" : "?" + String.join("&", query));
    return streamListing("GET /v1/requests", get(path), RequestObject.class, each);
  }

  /** Lists every request the caller may see. */
  public RequestList listRequests() {
    return listRequests(null, null);
  }

  /**
   * Reads one request.
   *
   * @throws ProblemException.NotFoundException when there is none with that id
   */
  public RequestObject getRequest(RequestId id) {
    return call(
        "GET /v1/requests/{id}",
        get("/v1/requests/" + encode(id.value())),
        200,
        RequestObject.class);
  }

  /**
   * Reviews a pending request.
   *
   * @throws ProblemException.ConflictException when it is no longer pending; its problem's {@code
   *     current} member holds the request as it now is
   */
  public RequestObject review(RequestId id, NewReview review) {
    String path = "/v1/requests/" + encode(id.value()) + "/reviews";
    return call("POST /v1/requests/{id}/reviews", post(path, review), 200, RequestObject.class);
  }

  public LockList listLocks() {
    return call("GET /v1/locks", get("/v1/locks"), 200, LockList.class);
  }

  public LockObject getLock(LockId id) {
    return call(
        "GET /v1/locks/{id}", get("/v1/locks/" + encode(id.value())), 200, LockObject.class);
  }

  /**
   * Creates a lock, idempotently when it names its id.
   *
   * @throws ProblemException.ConflictException when a lock with that id exists with other content
   */
  public LockResult createLock(NewLock lock) {
    Answer answer = send("POST /v1/locks", post("/v1/locks", lock));
    if (answer.status() != 200 && answer.status() != 201) {
      throw problem("POST /v1/locks", answer);
    }
    return new LockResult(
        decode("POST /v1/locks", answer, LockObject.class), answer.status() == 201);
  }

  /** Removes a lock. */
  public void deleteLock(LockId id) {
    HttpRequest request = builder("/v1/locks/" + encode(id.value())).DELETE().build();
    expect("DELETE /v1/locks/{id}", request, 200);
  }

  /** What a user can use right now: active grants and the locks in force that touch them. */
  public AccessView access(UserName user) {
    return call(
        "GET /v1/access/{user}", get("/v1/access/" + encode(user.value())), 200, AccessView.class);
  }

  /** The audit trail after {@code since}, oldest first. */
  public EventList events(long since) {
    return call("GET /v1/events", get("/v1/events?since=" + since), 200, EventList.class);
  }

  /**
   * Opens a watch of every change after {@code resourceVersion}.
   *
   * @param idle how long the stream may be silent (bookmarks come at least every 10 s) before
   *     {@link WatchStream#next()} reports it as broken
   * @throws ProblemException.HistoryCompactedException when the version is older than the history
   *     the broker keeps: list again and watch from the list's version
   */
  public WatchStream watch(long resourceVersion, Duration idle) {
    String call = "GET /v1/watch";
    HttpRequest request = get("/v1/watch?resourceVersion=" + resourceVersion);
    HttpResponse<InputStream> response = open(call, request);
    if (response.statusCode() != 200) {
      byte[] body = readAll(call, response.body());
      throw problem(call, new Answer(response.statusCode(), body));
    }
    return WatchStream.open(response.body(), resourceVersion, idle);
  }

  /** Opens a watch with the default idle limit. */
  public WatchStream watch(long resourceVersion) {
    return watch(resourceVersion, DEFAULT_WATCH_IDLE);
  }

  private <T> long streamListing(
      String call, HttpRequest request, Class<T> itemType, Consumer<? super T> each) {
    HttpResponse<InputStream> response = open(call, request);
    if (response.statusCode() != 200) {
      throw problem(call, new Answer(response.statusCode(), readAll(call, response.body())));
    }
    IdleLimitedStream body = IdleLimitedStream.of(response.body(), timeout);
    try {
      return Json.readListing(body, itemType, each);
    } catch (JsonInputException | IOException e) {
      if (body.stalled()) {
        throw new BrokerUnreachableException(
            call + " to " + base + " sent nothing for longer than " + timeout + " mid-answer", e);
      }
      if (e instanceof IOException broken) {
        throw new BrokerUnreachableException(call + " broke off while answering: " + e, broken);
      }
      throw new BrokerException(
          call + " answered 200 with a body that does not fit: " + e.getMessage());
    } finally {
      closeQuietly(body);
    }
  }

  private static void closeQuietly(InputStream body) {
    try {
      body.close();
    } catch (IOException e) {
      // The body was read to its end or is abandoned; failing to release it changes no result.
    }
  }

  private HttpResponse<InputStream> open(String call, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unreachable(call, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerUnreachableException(call + " was interrupted");
    }
  }

  private <T> T call(String call, HttpRequest request, int status, Class<T> type) {
    return decode(call, expect(call, request, status), type);
  }

  private Answer expect(String call, HttpRequest request, int status) {
    Answer answer = send(call, request);
    if (answer.status() != status) {
      throw problem(call, answer);
    }
    return answer;
  }

  private Answer send(String call, HttpRequest request) {
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw unreachable(call, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerUnreachableException(call + " was interrupted");
    }
  }

  private BrokerUnreachableException unreachable(String call, IOException e) {
    String why =
        switch (e) {
          case HttpTimeoutException t -> "no answer within " + timeout;
          case ConnectException c -> "cannot connect";
          default -> e.toString();
        };
    return new BrokerUnreachableException(call + " to " + base + " failed: " + why, e);
  }

  private static <T> T decode(String call, Answer answer, Class<T> type) {
    try {
      return Json.readAnswer(answer.body(), type);
    } catch (JsonInputException e) {
      throw new BrokerException(
          call
              + " answered "
              + answer.status()
              + " with a body that does not fit: "
              + e.getMessage());
    }
  }

  private static ProblemException problem(String call, Answer answer) {
    Problem problem;
    try {
      problem = Json.readAnswer(answer.body(), Problem.class);
    } catch (JsonInputException e) {
      String text = new String(answer.body(), StandardCharsets.UTF_8);
      problem =
          Problem.of(
              "unexpected-answer",
              "Unexpected answer",
              answer.status(),
              text.length() > 200 ? text.substring(0, 200) + "…" : text);
    }
    return ProblemException.of(call, problem);
  }

  private static byte[] readAll(String call, InputStream body) {
    try (InputStream in = body) {
      return in.readNBytes(1 << 20);
    } catch (IOException e) {
      throw new BrokerUnreachableException(call + " broke off while answering: " + e, e);
    }
  }

  private HttpRequest get(String path) {
    return builder(path).GET().build();
  }

  private HttpRequest post(String path, Object body) {
    return builder(path)
        .header("Content-Type", JSON)
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body)))
        .build();
  }

  private HttpRequest.Builder builder(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).header("Accept", JSON);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static URI stripSlash(URI base) {
    String text = base.toString();
    return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : base;
  }

  private record Answer(int status, byte[] body) {}
}
