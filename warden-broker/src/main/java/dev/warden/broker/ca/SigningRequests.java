package dev.warden.broker.ca;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * PKCS#10 certificate signing requests, the body of a renewal: the client makes a new key pair and
 * sends only a request signed with the new private key, which proves it holds that key.
 *
 * <p>The broker takes nothing from a request but its public key: the subject and any attributes are
 * ignored, because the identity and its roles come from the certificate the client presents.
 */
public final class SigningRequests {

  /** The PEM label of a signing request. */
  public static final String PEM_LABEL = "CERTIFICATE REQUEST";

  private static final SecureRandom RANDOM = new SecureRandom();

  private SigningRequests() {}

  /** A new ECDSA P-256 key pair, the kind the broker signs. */
  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("bug: the JDK lacks ECDSA P-256: " + e, e);
    }
  }

  /** The PEM text of a signing request for {@code pair}, naming {@code name} for people to read. */
  public static String create(KeyPair pair, String name) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
    try {
      ContentSigner signer =
          new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
      PKCS10CertificationRequest request =
          new JcaPKCS10CertificationRequestBuilder(subject, pair.getPublic()).build(signer);
      StringWriter text = new StringWriter();
      try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
        pem.writeObject(request);
      }
      return text.toString();
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException("bug: a signing request could not be made: " + e, e);
    }
  }

  /**
   * The public key of a PEM signing request, after checking its signature.
   *
   * @throws IllegalArgumentException saying what is wrong: not PEM, not a signing request, a bad
   *     signature, or a key other than ECDSA P-256
   */
  public static PublicKey verify(String pem) {
    PKCS10CertificationRequest request = parse(pem);
    try {
      boolean valid =
          request.isSignatureValid(
              new JcaContentVerifierProviderBuilder().build(request.getSubjectPublicKeyInfo()));
      if (!valid) {
        throw new IllegalArgumentException(
            "the signing request's signature does not verify with its own public key; sign it"
                + " with the new private key");
      }
      PublicKey key = new JcaPKCS10CertificationRequest(request).getPublicKey();
      if (!(key instanceof ECPublicKey ec)
          || ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new IllegalArgumentException(
            "the signing request is for a "
                + key.getAlgorithm()
                + " key; the broker signs ECDSA P-256 keys only (openssl ecparam -name"
                + " prime256v1)");
      }
      return key;
    } catch (OperatorCreationException | PKCSException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the signing request cannot be checked: " + e.getMessage());
    }
  }

  private static PKCS10CertificationRequest parse(String pem) {
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("csr is not PEM text: " + e.getMessage());
    }
    if (parsed instanceof PKCS10CertificationRequest request) {
      return request;
    }
    throw new IllegalArgumentException(
        "csr must be one PEM block '-----BEGIN "
            + PEM_LABEL
            + "-----' (PKCS#10), not "
            + (parsed == null
                ? "text without a PEM block"
                : "a " + parsed.getClass().getSimpleName()));
  }
}
