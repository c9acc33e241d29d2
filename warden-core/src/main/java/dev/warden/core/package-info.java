/**
 * Warden's core: the domain, the policy language and the pure {@code decide} function.
 *
 * <p>Nothing in this module performs I/O, reads the clock or uses randomness; an architecture test
 * keeps it that way.
 */
@NullMarked
package dev.warden.core;

import org.jspecify.annotations.NullMarked;
