/**
 * The ways a broker call can fail, as exceptions that know nothing of HTTP; the HTTP layer maps
 * each to one problem detail in a single place.
 */
@NullMarked
package dev.warden.broker.failure;

import org.jspecify.annotations.NullMarked;
