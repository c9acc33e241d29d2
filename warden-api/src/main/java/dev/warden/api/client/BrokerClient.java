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
import java.lang.ref.Reference;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.jspecify.annotations.Nullable;

/**
 * A client of one broker, authenticated by a client certificate. Thread-safe; share one per
 * identity.
 *
 * <p>Every call waits at most the client's timeout ({@link #withTimeout} gives a view with another
 * one). An error answer is thrown as a {@link ProblemException} subclass carrying the problem
 * detail; a broker that cannot be reached or does not answer in time as a {@link
 * BrokerUnreachableException}.
 *
 * <p>Calls block the calling thread, which is meant to be a virtual one; connections are pooled (at
 * most {@value Connections#MAX_CONNECTIONS} to the broker). {@link #close()} releases them at once;
 * a client nobody closes releases them once it, its views and its streams are unreachable.
 *
 * <p><b>A call on a connection the broker had just closed is made once more.</b> A pooled
 * connection can be closed by the broker (its idle limit, a restart, a cut network) at the moment a
 * call goes out on it; the call then fails before any answer arrives, though the broker never saw
 * it. Such a call, one that failed on a connection that had already carried an answer, with no byte
 * of its own answer read, is sent again once on a new connection when sending it twice is harmless:
 * a read; a review (a second one answers 409, which callers take as "the request moved on", as they
 * must when another reviewer was first); a lock that names its id (a second one answers 200 with
 * the same lock). Nothing else is repeated, request creation above all: the broker has no
 * idempotency key for it, and the same failure is what a broker that read the request and went down
 * before answering looks like, so a repeat could create a second request of the same content.
 * Whether the request's bytes had left the client is no help: Jetty may fail the exchange before it
 * reports them written, though the broker read them. Such a failure is reported as a {@link
 * BrokerUnreachableException} that says the broker may have carried the call out.
 */
public final class BrokerClient implements AutoCloseable {

  /** How long a call waits unless told otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** How long a watch may see nothing, not even a bookmark, before it is taken as broken. */
  public static final Duration DEFAULT_WATCH_IDLE = Duration.ofSeconds(30);

  private static final String JSON = "application/json";

  /**
   * The largest answer read into memory. The largest the broker sends are event and identity lists;
   * listings of requests are streamed and have no such limit.
   */
  private static final int MAX_ANSWER = 64 << 20;

  /** The largest error answer read from a stream that was expected to be a listing or a watch. */
  private static final int MAX_ERROR_ANSWER = 1 << 20;

  private final URI base;
  private final Connections connections;
  private final Duration timeout;

  private BrokerClient(URI base, Connections connections, Duration timeout) {
    this.base = base;
    this.connections = connections;
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

  /**
   * A client over a TLS context set up by the caller; the context must hold a client key. The
   * broker's certificate must chain to a CA the context trusts and name the host of {@code base}.
   */
  public static BrokerClient connect(URI base, SSLContext tls, Duration timeout) {
    if (!"https".equals(base.getScheme())) {
      throw new IllegalArgumentException("the broker is served over https only, not " + base);
    }
    return new BrokerClient(stripSlash(base), Connections.start(tls, timeout), timeout);
  }

  /** A view of this client whose calls wait at most {@code callTimeout}; shares connections. */
  public BrokerClient withTimeout(Duration callTimeout) {
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("a timeout must be positive, not " + callTimeout);
    }
    return new BrokerClient(base, connections, callTimeout);
  }

  public URI base() {
    return base;
  }

  public Duration timeout() {
    return timeout;
  }

  /**
   * Closes the client's connections, those of its views and open streams included, and stops its
   * threads. Calls in flight fail. Idempotent.
   */
  @Override
  public void close() {
    connections.close();
  }

  /** Whether the broker process is up ({@code GET /healthz}). */
  public boolean healthy() {
    return send(get("GET /healthz", "/healthz")).status() == 200;
  }

  /** Whether the broker can serve ({@code GET /readyz}): its store and catalog are usable. */
  public boolean ready() {
    return send(get("GET /readyz", "/readyz")).status() == 200;
  }

  /** Who the broker takes this client for, and what it may do. */
  public WhoAmI whoami() {
    return call(get("GET /v1/whoami", "/v1/whoami"), 200, WhoAmI.class);
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
    Call call = post("POST /v1/identity/renew", "/v1/identity/renew", new RenewRequest(csr), false);
    return call(call, 200, RenewedCertificate.class);
  }

  /** Every identity the broker's CA issued, with its certificates, last call and locks. */
  public IdentityList identities() {
    return call(get("GET /v1/identities", "/v1/identities"), 200, IdentityList.class);
  }

  /**
   * One identity of the inventory.
   *
   * @throws ProblemException.NotFoundException when the CA never issued one of that name
   */
  public IdentityObject identity(String name) {
    Call call = get("GET /v1/identities/{name}", "/v1/identities/" + encode(name));
    return call(call, 200, IdentityObject.class);
  }

  /** Deletes an identity: none of its certificates is accepted any more, nor renewed. */
  public void deleteIdentity(String name) {
    expect(delete("DELETE /v1/identities/{name}", "/v1/identities/" + encode(name)), 200);
  }

  /** The catalog in force. */
  public CatalogObject catalog() {
    return call(get("GET /v1/catalog", "/v1/catalog"), 200, CatalogObject.class);
  }

  /**
   * Creates an access request; 201. Unknown roles or resources and a locked user throw.
   *
   * @throws BrokerUnreachableException also when the connection broke after the request was sent:
   *     it may then have been created, and it is not sent again (see the class comment)
   */
  public RequestObject createRequest(NewRequest request) {
    Call call = post("POST /v1/requests", "/v1/requests", request, false);
    return call(call, 201, RequestObject.class);
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
    return streamListing(get("GET /v1/requests", path), RequestObject.class, each);
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
    Call call = get("GET /v1/requests/{id}", "/v1/requests/" + encode(id.value()));
    return call(call, 200, RequestObject.class);
  }

  /**
   * Reviews a pending request.
   *
   * @throws ProblemException.ConflictException when it is no longer pending; its problem's {@code
   *     current} member holds the request as it now is
   */
  public RequestObject review(RequestId id, NewReview review) {
    String path = "/v1/requests/" + encode(id.value()) + "/reviews";
    // Repeatable: a review sent twice is refused the second time with 409, as one that came after
    // another reviewer's is.
    Call call = post("POST /v1/requests/{id}/reviews", path, review, true);
    return call(call, 200, RequestObject.class);
  }

  public LockList listLocks() {
    return call(get("GET /v1/locks", "/v1/locks"), 200, LockList.class);
  }

  public LockObject getLock(LockId id) {
    Call call = get("GET /v1/locks/{id}", "/v1/locks/" + encode(id.value()));
    return call(call, 200, LockObject.class);
  }

  /**
   * Creates a lock, idempotently when it names its id.
   *
   * @throws ProblemException.ConflictException when a lock with that id exists with other content
   */
  public LockResult createLock(NewLock lock) {
    // Repeatable only with an id: the broker then answers a second one with 200 and the same
    // lock, where without one it would make a second lock.
    Call call = post("POST /v1/locks", "/v1/locks", lock, lock.id() != null);
    Answer answer = send(call);
    if (answer.status() != 200 && answer.status() != 201) {
      throw problem(call.name(), answer);
    }
    return new LockResult(decode(call.name(), answer, LockObject.class), answer.status() == 201);
  }

  /** Removes a lock. */
  public void deleteLock(LockId id) {
    expect(delete("DELETE /v1/locks/{id}", "/v1/locks/" + encode(id.value())), 200);
  }

  /** What a user can use right now: active grants and the locks in force that touch them. */
  public AccessView access(UserName user) {
    Call call = get("GET /v1/access/{user}", "/v1/access/" + encode(user.value()));
    return call(call, 200, AccessView.class);
  }

  /** The audit trail after {@code since}, oldest first. */
  public EventList events(long since) {
    return call(get("GET /v1/events", "/v1/events?since=" + since), 200, EventList.class);
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
    Call call = get("GET /v1/watch", "/v1/watch?resourceVersion=" + resourceVersion);
    Opened opened = open(call);
    if (opened.status() != 200) {
      throw problem(call.name(), new Answer(opened.status(), readError(call, opened.body())));
    }
    return WatchStream.open(opened.body(), resourceVersion, idle, connections);
  }

  /** Opens a watch with the default idle limit. */
  public WatchStream watch(long resourceVersion) {
    return watch(resourceVersion, DEFAULT_WATCH_IDLE);
  }

  private <T> long streamListing(Call call, Class<T> itemType, Consumer<? super T> each) {
    Opened opened = open(call);
    if (opened.status() != 200) {
      throw problem(call.name(), new Answer(opened.status(), readError(call, opened.body())));
    }
    IdleLimitedStream body = IdleLimitedStream.of(opened.body(), timeout);
    try {
      return Json.readListing(body, itemType, each);
    } catch (JsonInputException | IOException e) {
      if (body.stalled()) {
        throw new BrokerUnreachableException(
            call.name()
                + " to "
                + base
                + " sent nothing for longer than "
                + timeout
                + " mid-answer",
            e);
      }
      if (e instanceof IOException broken) {
        throw new BrokerUnreachableException(
            call.name() + " broke off while answering: " + e, broken);
      }
      throw new BrokerException(
          call.name() + " answered 200 with a body that does not fit: " + e.getMessage());
    } finally {
      closeQuietly(body);
      // The connections must outlive the reading, though nothing below mentions them.
      Reference.reachabilityFence(connections);
    }
  }

  private static void closeQuietly(InputStream body) {
    try {
      body.close();
    } catch (IOException e) {
      // The body was read to its end or is abandoned; failing to release it changes no result.
    }
  }

  private <T> T call(Call call, int status, Class<T> type) {
    return decode(call.name(), expect(call, status), type);
  }

  private Answer expect(Call call, int status) {
    Answer answer = send(call);
    if (answer.status() != status) {
      throw problem(call.name(), answer);
    }
    return answer;
  }

  /** Sends a call whose answer is read into memory, once more if it met a stale connection. */
  private Answer send(Call call) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Attempt first = new Attempt(request(call, timeout.toNanos()));
    try {
      return first.complete(first.buffered());
    } catch (Failed failed) {
      if (!first.mayRepeat(call, failed)) {
        throw unreachable(call, first, failed.getCause());
      }
    }
    Attempt second = new Attempt(request(call, remaining(deadline)));
    try {
      return second.complete(second.bufferedOnNewConnection());
    } catch (Failed failed) {
      throw unreachable(call, second, failed.getCause());
    }
  }

  /** Opens a call whose answer is streamed, once more if it met a stale connection. */
  private Opened open(Call call) {
    long deadline = System.nanoTime() + timeout.toNanos();
    // No idle limit of Jetty's own on a stream: only the reader can tell a broker that stopped
    // sending (IdleLimitedStream and WatchStream judge that) from a consumer that takes its time.
    Attempt first = new Attempt(request(call, 0).idleTimeout(0, TimeUnit.MILLISECONDS));
    try {
      return first.streamed(remaining(deadline), false);
    } catch (Failed failed) {
      if (!first.mayRepeat(call, failed)) {
        throw unreachable(call, first, failed.getCause());
      }
    }
    Attempt second = new Attempt(request(call, 0).idleTimeout(0, TimeUnit.MILLISECONDS));
    try {
      return second.streamed(remaining(deadline), true);
    } catch (Failed failed) {
      throw unreachable(call, second, failed.getCause());
    }
  }

  private static long remaining(long deadline) {
    return Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime());
  }

  /** A Jetty request for {@code call}; {@code totalNanos} bounds the whole exchange unless 0. */
  private Request request(Call call, long totalNanos) {
    Request request =
        connections
            .http()
            .newRequest(base + call.path())
            .method(call.method())
            .headers(headers -> headers.put(HttpHeader.ACCEPT, JSON));
    if (totalNanos > 0) {
      request.timeout(
          Math.max(1, TimeUnit.NANOSECONDS.toMillis(totalNanos)), TimeUnit.MILLISECONDS);
    }
    byte[] body = call.body();
    if (body != null) {
      request.body(new BytesRequestContent(JSON, body));
    }
    return request;
  }

  /**
   * One try at a call, and what is known about how far it got: whether it went out on a connection,
   * one that had carried answers before or a new one, and whether its answer began.
   */
  private final class Attempt {
    private final Request request;
    private volatile boolean reused;
    private volatile boolean sent;
    private volatile boolean answered;

    Attempt(Request request) {
      this.request = request;
      request.onRequestBegin(this::begun);
      request.onResponseBegin(r -> answered = true);
    }

    private void begun(Request request) {
      sent = true;
      // HTTP/1.1 connections count the answers they carried; one with none is new.
      reused =
          request.getConnection() instanceof org.eclipse.jetty.io.Connection connection
              && connection.getMessagesIn() > 0;
    }

    ContentResponse buffered() throws Failed {
      return await(new CompletableResponseListener(request, MAX_ANSWER).send());
    }

    ContentResponse bufferedOnNewConnection() throws Failed {
      Connection connection = newConnection(request.getTimeout());
      return await(new CompletableResponseListener(request, MAX_ANSWER).send(connection));
    }

    Answer complete(ContentResponse response) {
      return new Answer(response.getStatus(), response.getContent());
    }

    Opened streamed(long waitNanos, boolean newConnection) throws Failed {
      InputStreamResponseListener listener = new InputStreamResponseListener();
      if (newConnection) {
        newConnection(TimeUnit.NANOSECONDS.toMillis(waitNanos)).send(request, listener);
      } else {
        request.send(listener);
      }
      try {
        Response response = listener.get(waitNanos, TimeUnit.NANOSECONDS);
        return new Opened(response.getStatus(), listener.getInputStream());
      } catch (ExecutionException e) {
        throw new Failed(e.getCause());
      } catch (TimeoutException e) {
        request.abort(e);
        throw new Failed(e);
      } catch (InterruptedException e) {
        request.abort(e);
        Thread.currentThread().interrupt();
        throw new Failed(e);
      }
    }

    /**
     * A connection of its own for the second try, closed when the exchange ends, so that the try
     * cannot pick another stale one from the pool (after a broker restart, all of them are).
     */
    private Connection newConnection(long waitMillis) throws Failed {
      Connection connection =
          await(connections.http().resolveDestination(request).newConnection(), waitMillis);
      request.onComplete(result -> connection.close());
      return connection;
    }

    private <T> T await(java.util.concurrent.Future<T> future) throws Failed {
      return await(future, 0);
    }

    private <T> T await(java.util.concurrent.Future<T> future, long waitMillis) throws Failed {
      try {
        return waitMillis > 0 ? future.get(waitMillis, TimeUnit.MILLISECONDS) : future.get();
      } catch (ExecutionException e) {
        throw new Failed(e.getCause());
      } catch (TimeoutException e) {
        future.cancel(true);
        throw new Failed(e);
      } catch (InterruptedException e) {
        request.abort(e);
        future.cancel(true);
        Thread.currentThread().interrupt();
        throw new Failed(e);
      } finally {
        Reference.reachabilityFence(connections);
      }
    }

    /** Whether the failure is the stale-connection case the class comment describes. */
    boolean mayRepeat(Call call, Failed failed) {
      return failed.getCause() instanceof IOException && reused && !answered && call.repeatable();
    }
  }

  private BrokerUnreachableException unreachable(Call call, Attempt attempt, Throwable e) {
    if (e instanceof InterruptedException) {
      return new BrokerUnreachableException(call.name() + " was interrupted");
    }
    String prefix = call.name() + " to " + base + " failed: ";
    if (!attempt.sent) {
      // The request never went out on a connection, so the broker cannot have acted on it;
      // callers tell that from a lost answer by this cause.
      ConnectException never =
          new ConnectException(
              e instanceof TimeoutException ? "no connection in time" : e.toString());
      never.initCause(e);
      String why =
          e instanceof TimeoutException
              ? "no connection within " + timeout
              : "cannot connect (" + e.getMessage() + ")";
      return new BrokerUnreachableException(prefix + why, never);
    }
    String why = e instanceof TimeoutException ? "no answer within " + timeout : e.toString();
    if (!call.repeatable()) {
      why += "; the broker may have carried it out";
    }
    return new BrokerUnreachableException(prefix + why, e);
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

  private static byte[] readError(Call call, InputStream body) {
    try (InputStream in = body) {
      return in.readNBytes(MAX_ERROR_ANSWER);
    } catch (IOException e) {
      throw new BrokerUnreachableException(call.name() + " broke off while answering: " + e, e);
    }
  }

  private static Call get(String name, String path) {
    return new Call(name, HttpMethod.GET, path, null, true);
  }

  private static Call delete(String name, String path) {
    return new Call(name, HttpMethod.DELETE, path, null, false);
  }

  private static Call post(String name, String path, Object body, boolean repeatable) {
    return new Call(name, HttpMethod.POST, path, Json.write(body), repeatable);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static URI stripSlash(URI base) {
    String text = base.toString();
    return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : base;
  }

  /**
   * What to send. {@code repeatable} says whether sending it twice is harmless, which decides the
   * retry on a stale connection (see the class comment).
   */
  private record Call(
      String name, HttpMethod method, String path, byte @Nullable [] body, boolean repeatable) {}

  private record Answer(int status, byte[] body) {}

  private record Opened(int status, InputStream body) {}

  /** A try that ended without an answer; the cause says why. */
  private static final class Failed extends Exception {
    Failed(Throwable cause) {
      super(cause);
    }
  }
}
