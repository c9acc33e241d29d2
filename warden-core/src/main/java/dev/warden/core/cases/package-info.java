/**
 * Policy test cases: a file of named situations, each with the decision a policy must reach, and
 * the runner that checks a policy against them with the one {@code decide} function.
 */
@NullMarked
package dev.warden.core.cases;

import org.jspecify.annotations.NullMarked;
