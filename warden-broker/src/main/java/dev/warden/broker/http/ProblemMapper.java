package dev.warden.broker.http;

import dev.warden.api.json.Json;
import dev.warden.api.json.JsonInputException;
import dev.warden.api.v1.Problem;
import dev.warden.api.v1.Problem.FieldError;
import dev.warden.broker.failure.CallFailure;
import dev.warden.broker.store.HistoryCompactedException;
import dev.warden.broker.store.StoreException;
import java.lang.System.Logger.Level;
import java.util.List;

/** The one place where a failure becomes a problem detail and an HTTP status. */
final class ProblemMapper {

  private static final System.Logger LOG = System.getLogger(ProblemMapper.class.getName());

  private ProblemMapper() {}

  /** The problem for a failure; unexpected failures are logged here with the call they broke. */
  static Problem toProblem(Throwable failure, String call) {
    return switch (failure) {
      case CallFailure.InvalidInput e ->
          Problem.of("invalid-input", "Invalid input", 400, e.getMessage()).withErrors(e.errors());
      case JsonInputException e when e.isMalformed() ->
          Problem.of("malformed-json", "Malformed JSON", 400, e.getMessage())
              .withErrors(
                  List.of(new FieldError("(body)", "line " + e.line() + ", column " + e.column())));
      case JsonInputException e ->
          Problem.of("invalid-input", "Invalid input", 400, e.getMessage()).withErrors(e.errors());
      case CallFailure.BodyTooLarge e ->
          Problem.of("body-too-large", "Body too large", 413, e.getMessage());
      case CallFailure.Unauthenticated e ->
          Problem.of("unauthenticated", "Unauthenticated", 401, e.getMessage());
      case CallFailure.Forbidden e ->
          Problem.of("forbidden", "Forbidden", 403, e.getMessage()).withPermission(e.permission());
      case CallFailure.Refused e -> Problem.of(e.reason(), "Refused", 403, e.getMessage());
      case CallFailure.NotFound e -> Problem.of("not-found", "Not found", 404, e.getMessage());
      case CallFailure.MethodNotAllowed e ->
          Problem.of("method-not-allowed", "Method not allowed", 405, e.getMessage());
      case CallFailure.Conflict e -> conflict(e);
      case CallFailure.Gone e -> Problem.of("history-compacted", "Gone", 410, e.getMessage());
      case HistoryCompactedException e ->
          Problem.of("history-compacted", "Gone", 410, e.getMessage());
      case CallFailure.Unavailable e ->
          Problem.of("unavailable", "Service unavailable", 503, e.getMessage());
      case StoreException e -> {
        LOG.log(Level.ERROR, "store failed call={0} error={1}", call, e.toString());
        yield Problem.of(
            "unavailable", "Service unavailable", 503, "the store failed: " + e.getMessage());
      }
      default -> {
        LOG.log(
            Level.ERROR,
            "bug: call failed unexpectedly call=" + call + " error=" + failure,
            failure);
        yield Problem.of(
            "internal", "Internal error", 500, "the broker failed unexpectedly; see its log");
      }
    };
  }

  private static Problem conflict(CallFailure.Conflict e) {
    Problem problem = Problem.of("conflict", "Conflict", 409, e.getMessage());
    return e.current() == null ? problem : problem.withCurrent(Json.tree(e.current()));
  }
}
