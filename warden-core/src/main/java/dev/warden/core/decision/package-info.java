/** The pure decision function and what it returns: an outcome, ordered actions and reasons. */
@NullMarked
package dev.warden.core.decision;

import org.jspecify.annotations.NullMarked;
