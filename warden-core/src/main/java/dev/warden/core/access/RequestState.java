package dev.warden.core.access;

/** Where an access request is in its life. Only PENDING moves; the other states are final. */
public enum RequestState {
  PENDING,
  APPROVED,
  DENIED,
  EXPIRED;

  public boolean isFinal() {
    return this != PENDING;
  }
}
