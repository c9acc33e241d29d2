package dev.warden.api.v1;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Checks shared by the wire records' constructors, so a missing field is reported by name. */
final class Fields {

  private Fields() {}

  static <T> T required(@Nullable T value, String field) {
    if (value == null) {
      throw new MissingFieldException(field);
    }
    return value;
  }

  static <T> List<T> listOrEmpty(@Nullable List<T> value) {
    return value == null ? List.of() : List.copyOf(value);
  }

  static String textOrEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }
}
