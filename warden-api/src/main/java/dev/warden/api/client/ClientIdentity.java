package dev.warden.api.client;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

/**
 * A client identity: a certificate and its private key, and the CA the broker's certificate must
 * chain to, as written by {@code warden identity issue}.
 */
public final class ClientIdentity {

  /** The file names inside an identity directory. */
  public static final String CERTIFICATE = "tls.crt";

  public static final String KEY = "tls.key";
  public static final String CA = "ca.crt";

  private final List<X509Certificate> chain;
  private final PrivateKey key;
  private final List<X509Certificate> trusted;

  private ClientIdentity(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> ca) {
    this.chain = List.copyOf(chain);
    this.key = key;
    this.trusted = List.copyOf(ca);
  }

  /**
   * Reads {@code tls.crt}, {@code tls.key} (PKCS#8, EC or RSA) and {@code ca.crt} from a directory.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static ClientIdentity load(Path directory) {
    List<X509Certificate> chain = Pem.readCertificates(directory.resolve(CERTIFICATE));
    PrivateKey key = Pem.readPrivateKey(directory.resolve(KEY));
    List<X509Certificate> ca = Pem.readCertificates(directory.resolve(CA));
    return new ClientIdentity(chain, key, ca);
  }

  /** An identity from values already in memory, such as a test's freshly issued certificate. */
  public static ClientIdentity of(
      List<X509Certificate> chain, PrivateKey key, List<X509Certificate> trusted) {
    if (chain.isEmpty() || trusted.isEmpty()) {
      throw new IllegalArgumentException("an identity needs a certificate and a trusted CA");
    }
    return new ClientIdentity(chain, key, trusted);
  }

  /** The identity's name: the common name of its certificate's subject. */
  public String name() {
    return commonName(chain.get(0).getSubjectX500Principal());
  }

  /** When the identity's certificate stops being valid. */
  public Instant expires() {
    return chain.get(0).getNotAfter().toInstant();
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The identity's private key, for signing what it vouches for (such as log checkpoints). */
  public PrivateKey privateKey() {
    return key;
  }

  /** A TLS context that presents this identity and trusts only its CA. */
  public SSLContext sslContext() {
    try {
      char[] password = new char[0];
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("identity", key, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);

      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < trusted.size(); i++) {
        trust.setCertificateEntry("ca-" + i, trusted.get(i));
      }
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
      trustManagers.init(trust);

      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the identity " + name() + " could not be set up: " + e, e);
    }
  }

  static String commonName(X500Principal subject) {
    Matcher cn = Pattern.compile("(?:^|,)\\s*CN=((?:\\\\.|[^,\\\\])+)").matcher(subject.getName());
    return cn.find() ? cn.group(1).replace("\\", "") : subject.getName();
  }
}
