package dev.warden.broker.auth;

/** The resource names permissions are granted on. */
public final class Resources {

  public static final String CATALOG = "catalog";
  public static final String REQUESTS = "requests";
  public static final String OWN_REQUESTS = "requests:self";
  public static final String REVIEWS = "reviews";
  public static final String OTHERS_REVIEWS = "reviews:others";
  public static final String LOCKS = "locks";
  public static final String WARDEN_LOCKS = "locks:warden-*";
  public static final String EVENTS = "events";

  /** The prefix of the lock ids {@link #WARDEN_LOCKS} covers. */
  public static final String WARDEN_LOCK_PREFIX = "warden-";

  private Resources() {}
}
