package dev.warden.broker.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifetimes and kinds of client certificates, and renewals for a client's own key. */
class CertificateAuthorityTest {

  @TempDir Path dir;
  private CertificateAuthority ca;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @BeforeEach
  void open() throws Exception {
    ca = CertificateAuthority.openOrCreate(dir, now);
  }

  @Test
  void ttlOverSevenDays_isRefusedNamingTheLimit() {
    assertThatThrownBy(
            () -> ca.issueIdentity("alice", List.of("requester"), Duration.ofDays(8), now))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT192H")
        .hasMessageContaining("limit of 7 days")
        .hasMessageContaining("warden identity renew");
  }

  @Test
  void ttlOfExactlySevenDays_isSigned() throws Exception {
    IssuedIdentity issued =
        ca.issueIdentity("alice", List.of("requester"), Duration.ofDays(7), now);

    assertThat(issued.certificate().getNotAfter().toInstant())
        .isEqualTo(now.plus(Duration.ofDays(7)));
  }

  @Test
  void watcherRole_isABot_andCannotBeIssuedAsHuman() throws Exception {
    IssuedIdentity bot = ca.issueIdentity("w", List.of("watcher"), Duration.ofHours(1), now);

    assertThat(ca.index().find(bot.certificate().getSerialNumber()).orElseThrow().kind())
        .isEqualTo(IdentityKind.BOT);
    assertThatThrownBy(
            () ->
                ca.issueIdentity(
                    "w", List.of("watcher"), IdentityKind.HUMAN, Duration.ofHours(1), now))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("watcher role is a bot");
  }

  @Test
  void shortCertificate_startsATenthOfItsLifetimeEarly() throws Exception {
    X509Certificate certificate =
        ca.issueIdentity("w", List.of("watcher"), Duration.ofSeconds(20), now).certificate();
    X509Certificate hourly =
        ca.issueIdentity("w", List.of("watcher"), Duration.ofHours(1), now).certificate();

    assertThat(certificate.getNotBefore().toInstant()).isEqualTo(now.minusSeconds(2));
    assertThat(hourly.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(5)));
  }

  @Test
  void renew_signsTheClientsKey_withTheSameNameRolesKindAndTtl() throws Exception {
    IssuedIdentity first = ca.issueIdentity("w", List.of("watcher"), Duration.ofSeconds(20), now);
    IssuedIndex.Entry entry = ca.index().find(first.certificate().getSerialNumber()).orElseThrow();
    KeyPair pair = SigningRequests.newKeyPair();
    Instant later = now.plusSeconds(10);

    IssuedCertificate renewed =
        ca.renew(entry, SigningRequests.verify(SigningRequests.create(pair, "w")), later);

    assertThat(renewed.certificate().getPublicKey()).isEqualTo(pair.getPublic());
    assertThat(renewed.certificate().getSubjectX500Principal().getName())
        .isEqualTo(first.certificate().getSubjectX500Principal().getName());
    assertThat(renewed.certificate().getNotAfter().toInstant()).isEqualTo(later.plusSeconds(20));
    assertThat(renewed.entry().renewedFrom()).isEqualTo(entry.serial());
    assertThat(renewed.entry().kind()).isEqualTo(IdentityKind.BOT);
    renewed.certificate().verify(ca.certificate().getPublicKey());
  }

  @Test
  void signingRequest_thatIsNotPem_isRefusedSayingWhatItMustBe() {
    assertThatThrownBy(() -> SigningRequests.verify("hello"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BEGIN CERTIFICATE REQUEST");
  }
}
