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
import org.jspecify.annotations.Nullable;

/**
 * The broker's CA in {@code DIR/ca/}: {@code ca.key} (mode 0600), {@code ca.crt} and the index of
 * issued identities {@code issued.tsv}. Keys are ECDSA P-256, serials random 128-bit numbers.
 */
public final class CertificateAuthority {

  /** The file names inside the CA directory. */
  public static final String KEY_FILE = "ca.key";

  public static final String CERTIFICATE_FILE = "ca.crt";

  /** The lifetime of a bot's certificate unless told otherwise. */
  public static final Duration DEFAULT_BOT_TTL = Duration.ofHours(1);

  /** The lifetime of a person's certificate unless told otherwise. */
  public static final Duration DEFAULT_HUMAN_TTL = Duration.ofHours(24);

  /** The longest lifetime the CA signs for a client certificate. */
  public static final Duration MAX_TTL = Duration.ofDays(7);

  private static final Duration CA_LIFETIME = Duration.ofDays(3650);
  private static final Duration SERVER_LIFETIME = Duration.ofDays(90);
  private static final Duration MAX_BACKDATE = Duration.ofMinutes(5);
  private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final String WATCHER_ROLE = "watcher";
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
        builder(subject, subject, pair.getPublic(), now.minus(MAX_BACKDATE), now.plus(CA_LIFETIME));
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

  /** The default lifetime of a certificate for an identity of {@code kind}. */
  public static Duration defaultTtl(IdentityKind kind) {
    return kind == IdentityKind.BOT ? DEFAULT_BOT_TTL : DEFAULT_HUMAN_TTL;
  }

  /** The kind an identity with {@code roles} has when none is named: bot with the watcher role. */
  public static IdentityKind kindOf(List<String> roles) {
    return roles.contains(WATCHER_ROLE) ? IdentityKind.BOT : IdentityKind.HUMAN;
  }

  /**
   * Issues a client identity of the kind its roles imply, and records it in the index.
   *
   * @see #issueIdentity(String, List, IdentityKind, Duration, Instant)
   */
  public IssuedIdentity issueIdentity(String name, List<String> roles, Duration ttl, Instant now)
      throws IOException {
    return issueIdentity(name, roles, kindOf(roles), ttl, now);
  }

  /**
   * Issues a client identity and records it in the index.
   *
   * @param name the identity's name, a safe identifier
   * @param roles its roles, at least one, lower-case names
   * @param ttl how long the certificate is valid: positive and at most {@link #MAX_TTL}
   * @throws IllegalArgumentException for an unsafe name, a bad role name, a ttl out of bounds, or a
   *     human kind for the watcher role
   */
  public IssuedIdentity issueIdentity(
      String name, List<String> roles, IdentityKind kind, Duration ttl, Instant now)
      throws IOException {
    Identifiers.requireSafe("identity name", name);
    List<String> distinct = checkRoles(roles);
    checkKind(kind, distinct);
    checkTtl(ttl);
    KeyPair pair = newKeyPair();

    IssuedCertificate issued = sign(name, distinct, kind, pair.getPublic(), ttl, now, null);

    return new IssuedIdentity(issued.certificate(), pair.getPrivate(), certificate);
  }

  /**
   * Signs a fresh certificate for the identity of {@code current}, with its name, roles, kind and
   * ttl, for a public key the client generated, and records it in the index as a renewal of it.
   *
   * <p>The caller has checked that {@code current} is the valid certificate the client presented.
   */
  public IssuedCertificate renew(IssuedIndex.Entry current, PublicKey key, Instant now)
      throws IOException {
    Duration ttl = current.ttl();
    if (ttl.compareTo(MAX_TTL) > 0 || ttl.isNegative() || ttl.isZero()) {
      ttl = defaultTtl(current.kind());
    }
    return sign(current.name(), current.roles(), current.kind(), key, ttl, now, current.serial());
  }

  private IssuedCertificate sign(
      String name,
      List<String> roles,
      IdentityKind kind,
      PublicKey publicKey,
      Duration ttl,
      Instant now,
      @Nullable String renewedFrom)
      throws IOException {
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name);
    for (String role : roles) {
      subject.addRDN(BCStyle.OU, role);
    }
    subject.addRDN(BCStyle.O, "warden");
    X509Certificate issued =
        leaf(
            subject.build(),
            publicKey,
            now.minus(backdate(ttl)),
            now.plus(ttl),
            KeyPurposeId.id_kp_clientAuth,
            null);
    IssuedIndex.Entry entry =
        index.record(
            issued.getSerialNumber(),
            name,
            roles,
            kind,
            now,
            issued.getNotAfter().toInstant(),
            renewedFrom);
    return new IssuedCertificate(issued, certificate, entry);
  }

  /**
   * How far before its issue a certificate's validity starts, to absorb clock differences: a tenth
   * of its lifetime, at most five minutes, so a short certificate's window, and with it the renewal
   * point two thirds into that window, stay close to what was asked for.
   */
  static Duration backdate(Duration ttl) {
    Duration tenth = ttl.dividedBy(10);
    return tenth.compareTo(MAX_BACKDATE) < 0 ? tenth : MAX_BACKDATE;
  }

  private static void checkTtl(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the ttl of an identity must be positive, not " + ttl);
    }
    if (ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "the ttl "
              + ttl
              + " is longer than the CA's limit of "
              + MAX_TTL.toDays()
              + " days ("
              + MAX_TTL
              + "); issue a shorter certificate and renew it (warden identity renew)");
    }
  }

  private static void checkKind(IdentityKind kind, List<String> roles) {
    if (kind == IdentityKind.HUMAN && roles.contains(WATCHER_ROLE)) {
      throw new IllegalArgumentException(
          "an identity with the watcher role is a bot, not a human; leave out the kind or name"
              + " bot");
    }
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
            now.minus(MAX_BACKDATE),
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
            notBefore,
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
      @Nullable GeneralNames alternativeNames) {
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
        issuer, serial(), Date.from(from), Date.from(until), subject, key);
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
