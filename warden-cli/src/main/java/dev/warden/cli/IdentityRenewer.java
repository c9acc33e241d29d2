package dev.warden.cli;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerException;
import dev.warden.api.client.ClientIdentity;
import dev.warden.api.client.Pem;
import dev.warden.api.client.ProblemException;
import dev.warden.api.v1.RenewedCertificate;
import dev.warden.broker.ca.IssuedIdentity;
import dev.warden.broker.ca.SigningRequests;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Renews the identity in a directory through the broker ({@code POST /v1/identity/renew}): a new
 * key pair made here, a signing request for it, and the three files replaced atomically with the
 * certificate that comes back. The private key never leaves the machine.
 *
 * <p>As a loop it renews at two thirds of the certificate's validity, the point where a third is
 * left for retries when the broker is away, and re-reads the directory before every decision, so
 * that an identity replaced by hand is picked up.
 */
final class IdentityRenewer {

  /** The renewal failed in a way retrying cannot fix; the message says why, for the operator. */
  static final class RenewalFailed extends Exception {
    RenewalFailed(String message) {
      super(message);
    }
  }

  private static final System.Logger LOG = System.getLogger(IdentityRenewer.class.getName());
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);
  private static final Duration MAX_SLEEP = Duration.ofSeconds(10);

  private final URI broker;
  private final Path directory;
  private final Clock clock;

  IdentityRenewer(URI broker, Path directory, Clock clock) {
    this.broker = broker;
    this.directory = directory;
    this.clock = clock;
  }

  /** When a certificate is due for renewal: two thirds into its validity. */
  static Instant dueAt(X509Certificate certificate) {
    Instant from = certificate.getNotBefore().toInstant();
    Instant until = certificate.getNotAfter().toInstant();
    return from.plus(Duration.between(from, until).multipliedBy(2).dividedBy(3));
  }

  /**
   * Renews once, now.
   *
   * @throws RenewalFailed when the files cannot be used, the certificate expired, or the broker
   *     refused
   * @throws BrokerException when the broker cannot be reached or failed; worth another try
   */
  RenewedCertificate renewOnce() throws RenewalFailed {
    ClientIdentity current = load();
    requireUnexpired(current);
    KeyPair pair = SigningRequests.newKeyPair();
    String csr = SigningRequests.create(pair, current.name());

    RenewedCertificate renewed;
    try {
      renewed = BrokerClient.connect(broker, current).renew(csr);
    } catch (ProblemException e) {
      if (e.status() >= 500) {
        throw e;
      }
      throw new RenewalFailed(
          "the broker refused to renew identity "
              + current.name()
              + " (serial "
              + serial(current)
              + "): "
              + e.problem().detail());
    }

    write(current, pair, renewed);
    return renewed;
  }

  /**
   * Renews whenever due until {@code stopped} says so.
   *
   * @throws RenewalFailed when a renewal is refused or can no longer succeed before expiry
   */
  void loop(BooleanSupplier stopped) throws RenewalFailed, InterruptedException {
    int failures = 0;
    logSchedule(load());
    while (!stopped.getAsBoolean()) {
      ClientIdentity current = load();
      requireUnexpired(current);
      Instant now = clock.instant();
      Instant due = dueAt(current.certificate());
      if (now.isBefore(due)) {
        sleep(min(Duration.between(now, due), MAX_SLEEP), stopped);
        continue;
      }
      try {
        RenewedCertificate renewed = renewOnce();
        failures = 0;
        LOG.log(
            Level.INFO,
            "identity renewed name={0} serial={1} renewedFrom={2} expires={3} nextRenewal={4}",
            current.name(),
            renewed.serial(),
            serial(current),
            renewed.expires(),
            dueAt(load().certificate()));
      } catch (BrokerException e) {
        failures++;
        Duration wait = retryAfter(failures, current.expires());
        LOG.log(
            Level.WARNING,
            "identity renewal failed, retrying in {0} name={1} serial={2} expires={3}: {4}",
            wait,
            current.name(),
            serial(current),
            current.expires(),
            e.getMessage());
        sleep(wait, stopped);
      }
    }
  }

  private void logSchedule(ClientIdentity identity) {
    LOG.log(
        Level.INFO,
        "identity renewal running name={0} serial={1} expires={2} nextRenewal={3} broker={4}"
            + " directory={5}",
        identity.name(),
        serial(identity),
        identity.expires(),
        dueAt(identity.certificate()),
        broker,
        directory);
  }

  private ClientIdentity load() throws RenewalFailed {
    try {
      return ClientIdentity.load(directory);
    } catch (IllegalArgumentException e) {
      throw new RenewalFailed(
          "the identity in " + directory + " cannot be used: " + e.getMessage());
    }
  }

  private void requireUnexpired(ClientIdentity identity) throws RenewalFailed {
    if (!clock.instant().isBefore(identity.expires())) {
      throw new RenewalFailed(
          "the certificate of identity "
              + identity.name()
              + " in "
              + directory
              + " expired at "
              + identity.expires()
              + "; a renewal needs a valid certificate, so issue a new one (warden identity"
              + " issue)");
    }
  }

  /** Checks the answer against what was asked, then replaces the files, the certificate last. */
  private void write(ClientIdentity current, KeyPair pair, RenewedCertificate renewed)
      throws RenewalFailed {
    X509Certificate certificate = single(renewed.certificate(), "the renewed certificate");
    X509Certificate ca = single(renewed.ca(), "the CA certificate of the renewal");
    X509Certificate trusted = current.trusted().get(0);
    if (!Arrays.equals(certificate.getPublicKey().getEncoded(), pair.getPublic().getEncoded())) {
      throw new RenewalFailed("the broker answered with a certificate for another key");
    }
    if (!ClientIdentity.commonName(certificate.getSubjectX500Principal()).equals(current.name())) {
      throw new RenewalFailed(
          "the broker answered with a certificate for "
              + certificate.getSubjectX500Principal()
              + ", not for "
              + current.name());
    }
    try {
      certificate.verify(trusted.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new RenewalFailed(
          "the renewed certificate is not signed by the CA in "
              + directory.resolve(ClientIdentity.CA)
              + ": "
              + e.getMessage());
    }
    try {
      new IssuedIdentity(certificate, pair.getPrivate(), ca).writeTo(directory);
    } catch (IOException e) {
      throw new RenewalFailed(
          "the renewed identity cannot be written to " + directory + ": " + e.getMessage());
    }
  }

  private static X509Certificate single(String pem, String what) throws RenewalFailed {
    try {
      List<X509Certificate> certificates = Pem.parseCertificates(pem, what);
      return certificates.get(0);
    } catch (IllegalArgumentException e) {
      throw new RenewalFailed(e.getMessage());
    }
  }

  /** Capped exponential backoff with jitter, never sleeping past the certificate's expiry. */
  private Duration retryAfter(int failures, Instant expires) {
    long base = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(failures, 16));
    long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    Duration left = Duration.between(clock.instant(), expires);
    return min(Duration.ofMillis(jittered), left.isNegative() ? Duration.ZERO : left);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void sleep(Duration duration, BooleanSupplier stopped)
      throws InterruptedException {
    long deadline = System.nanoTime() + duration.toNanos();
    while (!stopped.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      Thread.sleep(Math.min(Duration.ofNanos(left).toMillis() + 1, 200));
    }
  }

  private static String serial(ClientIdentity identity) {
    return identity.certificate().getSerialNumber().toString(16);
  }
}
