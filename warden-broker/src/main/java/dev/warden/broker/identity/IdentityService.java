package dev.warden.broker.identity;

import dev.warden.api.client.Pem;
import dev.warden.api.v1.IdentityList;
import dev.warden.api.v1.IdentityObject;
import dev.warden.api.v1.Problem.FieldError;
import dev.warden.api.v1.RenewRequest;
import dev.warden.api.v1.RenewedCertificate;
import dev.warden.broker.auth.Caller;
import dev.warden.broker.auth.Resource;
import dev.warden.broker.auth.Verb;
import dev.warden.broker.ca.CertificateAuthority;
import dev.warden.broker.ca.IssuedCertificate;
import dev.warden.broker.ca.IssuedIndex;
import dev.warden.broker.ca.SigningRequests;
import dev.warden.broker.failure.CallFailure;
import dev.warden.broker.watch.ChangeFeed;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockTarget;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The identity endpoints: {@code POST /v1/identity/renew}, {@code GET /v1/identities}, {@code GET}
 * and {@code DELETE /v1/identities/{name}}.
 */
public final class IdentityService {

  private static final System.Logger LOG = System.getLogger(IdentityService.class.getName());

  private final CertificateAuthority ca;
  private final LastSeen lastSeen;
  private final ChangeFeed feed;
  private final Clock clock;

  public IdentityService(CertificateAuthority ca, LastSeen lastSeen, ChangeFeed feed, Clock clock) {
    this.ca = ca;
    this.lastSeen = lastSeen;
    this.feed = feed;
    this.clock = clock;
  }

  /**
   * Signs a fresh certificate for the caller's identity, roles, kind and lifetime.
   *
   * <p>Every identity may renew itself while its certificate is valid; no permission is needed,
   * since the new certificate grants nothing the presented one does not. A lock on the identity
   * refuses the renewal even for an admin, whose calls identity locks otherwise spare: so a revoked
   * admin certificate still dies at its expiry.
   *
   * @throws CallFailure.Refused when an identity lock in force targets the caller
   * @throws CallFailure.InvalidInput when the signing request is not acceptable
   */
  public RenewedCertificate renew(Caller caller, RenewRequest body) {
    Instant now = clock.instant();
    List<Lock> locks = locksOn(caller.name(), now);
    if (!locks.isEmpty()) {
      throw new CallFailure.Refused(
          "identity-locked",
          "identity "
              + caller.name()
              + " is locked by "
              + ids(locks)
              + " and cannot renew its certificate; delete the lock to allow it again");
    }
    PublicKey key;
    try {
      key = SigningRequests.verify(body.csr());
    } catch (IllegalArgumentException e) {
      throw new CallFailure.InvalidInput(
          "the signing request is not acceptable", List.of(new FieldError("csr", e.getMessage())));
    }
    IssuedIndex.Entry current = entryOf(caller);

    IssuedCertificate issued = renew(current, key, now);

    LOG.log(
        Level.INFO,
        "identity renewed name={0} kind={1} serial={2} renewedFrom={3} expires={4}",
        caller.name(),
        current.kind().wireName(),
        issued.entry().serial(),
        current.serial(),
        issued.entry().expires());
    return new RenewedCertificate(
        Pem.certificates(List.of(issued.certificate())),
        Pem.certificates(List.of(issued.ca())),
        issued.entry().serial(),
        issued.certificate().getNotBefore().toInstant(),
        issued.certificate().getNotAfter().toInstant());
  }

  /** Every identity the CA issued, in the order of first issue. */
  public IdentityList list(Caller caller) {
    caller.require(Verb.LIST, Resource.IDENTITIES);
    Instant now = clock.instant();
    List<IdentityObject> items = new ArrayList<>();
    byName().forEach((name, entries) -> items.add(render(name, entries, now)));
    return new IdentityList(items);
  }

  /** One identity. */
  public IdentityObject get(Caller caller, String name) {
    caller.require(Verb.READ, Resource.IDENTITIES);
    List<IssuedIndex.Entry> entries = byName().get(name);
    if (entries == null) {
      throw notFound(name);
    }
    return render(name, entries, clock.instant());
  }

  /**
   * Deletes an identity: every certificate issued to it so far stops being accepted at once, open
   * watch streams included, and cannot be renewed. A certificate issued to the name afterwards is a
   * new identity.
   */
  public void delete(Caller caller, String name) {
    caller.require(Verb.DELETE, Resource.IDENTITIES);
    List<IssuedIndex.Entry> entries = byName().get(name);
    if (entries == null) {
      throw notFound(name);
    }
    if (entries.stream().allMatch(e -> e.deleted() != null)) {
      return;
    }
    try {
      ca.index().recordDeletion(name, clock.instant());
    } catch (IOException e) {
      throw new CallFailure.Unavailable("the index of issued identities cannot be written: " + e);
    }
    LOG.log(Level.INFO, "identity deleted name={0} by={1}", name, caller.name());
  }

  private IssuedCertificate renew(IssuedIndex.Entry current, PublicKey key, Instant now) {
    try {
      return ca.renew(current, key, now);
    } catch (IOException e) {
      throw new CallFailure.Unavailable("the index of issued identities cannot be written: " + e);
    }
  }

  private IssuedIndex.Entry entryOf(Caller caller) {
    try {
      return ca.index()
          .find(new BigInteger(caller.serial(), 16))
          .orElseThrow(
              () ->
                  new CallFailure.Unauthenticated(
                      "certificate serial " + caller.serial() + " is not in the CA's index"));
    } catch (IOException e) {
      throw new CallFailure.Unavailable("the index of issued identities cannot be read: " + e);
    }
  }

  private Map<String, List<IssuedIndex.Entry>> byName() {
    List<IssuedIndex.Entry> all;
    try {
      all = ca.index().all();
    } catch (IOException e) {
      throw new CallFailure.Unavailable("the index of issued identities cannot be read: " + e);
    }
    Map<String, List<IssuedIndex.Entry>> byName = new LinkedHashMap<>();
    for (IssuedIndex.Entry entry : all) {
      byName.computeIfAbsent(entry.name(), n -> new ArrayList<>()).add(entry);
    }
    return byName;
  }

  private IdentityObject render(String name, List<IssuedIndex.Entry> entries, Instant now) {
    IssuedIndex.Entry newest = entries.get(entries.size() - 1);
    List<IdentityObject.Certificate> certificates = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0; i--) {
      IssuedIndex.Entry entry = entries.get(i);
      certificates.add(
          new IdentityObject.Certificate(
              entry.serial(), entry.issued(), entry.expires(), entry.renewedFrom()));
    }
    Optional<LastSeen.Seen> seen = lastSeen.of(name);
    List<Lock> locks = locksOn(name, now);
    return new IdentityObject(
        name,
        newest.kind().wireName(),
        newest.roles(),
        certificates,
        seen.map(s -> new IdentityObject.Seen(s.time(), s.serial())).orElse(null),
        !locks.isEmpty(),
        locks.stream().map(l -> l.id().value()).toList(),
        newest.deleted());
  }

  private List<Lock> locksOn(String name, Instant now) {
    List<Lock> locks = new ArrayList<>();
    for (Lock lock : feed.locks().on(new LockTarget.Identity(name))) {
      if (lock.inForceAt(now)) {
        locks.add(lock);
      }
    }
    return locks;
  }

  private static String ids(List<Lock> locks) {
    return String.join(", ", locks.stream().map(l -> "lock " + l.id()).toList());
  }

  private static CallFailure.NotFound notFound(String name) {
    return new CallFailure.NotFound("the CA never issued an identity named '" + name + "'");
  }
}
