package dev.warden.api.v1;

import java.time.Instant;

/**
 * The answer of {@code POST /v1/identity/renew}: a fresh certificate for the caller's identity,
 * with the same roles and lifetime as the one it presented, for the key of its signing request.
 *
 * @param certificate the new certificate in PEM
 * @param ca the CA certificate in PEM, to refresh {@code ca.crt}
 * @param serial the new certificate's serial, in lower-case hex
 * @param notBefore the start of its validity, a little before it was issued to absorb clock skew
 * @param expires the end of its validity
 */
public record RenewedCertificate(
    String certificate, String ca, String serial, Instant notBefore, Instant expires) {

  public RenewedCertificate {
    Fields.required(certificate, "certificate");
    Fields.required(ca, "ca");
    Fields.required(serial, "serial");
    Fields.required(notBefore, "notBefore");
    Fields.required(expires, "expires");
  }
}
