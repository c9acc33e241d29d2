package dev.warden.broker.ca;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether an identity is a person or a machine. Bots get short certificates by default and are
 * expected to renew them; people get a working day's worth.
 */
public enum IdentityKind {
  HUMAN,
  BOT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<IdentityKind> parse(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName().equals(name)).findFirst();
  }

  public static List<String> names() {
    return Arrays.stream(values()).map(IdentityKind::wireName).toList();
  }
}
