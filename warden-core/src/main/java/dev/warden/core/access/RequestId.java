package dev.warden.core.access;

import dev.warden.core.Identifiers;
import org.jspecify.annotations.Nullable;

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

  // Written out, with the meaning a record gives them, rather than left to the generated ones:
  // these are map keys and list members in every decision, and the generated methods go through
  // method handles, which the compilers inline into every lookup and search that uses them.
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof RequestId that && value.equals(that.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
