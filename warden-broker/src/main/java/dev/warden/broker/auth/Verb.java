package dev.warden.broker.auth;

import java.util.Locale;

/** What a caller does to a resource. */
public enum Verb {
  GET,
  LIST,
  WATCH,
  CREATE,
  DELETE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
