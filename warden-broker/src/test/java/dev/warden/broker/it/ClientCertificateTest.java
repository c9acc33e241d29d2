package dev.warden.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerUnreachableException;
import dev.warden.api.client.ClientIdentity;
import dev.warden.api.client.ProblemException;
import dev.warden.api.v1.NewLock;
import dev.warden.broker.ca.CertificateAuthority;
import dev.warden.broker.ca.IssuedIdentity;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Only certificates the broker issued, still valid and known, get past authentication. */
class ClientCertificateTest {

  private static TestBroker broker;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void certificateFromAnotherCa_failsTheHandshake() throws Exception {
    Path other = Files.createTempDirectory("other-ca");
    CertificateAuthority stranger = CertificateAuthority.openOrCreate(other, Instant.now());
    IssuedIdentity foreign =
        stranger.issueIdentity("root", List.of("admin"), Duration.ofHours(1), Instant.now());
    ClientIdentity trustingBroker =
        ClientIdentity.of(
            List.of(foreign.certificate()),
            foreign.key(),
            List.of(broker.broker.ca().certificate()));

    BrokerClient client = broker.client(trustingBroker);

    assertThatThrownBy(client::whoami).isInstanceOf(BrokerUnreachableException.class);
  }

  @Test
  void expiredCertificate_isRefused() {
    Instant now = Instant.now();
    IssuedIdentity expired =
        broker
            .broker
            .ca()
            .issueUnrecorded(
                "old",
                List.of("admin"),
                now.minus(Duration.ofDays(2)),
                now.minus(Duration.ofDays(1)));

    BrokerClient client = broker.client(expired.asClientIdentity());

    assertThatThrownBy(client::whoami)
        .isInstanceOfAny(BrokerUnreachableException.class, ProblemException.class);
  }

  @Test
  void expiredCertificate_knownToTheBroker_isRefused() {
    Instant now = Instant.now();
    IssuedIdentity expired =
        broker
            .broker
            .ca()
            .issueUnrecorded(
                "old-known", List.of("watcher"), now.minusSeconds(120), now.minusSeconds(60));
    broker.record(expired, "old-known", "watcher");

    BrokerClient client = broker.client(expired.asClientIdentity());

    assertRefusedForValidity(client, "expired");
  }

  @Test
  void certificateNotYetValid_knownToTheBroker_isRefused() {
    Instant now = Instant.now();
    IssuedIdentity early =
        broker
            .broker
            .ca()
            .issueUnrecorded(
                "early",
                List.of("watcher"),
                now.plus(Duration.ofHours(1)),
                now.plus(Duration.ofHours(2)));
    broker.record(early, "early", "watcher");

    BrokerClient client = broker.client(early.asClientIdentity());

    assertRefusedForValidity(client, "not valid before");
  }

  @Test
  void revokedCertificate_gets403NamingTheLock() {
    BrokerClient client = broker.client("revoked-one", "requester");
    client.whoami();
    broker
        .client("root", "admin")
        .createLock(
            new NewLock(
                LockId.of("revoked-revoked-one"),
                new LockTarget.Identity("revoked-one"),
                "left the company",
                null));

    ProblemException refused =
        org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class, client::whoami);

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.problem().detail())
        .contains("revoked-revoked-one")
        .contains("left the company");
  }

  /**
   * Either the TLS handshake refuses the certificate (the server validates its dates), or, where a
   * session got through, the broker answers 401 saying why; never a successful call.
   */
  private static void assertRefusedForValidity(BrokerClient client, String why) {
    Throwable failure =
        org.junit.jupiter.api.Assertions.assertThrows(Throwable.class, client::whoami);
    if (failure instanceof ProblemException problem) {
      assertThat(problem.status()).isEqualTo(401);
      assertThat(problem.problem().detail()).contains(why);
    } else {
      // In TLS 1.3 the server checks the client's certificate after the client has finished its
      // side of the handshake, so the client sees either a certificate alert or, when the alert
      // loses the race with the close, only a connection closed before any answer. Both are the
      // handshake refusing the certificate; what matters is that no call got through.
      assertThat(failure).isInstanceOf(BrokerUnreachableException.class);
      assertThat(failure.getMessage())
          .satisfiesAnyOf(
              message -> assertThat(message).containsIgnoringCase("certificate"),
              message -> assertThat(message).contains("received no bytes"),
              message -> assertThat(message).containsIgnoringCase("connection reset"),
              message -> assertThat(message).containsIgnoringCase("closed"));
    }
  }

  @Test
  void unknownIdentity_signedButNeverIssued_gets401() {
    IssuedIdentity unknown =
        broker
            .broker
            .ca()
            .issueUnrecorded(
                "ghost", List.of("admin"), Instant.now(), Instant.now().plus(Duration.ofHours(1)));

    ProblemException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            ProblemException.class, () -> broker.client(unknown.asClientIdentity()).whoami());

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.problem().detail()).contains("unknown identity");
  }

  @Test
  void unknownRole_gets401NamingTheRole() {
    BrokerClient client = broker.client("mallory", "superuser");

    ProblemException refused =
        org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class, client::whoami);

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.problem().detail()).contains("superuser");
  }

  @Test
  void noCertificate_allowsOnlyHealthAndReadiness() throws Exception {
    HttpClient anonymous = HttpClient.newBuilder().sslContext(trustOnly()).build();
    URI base = broker.broker.uri();

    HttpResponse<String> health = send(anonymous, base.resolve("/healthz"));
    HttpResponse<String> ready = send(anonymous, base.resolve("/readyz"));
    HttpResponse<String> whoami = send(anonymous, base.resolve("/v1/whoami"));
    HttpResponse<String> requests = send(anonymous, base.resolve("/v1/requests"));

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(whoami.statusCode()).isEqualTo(401);
    assertThat(whoami.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(whoami.body()).contains("no client certificate");
    assertThat(requests.statusCode()).isEqualTo(401);
  }

  private static HttpResponse<String> send(HttpClient client, URI uri) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static SSLContext trustOnly() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", broker.broker.ca().certificate());
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
