package dev.warden.broker.ca;

import dev.warden.api.client.Pem;
import dev.warden.core.Identifiers;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The broker's CA in {@code DIR/ca/}: {@code ca.key} (mode 0600), {@code ca.crt} and the index of
 * issued identities {@code issued.tsv}. Keys are ECDSA P-256, serials random 128-bit numbers.
 */
public final class CertificateAuthority {

  /** The file names inside the CA directory. */
  public static final String KEY_FILE = "ca.key";

  public static final String CERTIFICATE_FILE = "ca.crt";

  private static final Duration CA_LIFETIME = Duration.ofDays(3650);
  private static final Duration SERVER_LIFETIME = Duration.ofDays(90);
  private static final Duration BACKDATE = Duration.ofMinutes(5);
  private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path directory;
  private final PrivateKey key;
  private final X509Certificate certificate;
  private final IssuedIndex index;

  private CertificateAuthority(
      Path directory, PrivateKey key, X509Certificate certificate, IssuedIndex index) {
    this.directory = directory;
    this.key = key;
    this.certificate = certificate;
    this.index = index;
  }

  /**
   * Opens the CA in {@code directory}, creating it when the directory holds neither key nor
   * certificate.
   *
   * @throws IllegalStateException when only one of the two files exists, or when the key file is
   *     readable by its group or others
   */
  public static CertificateAuthority openOrCreate(Path directory, Instant now) throws IOException {
    Path keyFile = directory.resolve(KEY_FILE);
    Path certificateFile = directory.resolve(CERTIFICATE_FILE);
    boolean hasKey = Files.exists(keyFile);
    boolean hasCertificate = Files.exists(certificateFile);
    if (!hasKey && !hasCertificate) {
      create(directory, now);
    } else if (hasKey != hasCertificate) {
      throw new IllegalStateException(
          directory
              + " holds "
              + (hasKey
                  ? KEY_FILE + " but no " + CERTIFICATE_FILE
                  : CERTIFICATE_FILE + " but no " + KEY_FILE)
              + "; supply both files of the CA, or neither to have a new CA created");
    }
    return open(directory);
  }

  /**
   * Opens an existing CA.
   *
   * @throws IllegalStateException when the key file is readable by its group or others
   */
  public static CertificateAuthority open(Path directory) throws IOException {
    Path keyFile = directory.resolve(KEY_FILE);
    SecureFiles.requireOwnerOnly(keyFile);
    PrivateKey key = Pem.readPrivateKey(keyFile);
    X509Certificate certificate = Pem.readCertificates(directory.resolve(CERTIFICATE_FILE)).get(0);
    return new CertificateAuthority(directory, key, certificate, new IssuedIndex(directory));
  }

  private static void create(Path directory, Instant now) throws IOException {
    Files.createDirectories(directory);
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    KeyPair pair = newKeyPair();
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.CN, "Warden broker CA")
            .addRDN(BCStyle.O, "warden")
            .build();
    X509v3CertificateBuilder builder =
        builder(subject, subject, pair.getPublic(), now, now.plus(CA_LIFETIME));
    JcaX509ExtensionUtils utils = extensionUtils();
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    builder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    builder.addExtension(
        Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
    X509Certificate certificate = sign(builder, pair.getPrivate());
    SecureFiles.writeSecret(directory.resolve(KEY_FILE), Pem.privateKey(pair.getPrivate()));
    SecureFiles.writePublic(
        directory.resolve(CERTIFICATE_FILE), Pem.certificates(List.of(certificate)));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public Path directory() {
    return directory;
  }

  /** The index of the identities this CA issued. */
  public IssuedIndex index() {
    return index;
  }

  /**
   * Issues a client identity and records it in the index.
   *
   * @param name the identity's name, a safe identifier
   * @param roles its roles, at least one, lower-case names
   * @throws IllegalArgumentException for an unsafe name, a bad role name or a non-positive ttl
   */
  public IssuedIdentity issueIdentity(String name, List<String> roles, Duration ttl, Instant now)
      throws IOException {
    Identifiers.requireSafe("identity name", name);
    List<String> distinct = checkRoles(roles);
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the ttl of an identity must be positive, not " + ttl);
    }
    KeyPair pair = newKeyPair();
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name);
    for (String role : distinct) {
      subject.addRDN(BCStyle.OU, role);
    }
    subject.addRDN(BCStyle.O, "warden");
    X509Certificate issued =
        leaf(
            subject.build(),
            pair.getPublic(),
            now,
            now.plus(ttl),
            KeyPurposeId.id_kp_clientAuth,
            null);
    index.record(issued.getSerialNumber(), name, distinct, issued.getNotAfter().toInstant());
    return new IssuedIdentity(issued, pair.getPrivate(), certificate);
  }

  /**
   * Issues a server certificate for the given host names and addresses. It is not recorded: the
   * broker makes a fresh one at every start and keeps its key in memory only.
   */
  public IssuedIdentity issueServer(List<String> hosts, Instant now) {
    KeyPair pair = newKeyPair();
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.CN, hosts.get(0))
            .addRDN(BCStyle.O, "warden")
            .build();
    List<GeneralName> names = new ArrayList<>();
    for (String host : new LinkedHashSet<>(hosts)) {
      names.add(
          isAddress(host)
              ? new GeneralName(GeneralName.iPAddress, host)
              : new GeneralName(GeneralName.dNSName, host));
    }
    X509Certificate issued =
        leaf(
            subject,
            pair.getPublic(),
            now,
            now.plus(SERVER_LIFETIME),
            KeyPurposeId.id_kp_serverAuth,
            new GeneralNames(names.toArray(GeneralName[]::new)));
    return new IssuedIdentity(issued, pair.getPrivate(), certificate);
  }

  /**
   * Signs a client certificate without recording it, as if by another copy of the CA key. Tests use
   * it to prove that the broker refuses identities it does not know.
   */
  public IssuedIdentity issueUnrecorded(
      String name, List<String> roles, Instant notBefore, Instant notAfter) {
    KeyPair pair = newKeyPair();
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name);
    for (String role : roles) {
      subject.addRDN(BCStyle.OU, role);
    }
    X509Certificate issued =
        leaf(
            subject.build(),
            pair.getPublic(),
            notBefore.plus(BACKDATE),
            notAfter,
            KeyPurposeId.id_kp_clientAuth,
            null);
    return new IssuedIdentity(issued, pair.getPrivate(), certificate);
  }

  private X509Certificate leaf(
      X500Name subject,
      PublicKey publicKey,
      Instant from,
      Instant until,
      KeyPurposeId purpose,
      GeneralNames alternativeNames) {
    try {
      X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder builder = builder(issuer, subject, publicKey, from, until);
      JcaX509ExtensionUtils utils = extensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate));
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
      if (alternativeNames != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames);
      }
      return sign(builder, key);
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("bug: a certificate could not be built: " + e, e);
    }
  }

  private static List<String> checkRoles(List<String> roles) {
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("an identity needs at least one role");
    }
    for (String role : roles) {
      if (!ROLE.matcher(role).matches()) {
        throw new IllegalArgumentException(
            "role '" + role + "' is not a lower-case name of letters, digits and -");
      }
    }
    return List.copyOf(new LinkedHashSet<>(roles));
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Instant from, Instant until) {
    return new JcaX509v3CertificateBuilder(
        issuer, serial(), Date.from(from.minus(BACKDATE)), Date.from(until), subject, key);
  }

  /** A random positive 128-bit serial, as the CA/Browser rules ask for unpredictable serials. */
  private static BigInteger serial() {
    BigInteger serial;
    do {
      serial = new BigInteger(128, RANDOM);
    } while (serial.signum() == 0);
    return serial;
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("bug: a certificate could not be signed: " + e, e);
    }
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("bug: SHA-1 for key identifiers is missing: " + e, e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("bug: the JDK lacks ECDSA P-256: " + e, e);
    }
  }

  private static boolean isAddress(String host) {
    if (host.contains(":")) {
      return true;
    }
    if (!host.matches("[0-9.]+")) {
      return false;
    }
    try {
      InetAddress.getByName(host);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
