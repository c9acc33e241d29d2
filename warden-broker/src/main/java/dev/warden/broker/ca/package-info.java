/**
 * The broker's certificate authority: it signs the broker's server certificate and the client
 * identities that call it, and renews them.
 *
 * <p>An identity certificate names the identity in its subject's common name and carries each of
 * its roles as one organizational unit: {@code CN=watcher-1, OU=watcher, O=warden}. The roles
 * travel in the certificate so the broker needs no lookup to authorize a call, and a role change
 * means issuing a new certificate. Every issued certificate is also recorded in {@code
 * DIR/ca/issued.tsv} with the identity's kind (human or bot); the broker refuses a certificate
 * whose serial it cannot find there, which makes the file the list of identities the broker knows.
 * Client certificates live at most seven days; bots default to one hour and renew.
 */
@NullMarked
package dev.warden.broker.ca;

import org.jspecify.annotations.NullMarked;
