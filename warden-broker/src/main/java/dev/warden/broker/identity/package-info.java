/**
 * The identities themselves as an inventory: renewal of a caller's certificate, the list an auditor
 * reviews (kinds, roles, certificates, last call, locks), and deletion.
 */
@NullMarked
package dev.warden.broker.identity;

import org.jspecify.annotations.NullMarked;
