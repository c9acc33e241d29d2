package dev.warden.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.api.tls.CipherOrder;
import dev.warden.broker.ca.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS 1.3 suite a broker picks depends on whether its JVM runs AES-GCM on the processor's
 * instructions: a broker on the quick compiler only picks ChaCha20-Poly1305 even from a client that
 * offers AES-GCM first, and one on the full compilers keeps the JDK's choice.
 */
class CipherChoiceTest {

  private static final String[] CLIENT_ORDER = {
    "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"
  };

  @Test
  void brokerOnTheQuickCompilerOnly_picksChaCha20(@TempDir Path directory) throws Exception {
    Path catalog = directory.resolve("catalog.yaml");
    Files.writeString(catalog, TestBroker.CATALOG);
    Path data = directory.resolve("data");
    Path portFile = directory.resolve("port");
    Process broker = BrokerProcess.launch(data, catalog, portFile, "-XX:TieredStopAtLevel=1");
    try {
      int port = Integer.parseInt(Files.readString(portFile).trim());
      assertThat(negotiated(port, caOf(data))).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
    } finally {
      broker.destroy();
      broker.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void brokerWithTheOptimizingCompiler_keepsAesGcm() throws Exception {
    // This test's own JVM runs the broker; on a processor without AES instructions it would rightly
    // pick ChaCha20 too, which is the other test's case.
    assumeTrue(CipherOrder.aesInHardware(), "this JVM does not run AES on the processor");
    try (TestBroker broker = TestBroker.start()) {
      assertThat(negotiated(broker.broker.port(), broker.broker.ca().certificate()))
          .isEqualTo("TLS_AES_256_GCM_SHA384");
    }
  }

  @Test
  void onlyTls13sChaCha20SuiteMoves_theRestKeepTheirOrder() {
    String[] jdk = {
      "TLS_AES_256_GCM_SHA384",
      "TLS_AES_128_GCM_SHA256",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"
    };
    assertThat(CipherOrder.withChaCha20First(jdk))
        .containsExactly(
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");
    assertThat(jdk[0]).isEqualTo("TLS_AES_256_GCM_SHA384");
  }

  /** Connects without a client certificate (the broker asks for one, but lets health probes in). */
  private static String negotiated(int port, X509Certificate ca) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.setEnabledProtocols(new String[] {"TLSv1.3"});
      socket.setEnabledCipherSuites(CLIENT_ORDER);
      socket.startHandshake();
      return socket.getSession().getCipherSuite();
    }
  }

  private static X509Certificate caOf(Path data) throws Exception {
    Path pem = data.resolve("ca").resolve(CertificateAuthority.CERTIFICATE_FILE);
    try (var in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
