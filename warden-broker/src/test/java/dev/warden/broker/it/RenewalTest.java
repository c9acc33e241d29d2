package dev.warden.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.ClientIdentity;
import dev.warden.api.client.Pem;
import dev.warden.api.client.ProblemException;
import dev.warden.api.v1.IdentityObject;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.RenewedCertificate;
import dev.warden.api.v1.WhoAmI;
import dev.warden.broker.ca.IssuedIdentity;
import dev.warden.broker.ca.SigningRequests;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/identity/renew}: a fresh certificate for the same identity, or a refusal. */
class RenewalTest {

  private static TestBroker broker;
  private static BrokerClient admin;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
    admin = broker.client("root", "admin");
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void renew_returnsACertificateForTheSameIdentityRolesKindAndLifetime() throws Exception {
    IssuedIdentity first = broker.issue("bot-1", Duration.ofSeconds(60), "watcher");
    KeyPair pair = SigningRequests.newKeyPair();

    RenewedCertificate renewed =
        broker.client(first.asClientIdentity()).renew(SigningRequests.create(pair, "bot-1"));

    X509Certificate certificate = Pem.parseCertificates(renewed.certificate(), "answer").get(0);
    assertThat(certificate.getPublicKey()).isEqualTo(pair.getPublic());
    assertThat(certificate.getSubjectX500Principal())
        .isEqualTo(first.certificate().getSubjectX500Principal());
    assertThat(renewed.serial()).isNotEqualTo(first.certificate().getSerialNumber().toString(16));
    assertThat(Duration.between(java.time.Instant.now(), renewed.expires()))
        .isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
    certificate.verify(broker.broker.ca().certificate().getPublicKey());
    WhoAmI asRenewed =
        broker
            .client(ClientIdentity.of(List.of(certificate), pair.getPrivate(), List.of(first.ca())))
            .whoami();
    assertThat(asRenewed.serial()).isEqualTo(renewed.serial());
    assertThat(asRenewed.roles()).containsExactly("watcher");
    assertThat(asRenewed.kind()).isEqualTo("bot");
    assertThat(broker.client(first.asClientIdentity()).whoami().name())
        .as("the old certificate stays valid until its own expiry")
        .isEqualTo("bot-1");
  }

  @Test
  void renewals_areChainedInTheInventory_newestFirst() {
    IssuedIdentity first = broker.issue("bot-2", Duration.ofMinutes(10), "watcher");

    RenewedCertificate renewed =
        broker
            .client(first.asClientIdentity())
            .renew(SigningRequests.create(SigningRequests.newKeyPair(), "bot-2"));
    IdentityObject inventory = admin.identity("bot-2");

    assertThat(inventory.kind()).isEqualTo("bot");
    assertThat(inventory.certificates())
        .extracting(IdentityObject.Certificate::serial)
        .containsExactly(renewed.serial(), first.certificate().getSerialNumber().toString(16));
    assertThat(inventory.certificates().get(0).renewedFrom())
        .isEqualTo(first.certificate().getSerialNumber().toString(16));
    assertThat(inventory.lastSeen()).isNotNull();
    assertThat(inventory.lastSeen().serial())
        .isEqualTo(first.certificate().getSerialNumber().toString(16));
  }

  @Test
  void renew_withTextThatIsNotASigningRequest_is400NamingCsr() {
    IssuedIdentity identity = broker.issue("bot-3", Duration.ofMinutes(10), "watcher");

    HttpResponse<String> answer =
        broker
            .raw(identity.asClientIdentity())
            .post("/v1/identity/renew", "{\"csr\": \"not a signing request\"}");

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("\"field\":\"csr\"").contains("CERTIFICATE REQUEST");
  }

  @Test
  void renew_forAnRsaKey_is400NamingTheKeyKindAccepted() throws Exception {
    IssuedIdentity identity = broker.issue("bot-4", Duration.ofMinutes(10), "watcher");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair rsa = generator.generateKeyPair();

    ProblemException refused =
        assertThrows(
            ProblemException.class,
            () -> broker.client(identity.asClientIdentity()).renew(rsaRequest(rsa)));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.problem().detail()).contains("RSA").contains("ECDSA P-256");
  }

  @Test
  void renew_ofALockedIdentity_is403_evenForAnAdmin() {
    IssuedIdentity locked = broker.issue("admin-2", Duration.ofMinutes(10), "admin");
    admin.createLock(
        new NewLock(
            LockId.of("revoked-admin-2"), new LockTarget.Identity("admin-2"), "leaked", null));
    BrokerClient client = broker.client(locked.asClientIdentity());

    ProblemException refused =
        assertThrows(
            ProblemException.class,
            () -> client.renew(SigningRequests.create(SigningRequests.newKeyPair(), "admin-2")));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.problem().typeName()).isEqualTo("identity-locked");
    assertThat(refused.problem().detail()).contains("revoked-admin-2");
    assertThat(client.whoami().name()).as("admins' calls are not cut off").isEqualTo("admin-2");
  }

  @Test
  void renew_ofADeletedIdentity_is401() {
    IssuedIdentity doomed = broker.issue("bot-5", Duration.ofMinutes(10), "watcher");
    BrokerClient client = broker.client(doomed.asClientIdentity());
    client.whoami();
    admin.deleteIdentity("bot-5");

    ProblemException refused =
        assertThrows(
            ProblemException.class,
            () -> client.renew(SigningRequests.create(SigningRequests.newKeyPair(), "bot-5")));

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.problem().detail()).contains("bot-5 was deleted");
    assertThat(admin.identity("bot-5").deleted()).isNotNull();
  }

  private static String rsaRequest(KeyPair rsa) throws Exception {
    var request =
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=bot-4"), rsa.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withRSA").build(rsa.getPrivate()));
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(request);
    }
    return text.toString();
  }
}
