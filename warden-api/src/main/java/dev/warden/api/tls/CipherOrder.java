package dev.warden.api.tls;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which this process offers or accepts TLS cipher suites: the JDK's own, except that
 * ChaCha20-Poly1305 comes first when this JVM would run AES-GCM in plain Java code.
 *
 * <p>Both are authenticated ciphers of equal standing in TLS 1.3 (RFC 8446 names both), so the
 * choice is one of cost alone. The JDK's AES-GCM is fast only where the optimizing compiler (C2)
 * replaces it with the processor's AES and carry-less multiply instructions; the interpreter and
 * the quick compiler (C1) run it as written. On this project's 2-core benchmark machine a 1,000
 * byte record took about 57 µs to seal with AES-GCM under C1 alone against 13 µs with
 * ChaCha20-Poly1305, and 1.3 µs against 4 µs once C2 had compiled both; every call to the broker
 * seals and opens several such records on each side. So a JVM started with {@code
 * -XX:TieredStopAtLevel} below 4 (as {@code warden bench} starts its services, see docs/deploy.md),
 * or one whose processor lacks the instructions, puts ChaCha20-Poly1305 first; any other keeps the
 * JDK's order, which puts AES-GCM first. Go's TLS stack makes the same choice on the same grounds.
 *
 * <p>A server picks from its own order (the broker asks the JDK to), so the broker's JVM decides
 * for each connection; clients order theirs the same way for servers that follow the client.
 * Nothing is added or removed: a suite the JDK does not enable stays disabled, and when an operator
 * chose the suites with the JDK's {@code jdk.tls.server.cipherSuites} or {@code
 * jdk.tls.client.cipherSuites} properties, their order is left alone.
 */
public final class CipherOrder {

  // TLS 1.3's suite. The 1.2 suites keep the JDK's order, which ranks them by key exchange first;
  // every Warden client speaks 1.3.
  private static final String CHACHA20 = "TLS_CHACHA20_POLY1305_SHA256";
  private static final boolean AES_IN_HARDWARE = aesRunsOnHardware();

  private CipherOrder() {}

  /**
   * The given suites in the order this process prefers them: TLS 1.3's ChaCha20-Poly1305 first
   * (each keeping its place among the rest) when {@link #chachaFirst(boolean)}, otherwise
   * unchanged.
   *
   * @param enabled the suites the JDK enables, in its order
   * @param server whether the order is a server's or a client's
   */
  public static String[] preferred(String[] enabled, boolean server) {
    return chachaFirst(server) ? withChaCha20First(enabled) : enabled.clone();
  }

  /**
   * Whether this process puts ChaCha20-Poly1305 first: AES-GCM would run as plain code here, and no
   * operator chose the suites with the JDK's property for this side.
   *
   * @param server whether the order is a server's (read with {@code jdk.tls.server.cipherSuites})
   *     or a client's
   */
  public static boolean chachaFirst(boolean server) {
    String chosen =
        System.getProperty(server ? "jdk.tls.server.cipherSuites" : "jdk.tls.client.cipherSuites");
    return !AES_IN_HARDWARE && (chosen == null || chosen.isBlank());
  }

  /**
   * Orders suites as {@link #preferred} does, for a TLS library that sorts its own list (a stable
   * sort keeps the JDK's order among the rest).
   */
  public static Comparator<String> chachaFirstComparator() {
    return Comparator.comparingInt(suite -> suite.equals(CHACHA20) ? 0 : 1);
  }

  /** Whether this JVM runs AES-GCM on the processor's instructions, as far as it says. */
  public static boolean aesInHardware() {
    return AES_IN_HARDWARE;
  }

  /**
   * The suites with TLS 1.3's ChaCha20-Poly1305 first and every other in its place, whatever this
   * JVM runs on.
   */
  public static String[] withChaCha20First(String[] suites) {
    List<String> ordered = new ArrayList<>(suites.length);
    for (String suite : suites) {
      if (suite.equals(CHACHA20)) {
        ordered.add(suite);
      }
    }
    for (String suite : suites) {
      if (!suite.equals(CHACHA20)) {
        ordered.add(suite);
      }
    }
    return ordered.toArray(String[]::new);
  }

  /**
   * Reads the HotSpot options that decide it: the AES instructions in use, and the optimizing
   * compiler in use (not stopped at a lower tier, not interpreting only). A JVM that does not
   * expose them (not HotSpot) keeps the JDK's order: nothing is known to be gained by changing it
   * there.
   */
  private static boolean aesRunsOnHardware() {
    HotSpotDiagnosticMXBean hotspot;
    try {
      hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    } catch (RuntimeException | LinkageError e) {
      return true;
    }
    if (hotspot == null) {
      return true;
    }
    try {
      // UseAES: the processor has the instructions and the JVM may use them (the finer
      // UseAESIntrinsics is a diagnostic option, which the bean does not show).
      boolean instructions = Boolean.parseBoolean(hotspot.getVMOption("UseAES").getValue());
      int topTier = Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue());
      boolean tiered = Boolean.parseBoolean(hotspot.getVMOption("TieredCompilation").getValue());
      boolean interpreting = System.getProperty("java.vm.info", "").contains("interpreted mode");
      // Without tiered compilation C2 is the only compiler and TieredStopAtLevel means nothing.
      boolean optimizing = !interpreting && (!tiered || topTier >= 4);
      return instructions && optimizing;
    } catch (IllegalArgumentException e) {
      // An option this JVM does not have (its compilers are not HotSpot's usual two).
      return true;
    }
  }
}
