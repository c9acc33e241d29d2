package dev.warden.core.access;

import dev.warden.core.Identifiers;

/** The id of an access request. */
public record RequestId(String value) implements Comparable<RequestId> {

  public RequestId {
    Identifiers.requireSafe("request id", value);
  }

  /** Parses a request id; throws {@link IllegalArgumentException} when it is not a safe id. */
  public static RequestId of(String value) {
    return new RequestId(value);
  }

  @Override
  public int compareTo(RequestId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
