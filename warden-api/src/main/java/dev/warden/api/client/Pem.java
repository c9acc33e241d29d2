package dev.warden.api.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the PEM files of identities and CAs: X.509 certificates and PKCS#8 private keys.
 * Small enough to need no library.
 */
public final class Pem {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private Pem() {}

  /** The PEM text of certificates, one block each. */
  public static String certificates(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      try {
        out.append(block("CERTIFICATE", certificate.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("bug: a certificate could not be encoded: " + e, e);
      }
    }
    return out.toString();
  }

  /** The PEM text of a private key in PKCS#8 form. */
  public static String privateKey(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException(
          "a " + key.getFormat() + " key cannot be written as PKCS#8");
    }
    return block("PRIVATE KEY", key.getEncoded());
  }

  /**
   * Reads every certificate of a PEM file.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static List<X509Certificate> readCertificates(Path file) {
    return certificates(blocks(file, "CERTIFICATE"), file.toString());
  }

  /**
   * Reads every certificate of PEM text, such as a renewal's answer.
   *
   * @param what names the text in messages
   * @throws IllegalArgumentException naming {@code what} and what is wrong with it
   */
  public static List<X509Certificate> parseCertificates(String pem, String what) {
    return certificates(blocks(pem, "CERTIFICATE", what), what);
  }

  private static List<X509Certificate> certificates(List<byte[]> blocks, String what) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> certificates = new ArrayList<>();
      for (byte[] der : blocks) {
        certificates.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
      return certificates;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(what + " holds a certificate that cannot be read: " + e);
    }
  }

  /**
   * Reads the first PKCS#8 private key (EC, RSA or Ed25519) of a PEM file.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static PrivateKey readPrivateKey(Path file) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(blocks(file, "PRIVATE KEY").get(0));
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // Not this algorithm; the next one may fit.
      }
    }
    throw new IllegalArgumentException(
        file + " holds a private key that is not EC, RSA or Ed25519");
  }

  private static String block(String label, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  private static List<byte[]> blocks(Path file, String label) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage());
    }
    return blocks(text, label, file.toString());
  }

  private static List<byte[]> blocks(String text, String label, String what) {
    List<byte[]> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      if (matcher.group(1).equals(label)) {
        blocks.add(Base64.getMimeDecoder().decode(matcher.group(2)));
      }
    }
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException(
          what + " holds no PEM block '" + label + "'" + hint(text, label));
    }
    return blocks;
  }

  private static String hint(String text, String label) {
    if (label.equals("PRIVATE KEY") && text.contains("-----BEGIN EC PRIVATE KEY-----")) {
      return "; it holds a SEC1 key: convert it with `openssl pkcs8 -topk8 -nocrypt`";
    }
    return "";
  }
}
