package dev.warden.broker.ca;

import dev.warden.api.client.ClientIdentity;
import dev.warden.api.client.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A freshly issued client identity: its certificate, its private key and the CA that signed it. */
public record IssuedIdentity(X509Certificate certificate, PrivateKey key, X509Certificate ca) {

  /**
   * Writes {@code ca.crt}, {@code tls.key} (mode 0600) and {@code tls.crt} into {@code directory},
   * creating it when needed, each file replaced atomically and durably.
   *
   * <p>The certificate goes last: readers that watch the files reload when {@code tls.crt} changes,
   * and by then the key that belongs to it is already in place.
   */
  public void writeTo(Path directory) throws IOException {
    Files.createDirectories(directory);
    SecureFiles.writePublic(directory.resolve(ClientIdentity.CA), Pem.certificates(List.of(ca)));
    SecureFiles.writeSecret(directory.resolve(ClientIdentity.KEY), Pem.privateKey(key));
    SecureFiles.writePublic(
        directory.resolve(ClientIdentity.CERTIFICATE), Pem.certificates(List.of(certificate)));
  }

  /** This identity as a client can present it. */
  public ClientIdentity asClientIdentity() {
    return ClientIdentity.of(List.of(certificate), key, List.of(ca));
  }
}
