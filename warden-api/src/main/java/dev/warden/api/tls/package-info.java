/**
 * TLS settings that the broker's server and its clients share, so that both ends of a connection
 * make the same choices for the same reasons.
 */
@NullMarked
package dev.warden.api.tls;

import org.jspecify.annotations.NullMarked;
