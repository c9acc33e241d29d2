package dev.warden.api.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An error as the broker reports it: an RFC 9457 problem detail with Warden's extension members.
 *
 * @param type a URI naming the kind of problem, stable across versions
 * @param errors for validation problems, each offending field and what is wrong with it
 * @param permission for 403, the permission the caller lacks, as {@code verb resource}
 * @param current for 409, the current state of the object the request conflicted with
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    URI type,
    String title,
    int status,
    String detail,
    @Nullable List<FieldError> errors,
    @Nullable String permission,
    @Nullable JsonNode current) {

  /** The base of every problem type URI. */
  public static final String TYPE_BASE = "https://warden.dev/problems/";

  public Problem {
    Fields.required(type, "type");
    title = Fields.textOrEmpty(title);
    detail = Fields.textOrEmpty(detail);
  }

  /** A problem with only the standard members. */
  public static Problem of(String typeName, String title, int status, String detail) {
    return new Problem(URI.create(TYPE_BASE + typeName), title, status, detail, null, null, null);
  }

  /** The last segment of the type URI, such as {@code forbidden}. */
  public String typeName() {
    String text = type.toString();
    return text.substring(text.lastIndexOf('/') + 1);
  }

  /** This problem with validation errors. */
  public Problem withErrors(List<FieldError> fieldErrors) {
    return new Problem(type, title, status, detail, List.copyOf(fieldErrors), permission, current);
  }

  /** This problem naming a missing permission. */
  public Problem withPermission(String missing) {
    return new Problem(type, title, status, detail, errors, missing, current);
  }

  /** This problem with the current state of the conflicting object. */
  public Problem withCurrent(JsonNode state) {
    return new Problem(type, title, status, detail, errors, permission, state);
  }

  /**
   * One offending field of a body.
   *
   * @param field the field's path, such as {@code roles[1]} or {@code target.user}
   */
  public record FieldError(String field, String detail) {
    public FieldError {
      Fields.required(field, "field");
      detail = Fields.textOrEmpty(detail);
    }
  }
}
