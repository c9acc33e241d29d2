package dev.warden.api.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
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
   * @throws IllegalArgumentException naming the file and what is wrong with it, including a key
   *     that does not belong to the certificate (as while a renewal is half written)
   */
  public static ClientIdentity load(Path directory) {
    List<X509Certificate> chain = Pem.readCertificates(directory.resolve(CERTIFICATE));
    PrivateKey key = Pem.readPrivateKey(directory.resolve(KEY));
    List<X509Certificate> ca = Pem.readCertificates(directory.resolve(CA));
    if (chain.isEmpty() || ca.isEmpty()) {
      throw new IllegalArgumentException(
          directory + " holds no certificate in " + (chain.isEmpty() ? CERTIFICATE : CA));
    }
    if (!belongsTo(key, chain.get(0))) {
      throw new IllegalArgumentException(
          directory.resolve(KEY) + " is not the private key of " + directory.resolve(CERTIFICATE));
    }
    return new ClientIdentity(chain, key, ca);
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean belongsTo(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return true;
    }
    try {
      byte[] probe = "warden: does this key belong to this certificate?".getBytes(UTF_8);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
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

  /** The CA certificates the broker's certificate must chain to. */
  public List<X509Certificate> trusted() {
    return trusted;
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

  /** The common name of a certificate subject, unescaped; the whole name when it has none. */
  public static String commonName(X500Principal subject) {
    Matcher cn = Pattern.compile("(?:^|,)\\s*CN=((?:\\\\.|[^,\\\\])+)").matcher(subject.getName());
    return cn.find() ? cn.group(1).replace("\\", "") : subject.getName();
  }
}
