/**
 * Who is calling and what they may do: the identity from the client certificate, and the
 * permissions of its roles, built in or defined in the broker's roles file, as rules of verbs on
 * resources within a scope.
 */
@NullMarked
package dev.warden.broker.auth;

import org.jspecify.annotations.NullMarked;
