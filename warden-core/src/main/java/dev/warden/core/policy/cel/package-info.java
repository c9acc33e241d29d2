/**
 * Custom-rule conditions written in CEL: the declared variables, the compiler and the compiled
 * condition.
 */
@NullMarked
package dev.warden.core.policy.cel;

import org.jspecify.annotations.NullMarked;
