package dev.warden.broker.ca;

import java.security.cert.X509Certificate;

/**
 * A certificate the CA signed for a public key it was given, as a renewal: the client holds the
 * private key, which never leaves it.
 *
 * @param entry the certificate as the index records it
 */
public record IssuedCertificate(
    X509Certificate certificate, X509Certificate ca, IssuedIndex.Entry entry) {}
