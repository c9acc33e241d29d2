package dev.warden.broker.store;

import dev.warden.core.Identifiers;

/**
 * Who made a change: the client identity's name and the serial number of the certificate it
 * presented.
 *
 * @param name the identity's name, a safe identifier
 * @param serial the certificate serial (for example in hex); empty for the broker itself, which
 *     acts without a client certificate
 */
public record Actor(String name, String serial) {

  /** The longest serial accepted; X.509 serials are at most 20 octets, so 40 hex digits. */
  public static final int MAX_SERIAL_LENGTH = 128;

  public Actor {
    Identifiers.requireSafe("actor name", name);
    if (serial.length() > MAX_SERIAL_LENGTH) {
      throw new IllegalArgumentException(
          "certificate serial of actor "
              + name
              + " is "
              + serial.length()
              + " characters long; the limit is "
              + MAX_SERIAL_LENGTH);
    }
    if (!serial.isEmpty() && !Identifiers.isSafe(serial)) {
      throw new IllegalArgumentException(
          "certificate serial of actor " + name + " has characters outside the safe set");
    }
  }

  /** The broker acting on its own, for example when it expires requests. */
  public static Actor system(String name) {
    return new Actor(name, "");
  }
}
