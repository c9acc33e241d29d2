package dev.warden.broker.auth;

import dev.warden.broker.ca.IssuedIndex;
import dev.warden.broker.failure.CallFailure;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.jspecify.annotations.Nullable;

/**
 * Turns the client certificate of a TLS session into a {@link Caller}.
 *
 * <p>The TLS layer has already checked that the chain leads to the broker's CA. This class checks
 * what TLS does not: that the certificate is still valid now (a TLS session can outlive it), that
 * the CA's index knows its serial and its identity was not deleted, and that its subject names one
 * identity whose roles the broker knows.
 *
 * <p>Callers are cached by serial; the cache is dropped whenever the index has seen a deletion.
 */
public final class Authenticator {

  private final IssuedIndex index;
  private final RoleBook roles;
  private final ConcurrentMap<BigInteger, Caller> known = new ConcurrentHashMap<>();
  private volatile long deletionsSeen;

  public Authenticator(IssuedIndex index, RoleBook roles) {
    this.index = index;
    this.roles = roles;
  }

  public RoleBook roles() {
    return roles;
  }

  /**
   * The caller presenting {@code chain}.
   *
   * @param chain the peer certificates of the TLS session, or null when none were presented
   * @throws CallFailure.Unauthenticated saying why the certificate is not accepted
   */
  public Caller authenticate(Certificate @Nullable [] chain, Instant now) {
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
      throw new CallFailure.Unauthenticated(
          "no client certificate was presented; every endpoint but /healthz and /readyz needs one"
              + " issued by this broker's CA (warden identity issue)");
    }
    if (now.isAfter(certificate.getNotAfter().toInstant())) {
      throw new CallFailure.Unauthenticated(
          "the client certificate expired at " + certificate.getNotAfter().toInstant());
    }
    if (now.isBefore(certificate.getNotBefore().toInstant())) {
      throw new CallFailure.Unauthenticated(
          "the client certificate is not valid before " + certificate.getNotBefore().toInstant());
    }
    long deletions = index.deletions();
    if (deletions != deletionsSeen) {
      known.clear();
      deletionsSeen = deletions;
    }
    Caller cached = known.get(certificate.getSerialNumber());
    if (cached != null) {
      return cached;
    }
    Caller caller = identify(certificate);
    known.put(certificate.getSerialNumber(), caller);
    return caller;
  }

  private Caller identify(X509Certificate certificate) {
    String serial = certificate.getSerialNumber().toString(16);
    Optional<IssuedIndex.Entry> entry;
    try {
      entry = index.find(certificate.getSerialNumber());
    } catch (IOException e) {
      throw new CallFailure.Unavailable("the index of issued identities cannot be read: " + e);
    }
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    List<String> names = values(subject, BCStyle.CN);
    if (entry.isEmpty()) {
      throw new CallFailure.Unauthenticated(
          "unknown identity: certificate serial "
              + serial
              + " ("
              + names
              + ") was not issued by this broker");
    }
    if (names.size() != 1 || !names.get(0).equals(entry.get().name())) {
      throw new CallFailure.Unauthenticated(
          "the certificate with serial "
              + serial
              + " names "
              + names
              + ", but it was issued to "
              + entry.get().name());
    }
    if (entry.get().deleted() != null) {
      throw new CallFailure.Unauthenticated(
          "identity "
              + names.get(0)
              + " was deleted at "
              + entry.get().deleted()
              + "; its certificates (this one has serial "
              + serial
              + ") are no longer accepted");
    }
    List<String> roleNames = values(subject, BCStyle.OU);
    List<RoleDefinition> definitions = new ArrayList<>();
    for (String role : roleNames) {
      definitions.add(
          roles
              .find(role)
              .orElseThrow(
                  () ->
                      new CallFailure.Unauthenticated(
                          "identity "
                              + names.get(0)
                              + " has role '"
                              + role
                              + "', which this broker does not know; known roles are "
                              + roles.names())));
    }
    if (definitions.isEmpty()) {
      throw new CallFailure.Unauthenticated(
          "identity " + names.get(0) + " has no role in its certificate");
    }
    return new Caller(
        names.get(0),
        roleNames,
        Grants.of(definitions),
        serial,
        certificate.getNotAfter().toInstant(),
        entry.get().kind());
  }

  /**
   * Why a caller authenticated earlier is no longer accepted at {@code now}, such as on a long
   * watch stream: its certificate expired or its identity was deleted. Empty while it is accepted.
   */
  public Optional<String> noLongerAccepted(Caller caller, Instant now) {
    if (now.isAfter(caller.expires())) {
      return Optional.of("its certificate expired at " + caller.expires());
    }
    try {
      Optional<IssuedIndex.Entry> entry = index.find(new BigInteger(caller.serial(), 16));
      if (entry.isEmpty() || entry.get().deleted() != null) {
        return Optional.of("identity " + caller.name() + " was deleted");
      }
    } catch (IOException e) {
      // The index could not be read just now; the certificate was accepted, and the next call
      // that reaches the index decides again.
    }
    return Optional.empty();
  }

  private static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
    List<String> values = new ArrayList<>();
    for (RDN rdn : name.getRDNs(type)) {
      values.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
    }
    return values;
  }
}
