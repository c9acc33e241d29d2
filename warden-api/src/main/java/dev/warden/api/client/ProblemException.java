package dev.warden.api.client;

import dev.warden.api.v1.Problem;

/** The broker answered with an error; carries its problem detail. */
public class ProblemException extends BrokerException {

  private final Problem problem;

  public ProblemException(String call, Problem problem) {
    super(
        call
            + " failed with "
            + problem.status()
            + " "
            + problem.title()
            + ": "
            + problem.detail());
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  public int status() {
    return problem.status();
  }

  /** Builds the most specific exception for an error answer. */
  static ProblemException of(String call, Problem problem) {
    return switch (problem.status()) {
      case 401, 403 -> new AccessDeniedException(call, problem);
      case 404 -> new NotFoundException(call, problem);
      case 409 -> new ConflictException(call, problem);
      case 410 -> new HistoryCompactedException(call, problem);
      default -> new ProblemException(call, problem);
    };
  }

  /** 401 or 403: the caller is not known, or lacks the permission the problem names. */
  public static final class AccessDeniedException extends ProblemException {
    AccessDeniedException(String call, Problem problem) {
      super(call, problem);
    }
  }

  /** 404: the request or lock does not exist. */
  public static final class NotFoundException extends ProblemException {
    NotFoundException(String call, Problem problem) {
      super(call, problem);
    }
  }

  /**
   * 409: the object is not in the state the call expected, such as a review of a request that is no
   * longer pending. {@link Problem#current()} holds the object as it now is.
   */
  public static final class ConflictException extends ProblemException {
    ConflictException(String call, Problem problem) {
      super(call, problem);
    }
  }

  /**
   * 410: the resource version asked for is older than the history the broker keeps; list again and
   * watch from the list's version.
   */
  public static final class HistoryCompactedException extends ProblemException {
    HistoryCompactedException(String call, Problem problem) {
      super(call, problem);
    }
  }
}
