/**
 * The broker's certificate authority: it signs the broker's server certificate and the client
 * identities that call it.
 *
 * <p>An identity certificate names the identity in its subject's common name and carries each of
 * its built-in roles as one organizational unit: {@code CN=watcher-1, OU=watcher, O=warden}. The
 * roles travel in the certificate so the broker needs no lookup to authorize a call, and a role
 * change means issuing a new certificate. Every issued certificate is also recorded in {@code
 * DIR/ca/issued.tsv}; the broker refuses a certificate whose serial it cannot find there, which
 * makes the file the list of identities the broker knows.
 */
@NullMarked
package dev.warden.broker.ca;

import org.jspecify.annotations.NullMarked;
