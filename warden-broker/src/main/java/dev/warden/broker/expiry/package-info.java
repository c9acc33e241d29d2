/** Expiry of pending requests and of approved access, on time and after restarts. */
@NullMarked
package dev.warden.broker.expiry;

import org.jspecify.annotations.NullMarked;
