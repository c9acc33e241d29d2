package dev.warden.broker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.warden.api.json.Json;
import dev.warden.api.json.JsonInputException;
import dev.warden.api.json.ListingWriter;
import dev.warden.api.v1.Problem;
import dev.warden.api.v1.Problem.FieldError;
import dev.warden.broker.failure.CallFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;

/** One HTTP exchange seen as an API call: its path segments, query, body and answer. */
final class HttpCall {

  /** The longest body accepted. */
  static final int MAX_BODY = 64 * 1024;

  private static final long DRAIN_LIMIT = 4L * 1024 * 1024;

  private final HttpExchange exchange;
  private final List<String> segments;
  private final Map<String, String> query;

  HttpCall(HttpExchange exchange) {
    this.exchange = exchange;
    this.segments = segments(exchange.getRequestURI().getRawPath());
    this.query = query(exchange.getRequestURI().getRawQuery());
  }

  String method() {
    return exchange.getRequestMethod();
  }

  String path() {
    return exchange.getRequestURI().getRawPath();
  }

  /** The call as logs and problems name it, such as {@code POST /v1/requests}. */
  String describe() {
    return method() + " " + path();
  }

  List<String> segments() {
    return segments;
  }

  /** The peer's certificates, or null when the client presented none. */
  Certificate @Nullable [] peerCertificates() {
    if (!(exchange instanceof HttpsExchange https)) {
      return null;
    }
    try {
      return https.getSSLSession().getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  /**
   * The query parameters, refusing any not in {@code allowed}.
   *
   * @throws CallFailure.InvalidInput naming each unknown parameter
   */
  Map<String, String> query(Set<String> allowed) {
    List<FieldError> errors = new ArrayList<>();
    for (String name : query.keySet()) {
      if (name.isEmpty()) {
        // "?=5" has a parameter without a name; an error naming the field "" would name nothing.
        errors.add(new FieldError("(query)", "a query parameter has no name before its '='"));
      } else if (!allowed.contains(name)) {
        errors.add(new FieldError(name, "unknown query parameter; expected one of " + allowed));
      }
    }
    if (!errors.isEmpty()) {
      throw new CallFailure.InvalidInput("the query has unknown parameters", errors);
    }
    return query;
  }

  /**
   * Reads the body into a wire type, strictly.
   *
   * @throws CallFailure.BodyTooLarge beyond {@link #MAX_BODY}
   * @throws JsonInputException for malformed JSON or fields that do not fit
   */
  <T> T body(Class<T> type) throws IOException, JsonInputException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      if (declared != null && parseLength(declared) > MAX_BODY) {
        drain(in);
        throw new CallFailure.BodyTooLarge(MAX_BODY);
      }
      body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        drain(in);
        throw new CallFailure.BodyTooLarge(MAX_BODY);
      }
    }
    return Json.readBody(body, type);
  }

  void respond(int status, Object value) throws IOException {
    send(status, "application/json", Json.write(value));
  }

  void respondProblem(Problem problem) throws IOException {
    if (problem.status() == 405) {
      exchange.getResponseHeaders().set("Allow", "GET, POST, DELETE");
    }
    if (problem.status() == 413) {
      // The rest of an oversized body is not read, so the connection cannot be reused.
      exchange.getResponseHeaders().set("Connection", "close");
    }
    send(problem.status(), "application/problem+json", Json.write(problem));
  }

  /** Writes the items of a listing and returns its version. */
  @FunctionalInterface
  interface ListingBody {
    long write(ListingWriter items) throws IOException;
  }

  /**
   * Answers 200 with a listing written as its items are read, in chunks, so that a listing of any
   * length costs the memory of a few items. Until the first item the call can still fail with a
   * problem answer; a failure after it cuts the listing off unfinished, which the client reads as
   * an error.
   */
  void respondListing(ListingBody body) throws IOException {
    try (ListingWriter items = new ListingWriter(() -> stream("application/json", false))) {
      long version = body.write(items);
      items.finish(version);
    }
  }

  /** Starts a streamed answer of unknown length. */
  OutputStream stream(String contentType) throws IOException {
    return stream(contentType, true);
  }

  /**
   * Starts a streamed answer of unknown length.
   *
   * @param flushHeaders whether to send the headers at once rather than with the first bytes of the
   *     body, for a stream whose first bytes may be long in coming
   */
  private OutputStream stream(String contentType, boolean flushHeaders) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    if (flushHeaders) {
      // The server buffers the headers until a flush; a client waiting for them must not wait
      // for the first change or bookmark.
      out.flush();
    }
    return out;
  }

  void close() {
    exchange.close();
  }

  private void send(int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /**
   * Reads and drops what is left of an oversized body, up to a bound, so that the client is still
   * reading when the 413 arrives; a client that keeps sending past the bound is cut off.
   */
  private static void drain(InputStream in) throws IOException {
    long left = DRAIN_LIMIT;
    byte[] buffer = new byte[8192];
    int read;
    while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
      left -= read;
    }
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new CallFailure.InvalidInput(
          "Content-Length '" + value + "' is not a number",
          List.of(new FieldError("Content-Length", "is not a number")));
    }
  }

  private static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String segment : rawPath.split("/")) {
      if (!segment.isEmpty()) {
        segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return segments;
  }

  private static Map<String, String> query(@Nullable String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      query.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return query;
  }
}
