package dev.warden.broker.auth;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a caller does to a resource; the wire names are the lower-case names. */
public enum Verb {
  LIST,
  READ,
  WATCH,
  CREATE,
  DELETE,
  REVIEW;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The verb with this wire name, if it is one. */
  public static Optional<Verb> parse(String name) {
    return Arrays.stream(values()).filter(v -> v.wireName().equals(name)).findFirst();
  }

  /** The wire names of all verbs, for messages. */
  public static List<String> names() {
    return Arrays.stream(values()).map(Verb::wireName).toList();
  }
}
