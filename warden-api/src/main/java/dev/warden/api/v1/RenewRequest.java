package dev.warden.api.v1;

/**
 * The body of {@code POST /v1/identity/renew}.
 *
 * @param csr a PKCS#10 certificate signing request in PEM ({@code -----BEGIN CERTIFICATE
 *     REQUEST-----}) for a new ECDSA P-256 key, signed with that key; only its public key is used
 */
public record RenewRequest(String csr) {

  public RenewRequest {
    Fields.required(csr, "csr");
  }
}
