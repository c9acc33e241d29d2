/**
 * Who is calling and what they may do: the identity from the client certificate and the permissions
 * of the built-in roles.
 */
@NullMarked
package dev.warden.broker.auth;

import org.jspecify.annotations.NullMarked;
