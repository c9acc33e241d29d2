/**
 * The policy matrix: for every small set of access a user may hold and every single role or
 * resource they may ask for next, what the policy decides and what it locks.
 */
@NullMarked
package dev.warden.core.matrix;

import org.jspecify.annotations.NullMarked;
